/* csvin.c: CSV input through libcsv (RFC 4180), the only user of
 * <csv.h>. Streams: the input is fed to the parser one line piece at a
 * time, so that every record knows the line it starts on and its original
 * text, and no record longer than IMP_ROW_MAX is ever held. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "import.h"

#define CHUNK 65536

struct csvin {
	struct importer *imp;
	const char *name;
	struct csv_parser p;
	unsigned char delim;

	/* the record being parsed */
	char raw[IMP_ROW_MAX + 1]; /* its original text, when it spans lines */
	const char *rawp; /* the text: raw, or the input line holding it all */
	size_t rawlen;
	size_t line;   /* the line it starts on */
	size_t cur;    /* the line being read */
	size_t quotes; /* '"' seen in it (parity finds its end) */
	int overflow;  /* longer than IMP_ROW_MAX: skipping to its end */
	char fields[IMP_ROW_MAX + IMP_FIELDS_MAX];
	size_t fieldslen;
	size_t nf;
	size_t off[IMP_FIELDS_MAX], len[IMP_FIELDS_MAX];
	int too_many_fields;
	int ended; /* libcsv ended a record during the last feed */

	/* header */
	int have_header;
	size_t ncols;
	int col[IMP_FIELDS_MAX];

	struct row row;
	int status; /* first error from imp_row, stops the read */
};

static void on_field(void *s, size_t len, void *data)
{
	struct csvin *c = data;

	if (c->nf == IMP_FIELDS_MAX) {
		c->too_many_fields = 1;
		return;
	}
	/* fields come out of raw, so they always fit */
	if (len > 0)
		memcpy(c->fields + c->fieldslen, s, len);
	c->off[c->nf] = c->fieldslen;
	c->len[c->nf] = len;
	c->fieldslen += len;
	c->nf++;
}

static void raw_trim(struct csvin *c, size_t *len)
{
	*len = c->rawlen;
	while (*len > 0 &&
	       (c->rawp[*len - 1] == '\n' || c->rawp[*len - 1] == '\r'))
		(*len)--;
}

static int header(struct csvin *c)
{
	const struct colmap *m = imp_colmap(c->imp);
	int seen[COL_COUNT] = {0};
	int idents = 0;

	if (c->too_many_fields) {
		fprintf(stderr,
			"scamdex-import: %s:%zu: more than %d columns\n",
			c->name, c->line, IMP_FIELDS_MAX);
		return IMP_EUSAGE;
	}
	c->ncols = c->nf;
	for (size_t i = 0; i < c->nf; i++) {
		const char *h = c->fields + c->off[i];
		int col = colmap_lookup(m, h, c->len[i]);
		c->col[i] = col;
		if (col == COL_NONE) {
			fprintf(
			    stderr,
			    "scamdex-import: %s:%zu: ignoring column '%.*s' "
			    "(name it with --map)\n",
			    c->name, c->line, (int)c->len[i], h);
			continue;
		}
		if (seen[col] && !column_repeats(col)) {
			fprintf(
			    stderr,
			    "scamdex-import: %s:%zu: two columns for '%s'\n",
			    c->name, c->line, column_name(col));
			return IMP_EUSAGE;
		}
		seen[col] = 1;
		if (col == COL_PHONE || col == COL_ACCOUNT || col == COL_BANK ||
		    col == COL_VIETQR || col == COL_HANDLE || col == COL_URL)
			idents = 1;
	}
	if (!idents) {
		fprintf(stderr,
			"scamdex-import: %s:%zu: no identifier column (phone, "
			"bank, account, vietqr, handle, url)\n",
			c->name, c->line);
		return IMP_EUSAGE;
	}
	c->have_header = 1;
	return 0;
}

static void on_record(int term, void *data)
{
	struct csvin *c = data;
	size_t rawlen;
	char reason[80];
	int rc = 0;

	(void)term;
	c->ended = 1;
	if (c->status)
		return;
	raw_trim(c, &rawlen);
	if (!c->have_header) {
		c->status = header(c);
	} else if (c->too_many_fields) {
		snprintf(reason, sizeof reason, "more than %d fields",
			 IMP_FIELDS_MAX);
		rc = imp_reject(c->imp, c->line, "", reason, c->rawp, rawlen);
	} else if (c->nf != c->ncols) {
		snprintf(reason, sizeof reason,
			 "%zu fields, the header has %zu", c->nf, c->ncols);
		rc = imp_reject(c->imp, c->line, "", reason, c->rawp, rawlen);
	} else {
		row_clear(&c->row);
		/* every cell is a part of the fields' bytes */
		c->row.nul_free = !memchr(c->fields, '\0', c->fieldslen);
		for (size_t i = 0; i < c->nf; i++)
			row_add(&c->row, c->col[i], c->fields + c->off[i],
				c->len[i]);
		rc = imp_row(c->imp, c->line, &c->row, c->rawp, rawlen);
	}
	if (rc)
		c->status = rc;
	c->nf = 0;
	c->fieldslen = 0;
	c->too_many_fields = 0;
}

static int parser_init(struct csvin *c)
{
	if (csv_init(&c->p, 0) != 0)
		return SDX_ENOMEM;
	csv_set_delim(&c->p, c->delim);
	return 0;
}

/* The delimiter is the most frequent of ',', ';' and tab on the header
 * line (Excel writes ';' where the decimal separator is ','). */
static unsigned char guess_delim(const char *buf, size_t len)
{
	size_t comma = 0, semi = 0, tab = 0;
	for (size_t i = 0; i < len && buf[i] != '\n' && buf[i] != '\r'; i++) {
		comma += buf[i] == ',';
		semi += buf[i] == ';';
		tab += buf[i] == '\t';
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

static int blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\n' && s[i] != '\r' && s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static void record_reset(struct csvin *c)
{
	c->rawlen = 0;
	c->quotes = 0;
	c->nf = 0;
	c->fieldslen = 0;
	c->too_many_fields = 0;
}

/* Feed one piece of a line: the whole line, or the part of it in this
 * chunk; eol says whether it ends with '\n'. */
static int feed(struct csvin *c, const char *s, size_t len, int eol)
{
	int rc;

	if (c->rawlen == 0 && !c->overflow) {
		if (blank(s, len)) {
			/* blank lines between records are not rows */
			c->cur += eol;
			return 0;
		}
		c->line = c->cur;
		c->quotes = 0;
	}
	for (const char *q = s, *e = s + len;
	     (q = memchr(q, '"', (size_t)(e - q))) != NULL; q++)
		c->quotes++;
	if (!c->overflow && c->rawlen + len > IMP_ROW_MAX) {
		char reason[64];
		snprintf(reason, sizeof reason, "row longer than %d bytes",
			 IMP_ROW_MAX);
		if (!c->have_header) {
			fprintf(stderr, "scamdex-import: %s:%zu: header %s\n",
				c->name, c->line, reason);
			return IMP_EUSAGE;
		}
		/* the reject file gets the row's first kilobyte */
		rc = imp_reject(c->imp, c->line, "", reason, c->raw,
				c->rawlen < 1024 ? c->rawlen : 1024);
		if (rc)
			return rc;
		c->overflow = 1;
	}
	if (c->overflow) {
		/* skip to the record's end: a line end outside quotes */
		if (eol && c->quotes % 2 == 0) {
			csv_free(&c->p);
			if (parser_init(c))
				return SDX_ENOMEM;
			record_reset(c);
			c->overflow = 0;
		}
		c->cur += eol;
		return 0;
	}
	/* a record on one line is read in place; one that goes on to the
	 * next line is kept in raw */
	const int direct = c->rawlen == 0;
	if (direct) {
		c->rawp = s;
	} else {
		memcpy(c->raw + c->rawlen, s, len);
		c->rawp = c->raw;
	}
	c->rawlen += len;
	c->ended = 0;
	if (csv_parse(&c->p, s, len, on_field, on_record, c) != len) {
		fprintf(stderr, "scamdex-import: %s:%zu: %s\n", c->name,
			c->line, csv_strerror(csv_error(&c->p)));
		return IMP_EUSAGE;
	}
	if (c->status)
		return c->status;
	c->cur += eol;
	if (c->ended) {
		record_reset(c);
	} else if (direct) {
		memcpy(c->raw, s, len);
		c->rawp = c->raw;
	}
	return 0;
}

/* End of input: the last record may lack its line end. An odd number of
 * quotes means a quoted field never closed: libcsv would deliver it (its
 * CSV_STRICT_FINI check needs strict mode), so refuse it here. */
static int finish(struct csvin *c)
{
	size_t rawlen;

	if (c->overflow)
		return 0;
	c->rawp = c->raw; /* what is left was kept there */
	raw_trim(c, &rawlen);
	if (c->rawlen > 0 && c->quotes % 2 == 1) {
		if (!c->have_header) {
			fprintf(stderr,
				"scamdex-import: %s:%zu: unterminated quoted "
				"field in the header\n",
				c->name, c->line);
			return IMP_EUSAGE;
		}
		return imp_reject(c->imp, c->line, "",
				  "unterminated quoted field", c->raw,
				  rawlen < 1024 ? rawlen : 1024);
	}
	c->ended = 0;
	if (csv_fini(&c->p, on_field, on_record, c) != 0) {
		fprintf(stderr, "scamdex-import: %s:%zu: %s\n", c->name,
			c->line, csv_strerror(csv_error(&c->p)));
		return IMP_EUSAGE;
	}
	return c->status;
}

int csv_read(struct importer *imp, FILE *fp, const char *name)
{
	static char buf[CHUNK];
	struct csvin *c = calloc(1, sizeof *c);
	uint64_t total = 0;
	int first = 1, rc = 0;
	char eol = '\n';
	size_t n;

	if (!c)
		return SDX_ENOMEM;
	c->imp = imp;
	c->name = name;
	c->rawp = c->raw;
	c->cur = 1;
	c->delim = ',';
	while (rc == 0 && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
		const char *s = buf, *end = buf + n;
		total += n;
		if (first) {
			if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
				s += 3;
			c->delim = guess_delim(s, (size_t)(end - s));
			/* Excel's "CSV (Macintosh)" ends lines with CR alone */
			if (!memchr(s, '\n', (size_t)(end - s)) &&
			    memchr(s, '\r', (size_t)(end - s)))
				eol = '\r';
			if (parser_init(c)) {
				free(c);
				return SDX_ENOMEM;
			}
			first = 0;
		}
		while (rc == 0 && s < end) {
			const char *nl = memchr(s, eol, (size_t)(end - s));
			const char *stop = nl ? nl + 1 : end;
			rc = feed(c, s, (size_t)(stop - s), nl != NULL);
			s = stop;
		}
		imp_progress(imp, total);
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "scamdex-import: %s: %s\n", name,
			strerror(errno));
		rc = IMP_EUSAGE;
	}
	if (!first) {
		if (rc == 0)
			rc = finish(c);
		csv_free(&c->p);
	}
	if (rc == 0 && !c->have_header) {
		fprintf(stderr, "scamdex-import: %s: no header line\n", name);
		rc = IMP_EUSAGE;
	}
	free(c);
	return rc;
}

int csv_put_field(FILE *fp, const char *s, size_t len)
{
	int quote = 0;
	for (size_t i = 0; i < len && !quote; i++)
		quote =
		    s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote)
		return fwrite(s, 1, len, fp) == len ? 0 : SDX_EIO;
	return csv_fwrite(fp, s, len) == 0 ? 0 : SDX_EIO;
}
