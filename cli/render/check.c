/* check.c: a check's verdict as JSON, and the bank view of a verdict.
 * The JSON is written straight into a reused buffer: a batch renders a
 * million of these, and a jansson object per input costs a dozen
 * allocations. */
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* A string literal: its length known at compile time (a batch renders
 * a million objects of some twenty of these). */
#define PUT_LIT(b, lit) cli_buf_put(b, lit, sizeof(lit) - 1)

/* Category names and Vietnamese labels, with their lengths, looked up
 * once. */
struct names {
	const char *s[SDX_CAT_COUNT];
	size_t len[SDX_CAT_COUNT];
};
static struct names cat_name, cat_vi;

static void names_init(struct names *n, const char *(*of)(int))
{
	for (int i = 0; i < SDX_CAT_COUNT; i++) {
		n->s[i] = of(i);
		n->len[i] = strlen(n->s[i]);
	}
}

void render_init(void)
{
	names_init(&cat_name, sdx_category_name);
	names_init(&cat_vi, sdx_category_label_vi);
}

void render_date(struct cli_buf *b, int32_t d, int json)
{
	char s[11];
	if (d == SDX_DATE_NONE) {
		if (json)
			cli_buf_put(b, "null", 4);
		return;
	}
	sdx_date_format(d, s);
	if (json)
		cli_buf_putc(b, '"');
	cli_buf_put(b, s, 10);
	if (json)
		cli_buf_putc(b, '"');
}

static void categories(struct cli_buf *b, const struct names *n, uint32_t bits,
		       int json, const char *sep)
{
	int first = 1;
	if (json)
		cli_buf_putc(b, '[');
	for (int i = 1; i < SDX_CAT_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (!first)
			cli_buf_puts(b, json ? "," : sep);
		first = 0;
		/* the vocabulary's names and labels need no JSON escape */
		if (json)
			cli_buf_putc(b, '"');
		cli_buf_put(b, n->s[i], n->len[i]);
		if (json)
			cli_buf_putc(b, '"');
	}
	if (json)
		cli_buf_putc(b, ']');
}

void render_categories(struct cli_buf *b, uint32_t bits, int json,
		       const char *sep)
{
	categories(b, &cat_name, bits, json, sep);
}

void render_categories_vi(struct cli_buf *b, uint32_t bits, int json,
			  const char *sep)
{
	categories(b, &cat_vi, bits, json, sep);
}

/* "kind":"...","canonical":"..." (no leading comma) */
static void kind_canonical(struct cli_buf *b, const sdx_check_result *r)
{
	PUT_LIT(b, "\"kind\":\"");
	cli_buf_puts(b, sdx_kind_name(r->kind));
	PUT_LIT(b, "\",\"canonical\":");
	cli_buf_json_str(b, r->canonical, strlen(r->canonical));
}

/* ,"verdict", "grade", "reports", "retracted", "agencies" */
static void verdict_counts(struct cli_buf *b, const sdx_check_result *r)
{
	PUT_LIT(b, ",\"verdict\":\"");
	cli_buf_puts(b, sdx_verdict_name(r->verdict));
	PUT_LIT(b, "\",\"grade\":\"");
	cli_buf_puts(b, sdx_grade_name(r->grade));
	PUT_LIT(b, "\",\"reports\":");
	cli_buf_putu(b, r->reports);
	PUT_LIT(b, ",\"retracted\":");
	cli_buf_putu(b, r->retracted);
	PUT_LIT(b, ",\"agencies\":");
	cli_buf_putu(b, r->agencies);
}

/* ,"last_3d", "last_30d", "last_6m" */
static void windows(struct cli_buf *b, const sdx_check_result *r)
{
	PUT_LIT(b, ",\"last_3d\":");
	cli_buf_putu(b, r->last_3d);
	PUT_LIT(b, ",\"last_30d\":");
	cli_buf_putu(b, r->last_30d);
	PUT_LIT(b, ",\"last_6m\":");
	cli_buf_putu(b, r->last_6m);
}

void render_check_json(struct cli_buf *b, const char *in, size_t len,
		       const sdx_check_result *r)
{
	PUT_LIT(b, "{\"input\":");
	cli_buf_json_str(b, in, len);
	cli_buf_putc(b, ',');
	kind_canonical(b, r);
	verdict_counts(b, r);
	PUT_LIT(b, ",\"categories\":");
	render_categories(b, r->categories, 1, ",");
	PUT_LIT(b, ",\"first_seen\":");
	render_date(b, r->first_seen, 1);
	PUT_LIT(b, ",\"last_seen\":");
	render_date(b, r->last_seen, 1);
	windows(b, r);
	PUT_LIT(b, ",\"confirmation\":");
	if (r->reports) {
		cli_buf_putc(b, '"');
		cli_buf_puts(b, sdx_confirmation_name(r->confirmation));
		cli_buf_putc(b, '"');
	} else {
		PUT_LIT(b, "null");
	}
	PUT_LIT(b, ",\"disputed\":");
	cli_buf_putu(b, r->disputed);
	PUT_LIT(b, ",\"categories_vi\":");
	render_categories_vi(b, r->categories, 1, ",");
	cli_buf_putc(b, '}');
}

/* The fields of one interpretation (no braces). */
static void interp_fields(struct cli_buf *b, const sdx_interp *it)
{
	const sdx_check_result *r = &it->result;
	kind_canonical(b, r);
	if (it->via[0]) {
		PUT_LIT(b, ",\"via\":");
		cli_buf_json_str(b, it->via, strlen(it->via));
	}
	verdict_counts(b, r);
	windows(b, r);
}

void render_check_all_json(struct cli_buf *b, const char *in, size_t len,
			   const sdx_interp *it, size_t n)
{
	size_t mark = b->len;
	render_check_json(b, in, len, &it[0].result);
	if (n < 2 && !it[0].via[0])
		return;
	b->len--; /* reopen the object: its '}' */
	(void)mark;
	if (it[0].via[0]) {
		PUT_LIT(b, ",\"via\":");
		cli_buf_json_str(b, it[0].via, strlen(it[0].via));
	}
	if (n > 1) {
		PUT_LIT(b, ",\"interpretations\":[");
		for (size_t i = 0; i < n; i++) {
			cli_buf_puts(b, i ? ",{" : "{");
			interp_fields(b, &it[i]);
			cli_buf_putc(b, '}');
		}
		cli_buf_putc(b, ']');
	}
	cli_buf_putc(b, '}');
}

void render_check_error_json(struct cli_buf *b, const char *in, size_t len,
			     const char *msg)
{
	if (len > SDX_INPUT_MAX)
		len = SDX_INPUT_MAX;
	PUT_LIT(b, "{\"input\":");
	cli_buf_json_str(b, in, len);
	PUT_LIT(b, ",\"error\":");
	cli_buf_json_str(b, msg, strlen(msg));
	cli_buf_putc(b, '}');
}

int render_check_all(sdx_db *db, sdx_kind kind, const char *in, size_t len,
		     int32_t today, int audience, sdx_interp *out, size_t *n,
		     sdx_norm_error *err)
{
	int rc;
	err->code = 0;
	err->reason[0] = '\0';
	*n = 0;
	if (len > SDX_INPUT_MAX)
		return SDX_ETOOLONG;
	if (kind != SDX_KIND_AUTO && kind != SDX_KIND_DOMAIN) {
		/* one reading: sdx_check's path for named kinds */
		out[0].via[0] = '\0';
		rc = sdx_check_view(db, audience, kind, in, len, today,
				    &out[0].result, err);
		*n = rc == 0;
	} else {
		rc = sdx_check_all_view(db, audience, kind, in, len, today, out,
					SDX_INTERP_MAX, n, err);
	}
	return rc;
}

int render_check(sdx_db *db, sdx_kind kind, const char *in, size_t len,
		 int32_t today, int audience, sdx_check_result *r,
		 sdx_norm_error *err)
{
	sdx_interp it[SDX_INTERP_MAX];
	size_t n;
	int rc =
	    render_check_all(db, kind, in, len, today, audience, it, &n, err);
	if (rc == 0)
		*r = it[0].result;
	return rc;
}
