/* columns.c: header names (English, Vietnamese, --map) to columns.
 * Names are compared after sdx_fold, so the table holds folded forms. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

#define NAME_MAX_FOLD 128
#define MAP_MAX 256

static const char *const names[COL_COUNT] = {
    [COL_IGNORE] = "ignore",
    [COL_PHONE] = "phone",
    [COL_BANK] = "bank",
    [COL_ACCOUNT] = "account",
    [COL_VIETQR] = "vietqr",
    [COL_HANDLE] = "handle",
    [COL_PLATFORM] = "platform",
    [COL_URL] = "url",
    [COL_AGENCY] = "agency",
    [COL_CASE_REF] = "case_ref",
    [COL_INCIDENT_DATE] = "incident_date",
    [COL_RECEIVED_DATE] = "received_date",
    [COL_CATEGORY] = "category",
    [COL_CHANNEL] = "channel",
    [COL_AMOUNT] = "amount",
    [COL_CONFIRMATION] = "confirmation",
    [COL_AUDIENCE] = "audience",
    [COL_NARRATIVE] = "narrative",
};

/* Folded header names: English first, then Vietnamese (as documented in
 * scamdex-import(1)). */
static const struct {
	int col;
	const char *name;
} aliases[] = {
    {COL_PHONE, "phone number"},
    {COL_PHONE, "telephone"},
    {COL_PHONE, "caller"},
    {COL_PHONE, "so dien thoai"},
    {COL_PHONE, "sdt"},
    {COL_PHONE, "so dt"},
    {COL_PHONE, "dien thoai"},
    {COL_PHONE, "so thue bao"},
    {COL_PHONE, "so goi den"},
    {COL_PHONE, "so dien thoai lua dao"},
    {COL_BANK, "bank name"},
    {COL_BANK, "bank code"},
    {COL_BANK, "bin"},
    {COL_BANK, "ngan hang"},
    {COL_BANK, "ten ngan hang"},
    {COL_BANK, "ngan hang thu huong"},
    {COL_BANK, "ngan hang nhan"},
    {COL_ACCOUNT, "account number"},
    {COL_ACCOUNT, "bank account"},
    {COL_ACCOUNT, "so tai khoan"},
    {COL_ACCOUNT, "stk"},
    {COL_ACCOUNT, "tai khoan"},
    {COL_ACCOUNT, "tai khoan ngan hang"},
    {COL_ACCOUNT, "so tai khoan nhan"},
    {COL_ACCOUNT, "so tai khoan thu huong"},
    {COL_VIETQR, "qr"},
    {COL_VIETQR, "vietqr payload"},
    {COL_VIETQR, "ma qr"},
    {COL_VIETQR, "ma vietqr"},
    {COL_HANDLE, "chat handle"},
    {COL_HANDLE, "username"},
    {COL_HANDLE, "nick"},
    {COL_HANDLE, "tai khoan chat"},
    {COL_HANDLE, "tai khoan mang xa hoi"},
    {COL_HANDLE, "ten tai khoan"},
    {COL_HANDLE, "tai khoan nhan tin"},
    {COL_PLATFORM, "nen tang"},
    {COL_PLATFORM, "mang xa hoi"},
    {COL_PLATFORM, "ung dung"},
    {COL_URL, "link"},
    {COL_URL, "website"},
    {COL_URL, "domain"},
    {COL_URL, "duong link"},
    {COL_URL, "duong dan"},
    {COL_URL, "trang web"},
    {COL_URL, "ten mien"},
    {COL_AGENCY, "reporting agency"},
    {COL_AGENCY, "don vi"},
    {COL_AGENCY, "co quan"},
    {COL_AGENCY, "don vi tiep nhan"},
    {COL_AGENCY, "don vi bao cao"},
    {COL_AGENCY, "co quan tiep nhan"},
    {COL_CASE_REF, "case"},
    {COL_CASE_REF, "case reference"},
    {COL_CASE_REF, "case number"},
    {COL_CASE_REF, "so ho so"},
    {COL_CASE_REF, "ma ho so"},
    {COL_CASE_REF, "so vu viec"},
    {COL_CASE_REF, "ma vu viec"},
    {COL_CASE_REF, "so van ban"},
    {COL_INCIDENT_DATE, "date"},
    {COL_INCIDENT_DATE, "incident"},
    {COL_INCIDENT_DATE, "ngay"},
    {COL_INCIDENT_DATE, "ngay xay ra"},
    {COL_INCIDENT_DATE, "ngay vu viec"},
    {COL_INCIDENT_DATE, "ngay bi lua"},
    {COL_INCIDENT_DATE, "thoi gian"},
    {COL_RECEIVED_DATE, "received"},
    {COL_RECEIVED_DATE, "date received"},
    {COL_RECEIVED_DATE, "ngay tiep nhan"},
    {COL_RECEIVED_DATE, "ngay nhan"},
    {COL_RECEIVED_DATE, "ngay bao cao"},
    {COL_CATEGORY, "type"},
    {COL_CATEGORY, "scam type"},
    {COL_CATEGORY, "loai lua dao"},
    {COL_CATEGORY, "loai"},
    {COL_CATEGORY, "thu doan"},
    {COL_CATEGORY, "hinh thuc lua dao"},
    {COL_CATEGORY, "phuong thuc"},
    {COL_CHANNEL, "kenh"},
    {COL_CHANNEL, "kenh lien lac"},
    {COL_CHANNEL, "hinh thuc lien lac"},
    {COL_CHANNEL, "phuong tien"},
    {COL_AMOUNT, "amount vnd"},
    {COL_AMOUNT, "loss"},
    {COL_AMOUNT, "so tien"},
    {COL_AMOUNT, "so tien bi lua"},
    {COL_AMOUNT, "so tien chiem doat"},
    {COL_AMOUNT, "so tien thiet hai"},
    {COL_AMOUNT, "thiet hai"},
    {COL_CONFIRMATION, "confirmed"},
    {COL_CONFIRMATION, "xac minh"},
    {COL_CONFIRMATION, "muc do xac minh"},
    {COL_CONFIRMATION, "tinh trang xac minh"},
    {COL_AUDIENCE, "visibility"},
    {COL_AUDIENCE, "pham vi"},
    {COL_AUDIENCE, "pham vi chia se"},
    {COL_AUDIENCE, "chia se"},
    {COL_NARRATIVE, "description"},
    {COL_NARRATIVE, "details"},
    {COL_NARRATIVE, "noi dung"},
    {COL_NARRATIVE, "mo ta"},
    {COL_NARRATIVE, "tom tat"},
    {COL_NARRATIVE, "noi dung vu viec"},
    {COL_NARRATIVE, "dien bien"},
    {COL_IGNORE, "stt"},
    {COL_IGNORE, "no"},
};

struct colmap {
	size_t n;
	struct {
		char folded[NAME_MAX_FOLD];
		int col;
	} map[MAP_MAX];
};

const char *column_name(int col)
{
	return col >= 0 && col < COL_COUNT ? names[col] : "?";
}

int column_repeats(int col)
{
	return col == COL_PHONE || col == COL_VIETQR || col == COL_URL ||
	       col == COL_IGNORE;
}

int colmap_new(struct colmap **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : SDX_ENOMEM;
}

void colmap_free(struct colmap *m)
{
	free(m);
}

/* "case_ref" folds to "case ref": '_' is punctuation to sdx_fold. */
static int same_name(const char *folded, const char *name)
{
	for (; *folded && *name; folded++, name++)
		if (*folded != (*name == '_' ? ' ' : *name))
			return 0;
	return *folded == *name;
}

static int column_by_name(const char *folded)
{
	for (int c = 0; c < COL_COUNT; c++)
		if (same_name(folded, names[c]))
			return c;
	return COL_NONE;
}

int colmap_lookup(const struct colmap *m, const char *name, size_t len)
{
	char folded[NAME_MAX_FOLD];
	int c;

	if (sdx_fold(name, len, folded, sizeof folded) != 0)
		return COL_NONE;
	for (size_t i = 0; m && i < m->n; i++)
		if (strcmp(folded, m->map[i].folded) == 0)
			return m->map[i].col;
	c = column_by_name(folded);
	if (c != COL_NONE)
		return c;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(folded, aliases[i].name) == 0)
			return aliases[i].col;
	return COL_NONE;
}

int colmap_load(struct colmap *m, const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[512];
	size_t lineno = 0;
	int rc = 0;

	if (!fp) {
		fprintf(stderr, "scamdex-import: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof line, fp)) {
		size_t len = strlen(line);
		char *eq, *col, *end;
		int c;

		lineno++;
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			fprintf(stderr,
				"scamdex-import: %s:%zu: line too long\n", path,
				lineno);
			rc = -1;
			break;
		}
		while (len > 0 &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r' ||
			line[len - 1] == ' '))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		eq = strrchr(line, '=');
		if (!eq) {
			fprintf(
			    stderr,
			    "scamdex-import: %s:%zu: expected header=column\n",
			    path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		col = eq + 1;
		while (*col == ' ')
			col++;
		end = col + strlen(col);
		c = COL_NONE;
		for (int k = 0; k < COL_COUNT; k++)
			if ((size_t)(end - col) == strlen(names[k]) &&
			    memcmp(col, names[k], strlen(names[k])) == 0)
				c = k;
		if (c == COL_NONE) {
			fprintf(stderr,
				"scamdex-import: %s:%zu: unknown column '%s'\n",
				path, lineno, col);
			rc = -1;
			break;
		}
		if (m->n == MAP_MAX) {
			fprintf(
			    stderr,
			    "scamdex-import: %s:%zu: more than %d mappings\n",
			    path, lineno, MAP_MAX);
			rc = -1;
			break;
		}
		if (sdx_fold(line, strlen(line), m->map[m->n].folded,
			     sizeof m->map[m->n].folded) != 0 ||
		    !m->map[m->n].folded[0]) {
			fprintf(stderr,
				"scamdex-import: %s:%zu: bad header name\n",
				path, lineno);
			rc = -1;
			break;
		}
		m->map[m->n++].col = c;
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "scamdex-import: %s: read error\n", path);
		rc = -1;
	}
	fclose(fp);
	return rc;
}

void row_clear(struct row *r)
{
	memset(r->n, 0, sizeof r->n);
	r->too_many = 0;
	r->too_many_col = 0;
	r->nul_free = 0;
}

void row_add(struct row *r, int col, const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
			   s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (len == 0 || col <= COL_IGNORE || col >= COL_COUNT)
		return;
	if (r->n[col] == IMP_CELLS_MAX) {
		if (!r->too_many) {
			r->too_many = 1;
			r->too_many_col = col;
		}
		return;
	}
	r->v[col][r->n[col]].s = s;
	r->v[col][r->n[col]].len = len;
	r->n[col]++;
}
