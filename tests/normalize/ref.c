/* ref.c: reading the reference tables with libcsv, and the shared
 * assertions. */
#include "ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <csv.h>

struct loader {
	struct ref_table *t;
	int row; /* -1 for the header */
	int col;
};

static void on_field(void *s, size_t len, void *data)
{
	struct loader *l = data;
	cr_assert_lt(l->col, REF_MAX_COLS);
	cr_assert_lt(len, REF_FIELD);
	char *dst =
	    l->row < 0 ? l->t->header[l->col] : l->t->cell[l->row][l->col];
	memcpy(dst, s, len);
	dst[len] = '\0';
	l->col++;
}

static void on_row(int c, void *data)
{
	struct loader *l = data;
	(void)c;
	if (l->row < 0)
		l->t->cols = l->col;
	l->row++;
	cr_assert_lt(l->row, REF_MAX_ROWS);
	l->col = 0;
}

static FILE *open_ref(const char *name)
{
	const char *root = getenv("SOURCE_ROOT");
	char path[1024];
	cr_assert_not_null(root, "SOURCE_ROOT is not set");
	snprintf(path, sizeof path, "%s/fixtures/reference/%s", root, name);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	return f;
}

void ref_load(const char *name, struct ref_table *t)
{
	struct csv_parser p;
	struct loader l = {t, -1, 0};
	char buf[4096];
	size_t n;
	memset(t, 0, sizeof *t);
	FILE *f = open_ref(name);
	cr_assert_eq(csv_init(&p, CSV_APPEND_NULL), 0);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		cr_assert_eq(csv_parse(&p, buf, n, on_field, on_row, &l), n);
	csv_fini(&p, on_field, on_row, &l);
	csv_free(&p);
	fclose(f);
	t->rows = l.row;
	cr_assert_gt(t->rows, 0);
}

int ref_col(const struct ref_table *t, const char *name)
{
	for (int c = 0; c < t->cols; c++)
		if (!strcmp(t->header[c], name))
			return c;
	cr_assert_fail("no column %s", name);
	return -1;
}

int ref_vietqr(struct ref_qr *out, int max)
{
	FILE *f = open_ref("vietqr-samples.txt");
	char line[1024], last[1024] = "";
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#') {
			snprintf(last, sizeof last, "%s", line);
			continue;
		}
		if (!line[0])
			continue;
		cr_assert_lt(n, max);
		snprintf(out[n].payload, sizeof out[n].payload, "%s", line);
		snprintf(out[n].comment, sizeof out[n].comment, "%s", last);
		n++;
	}
	fclose(f);
	return n;
}

void expect_ok(sdx_kind kind, const char *input, sdx_kind kind_want,
	       const char *want)
{
	char out[SDX_CANON_MAX], again[SDX_CANON_MAX];
	size_t len = 99;
	sdx_kind got = SDX_KIND_AUTO;
	sdx_norm_error err;
	memset(&err, 0, sizeof err);
	int rc = sdx_normalize(kind, input, strlen(input), out, sizeof out,
			       &len, &got, &err);
	cr_assert_eq(rc, 0, "[%s] '%s': %s: %s (offset %zu)",
		     sdx_kind_name(kind), input, sdx_status_name(rc),
		     err.reason, err.offset);
	cr_assert_str_eq(out, want, "[%s] '%s'", sdx_kind_name(kind), input);
	cr_assert_eq(len, strlen(want));
	cr_assert_eq(got, kind_want, "[%s] '%s': kind %s, expected %s",
		     sdx_kind_name(kind), input, sdx_kind_name(got),
		     sdx_kind_name(kind_want));
	/* idempotence: the canonical form is its own canonical form */
	rc = sdx_normalize(kind_want, out, len, again, sizeof again, NULL, NULL,
			   &err);
	cr_assert_eq(rc, 0, "[%s] canonical '%s' fails: %s",
		     sdx_kind_name(kind_want), out, err.reason);
	cr_assert_str_eq(again, out, "not idempotent: '%s' -> '%s'", out,
			 again);
}

void expect_err(sdx_kind kind, const char *input, int code, size_t offset,
		const char *reason)
{
	char out[SDX_CANON_MAX] = "x";
	sdx_norm_error err;
	memset(&err, 0, sizeof err);
	int rc = sdx_normalize(kind, input, strlen(input), out, sizeof out,
			       NULL, NULL, &err);
	cr_assert_eq(rc, code, "[%s] '%s': %s, expected %s (%s)",
		     sdx_kind_name(kind), input, sdx_status_name(rc),
		     sdx_status_name(code), err.reason);
	cr_assert_eq(err.code, code);
	cr_assert_str_eq(out, "", "out not emptied on failure");
	cr_assert_str_eq(err.reason, reason, "[%s] '%s'", sdx_kind_name(kind),
			 input);
	cr_assert_eq(err.offset, offset, "[%s] '%s': offset %zu, expected %zu",
		     sdx_kind_name(kind), input, err.offset, offset);
}
