/* jsonin.c: JSON Lines input through jansson, the only user of
 * <jansson.h>. One object per line, keys named like CSV headers; a line
 * longer than IMP_ROW_MAX is refused without being held. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "import.h"

#define CHUNK 65536
#define KEYS_CACHED 64
#define KEY_MAX 64
#define NUMS_MAX 64
#define UNKNOWN_WARNED 64

struct jsonin {
	struct importer *imp;
	const char *name;
	char line[IMP_ROW_MAX + 1];
	size_t len;
	int overflow;
	size_t lineno;

	/* key -> column, so that a key is folded once per file */
	size_t nkeys;
	struct {
		char key[KEY_MAX];
		int col;
	} keys[KEYS_CACHED];
	size_t nunknown;
	char unknown[UNKNOWN_WARNED][KEY_MAX];

	char nums[NUMS_MAX][24]; /* integers written as text */
	size_t nnums;
	struct row row;
};

static int key_column(struct jsonin *j, const char *key)
{
	size_t klen = strlen(key);
	int col;

	for (size_t i = 0; i < j->nkeys; i++)
		if (strcmp(j->keys[i].key, key) == 0)
			return j->keys[i].col;
	col = colmap_lookup(imp_colmap(j->imp), key, klen);
	if (klen < KEY_MAX && j->nkeys < KEYS_CACHED) {
		memcpy(j->keys[j->nkeys].key, key, klen + 1);
		j->keys[j->nkeys++].col = col;
	}
	if (col == COL_NONE) {
		for (size_t i = 0; i < j->nunknown; i++)
			if (strncmp(j->unknown[i], key, KEY_MAX - 1) == 0)
				return col;
		if (j->nunknown < UNKNOWN_WARNED) {
			snprintf(j->unknown[j->nunknown++], KEY_MAX, "%s", key);
			fprintf(stderr,
				"scamdex-import: %s:%zu: ignoring key '%s' "
				"(name it with --map)\n",
				j->name, j->lineno, key);
		}
	}
	return col;
}

/* Add one JSON value to the row; 0, or -1 with *why set. */
static int add_value(struct jsonin *j, int col, json_t *v, const char **why)
{
	switch (json_typeof(v)) {
	case JSON_NULL:
		return 0;
	case JSON_STRING:
		row_add(&j->row, col, json_string_value(v),
			json_string_length(v));
		return 0;
	case JSON_INTEGER:
		if (j->nnums == NUMS_MAX) {
			*why = "too many values";
			return -1;
		}
		snprintf(j->nums[j->nnums], sizeof j->nums[0],
			 "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		row_add(&j->row, col, j->nums[j->nnums],
			strlen(j->nums[j->nnums]));
		j->nnums++;
		return 0;
	case JSON_ARRAY:
		if (!column_repeats(col) && col != COL_HANDLE) {
			*why = "expected one value, not an array";
			return -1;
		}
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);
			if (json_is_array(e) || json_is_object(e)) {
				*why = "expected an array of strings";
				return -1;
			}
			if (add_value(j, col, e, why))
				return -1;
		}
		return 0;
	default:
		*why = "expected a string or a whole number";
		return -1;
	}
}

static int line_done(struct jsonin *j)
{
	char reason[IMP_REASON_MAX];
	const char *s = j->line, *why = NULL;
	size_t len = j->len;
	json_error_t err;
	json_t *obj, *v;
	const char *key;
	int rc, bad_col = -1;

	if (j->lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3, len -= 3;
	while (len > 0 &&
	       (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (len == 0)
		return 0; /* blank lines are not rows */
	obj = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (!obj) {
		snprintf(reason, sizeof reason, "invalid JSON: %s (column %d)",
			 err.text, err.column);
		return imp_reject(j->imp, j->lineno, "", reason, s, len);
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		return imp_reject(j->imp, j->lineno, "", "not a JSON object", s,
				  len);
	}
	row_clear(&j->row);
	j->nnums = 0;
	json_object_foreach(obj, key, v)
	{
		int col = key_column(j, key);
		if (col == COL_NONE || col == COL_IGNORE)
			continue;
		if (add_value(j, col, v, &why)) {
			bad_col = col;
			break;
		}
	}
	if (why)
		rc = imp_reject(j->imp, j->lineno, column_name(bad_col), why, s,
				len);
	else
		rc = imp_row(j->imp, j->lineno, &j->row, s, len);
	json_decref(obj);
	return rc;
}

int jsonl_read(struct importer *imp, FILE *fp, const char *name)
{
	static char buf[CHUNK];
	struct jsonin *j = calloc(1, sizeof *j);
	uint64_t total = 0;
	size_t n;
	int rc = 0;

	if (!j)
		return SDX_ENOMEM;
	j->imp = imp;
	j->name = name;
	j->lineno = 1;
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
		const char *s = buf, *end = buf + n;
		total += n;
		while (rc == 0 && s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t piece = (size_t)((nl ? nl : end) - s);
			if (!j->overflow && j->len + piece > IMP_ROW_MAX) {
				char reason[64];
				snprintf(reason, sizeof reason,
					 "line longer than %d bytes",
					 IMP_ROW_MAX);
				rc = imp_reject(imp, j->lineno, "", reason,
						j->line,
						j->len < 1024 ? j->len : 1024);
				j->overflow = 1;
			}
			if (!j->overflow) {
				memcpy(j->line + j->len, s, piece);
				j->len += piece;
			}
			if (nl) {
				if (rc == 0 && !j->overflow)
					rc = line_done(j);
				j->len = 0;
				j->overflow = 0;
				j->lineno++;
			}
			s += piece + (nl != NULL);
		}
		imp_progress(imp, total);
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "scamdex-import: %s: %s\n", name,
			strerror(errno));
		rc = IMP_EUSAGE;
	}
	if (rc == 0 && j->len > 0 && !j->overflow)
		rc = line_done(j);
	free(j);
	return rc;
}
