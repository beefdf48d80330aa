/* check.c: a check's verdict as JSON, and the bank view of a verdict.
 * The JSON is written straight into a reused buffer: a batch renders a
 * million of these, and a jansson object per input costs a dozen
 * allocations. */
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* A string literal: its length known at compile time. */
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

/* ---- the JSON of a verdict, written through a pointer ----
 * Room for the whole object is made once (its largest size follows from
 * its strings' lengths), then each piece is written without a bounds
 * check or a call: a batch renders a million objects of some forty
 * pieces, and a checked call per piece was a tenth of its CPU. */

/* Literals, vocabulary names, numbers and dates of one object (or one
 * interpretation) take at most this many bytes; the strings that come
 * from the input, the canonical forms and the categories are counted
 * apart. */
#define OBJ_FIXED 1024

#define W_LIT(o, lit) (memcpy(o, lit, sizeof(lit) - 1), (o) += sizeof(lit) - 1)

/* A vocabulary name (short, no escapes). */
static inline char *w_name(char *o, const char *s)
{
	while (*s)
		*o++ = *s++;
	return o;
}

static inline char *w_u(char *o, uint64_t v)
{
	if (v < 10) { /* most counts */
		*o++ = (char)('0' + v);
		return o;
	}
	char tmp[20];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(o, tmp + i, sizeof tmp - i);
	return o + (sizeof tmp - i);
}

static inline char *w_date(char *o, int32_t d)
{
	if (d == SDX_DATE_NONE) {
		W_LIT(o, "null");
		return o;
	}
	*o++ = '"';
	sdx_date_format(d, o); /* 10 characters and a NUL */
	o += 10;
	*o++ = '"';
	return o;
}

/* The categories as a JSON array: at most cats_max(n) bytes. */
static size_t cats_max(const struct names *n)
{
	size_t m = 2;
	for (int i = 1; i < SDX_CAT_COUNT; i++)
		m += n->len[i] + 3;
	return m;
}

static char *w_cats(char *o, const struct names *n, uint32_t bits)
{
	int first = 1;
	*o++ = '[';
	/* the bits set, lowest first (category 0 is none) */
	for (uint32_t m = bits & ~1u; m; m &= m - 1) {
		int i = __builtin_ctz(m);
		if (i >= SDX_CAT_COUNT)
			break;
		if (!first)
			*o++ = ',';
		first = 0;
		/* the vocabulary's names and labels need no JSON escape */
		*o++ = '"';
		memcpy(o, n->s[i], n->len[i]);
		o += n->len[i];
		*o++ = '"';
	}
	*o++ = ']';
	return o;
}

/* "kind":"...","canonical":"..." (no leading comma) */
static char *w_kind_canonical(char *o, const sdx_check_result *r, size_t clen)
{
	W_LIT(o, "\"kind\":\"");
	o = w_name(o, sdx_kind_name(r->kind));
	W_LIT(o, "\",\"canonical\":");
	return cli_json_str_to(o, r->canonical, clen);
}

/* ,"verdict", "grade", "reports", "retracted", "agencies" */
static char *w_verdict_counts(char *o, const sdx_check_result *r)
{
	W_LIT(o, ",\"verdict\":\"");
	o = w_name(o, sdx_verdict_name(r->verdict));
	W_LIT(o, "\",\"grade\":\"");
	o = w_name(o, sdx_grade_name(r->grade));
	W_LIT(o, "\",\"reports\":");
	o = w_u(o, r->reports);
	W_LIT(o, ",\"retracted\":");
	o = w_u(o, r->retracted);
	W_LIT(o, ",\"agencies\":");
	return w_u(o, r->agencies);
}

/* ,"last_3d", "last_30d", "last_6m" */
static char *w_windows(char *o, const sdx_check_result *r)
{
	W_LIT(o, ",\"last_3d\":");
	o = w_u(o, r->last_3d);
	W_LIT(o, ",\"last_30d\":");
	o = w_u(o, r->last_30d);
	W_LIT(o, ",\"last_6m\":");
	return w_u(o, r->last_6m);
}

/* render_check_json's object without its closing brace; o has room for
 * check_max(). */
static char *w_check(char *o, const char *in, size_t len,
		     const sdx_check_result *r, size_t clen)
{
	W_LIT(o, "{\"input\":");
	o = cli_json_str_to(o, in, len);
	*o++ = ',';
	o = w_kind_canonical(o, r, clen);
	o = w_verdict_counts(o, r);
	W_LIT(o, ",\"categories\":");
	o = w_cats(o, &cat_name, r->categories);
	W_LIT(o, ",\"first_seen\":");
	o = w_date(o, r->first_seen);
	W_LIT(o, ",\"last_seen\":");
	o = w_date(o, r->last_seen);
	o = w_windows(o, r);
	W_LIT(o, ",\"confirmation\":");
	if (r->reports) {
		*o++ = '"';
		o = w_name(o, sdx_confirmation_name(r->confirmation));
		*o++ = '"';
	} else {
		W_LIT(o, "null");
	}
	W_LIT(o, ",\"disputed\":");
	o = w_u(o, r->disputed);
	W_LIT(o, ",\"categories_vi\":");
	return w_cats(o, &cat_vi, r->categories);
}

static size_t check_max(size_t len, size_t clen)
{
	return OBJ_FIXED + CLI_JSON_STR_MAX(len) + CLI_JSON_STR_MAX(clen) +
	       cats_max(&cat_name) + cats_max(&cat_vi);
}

void render_check_json(struct cli_buf *b, const char *in, size_t len,
		       const sdx_check_result *r)
{
	size_t clen = strlen(r->canonical);
	if (cli_buf_reserve(b, check_max(len, clen)) != 0)
		return;
	char *o = w_check(b->p + b->len, in, len, r, clen);
	*o++ = '}';
	b->len = (size_t)(o - b->p);
}

void render_check_all_json(struct cli_buf *b, const char *in, size_t len,
			   const sdx_interp *it, size_t n)
{
	size_t clen = strlen(it[0].result.canonical);
	size_t vlen = strlen(it[0].via);
	size_t room = check_max(len, clen) + CLI_JSON_STR_MAX(vlen) + 64;
	if (n > 1)
		for (size_t i = 0; i < n; i++)
			room +=
			    OBJ_FIXED +
			    CLI_JSON_STR_MAX(strlen(it[i].result.canonical)) +
			    CLI_JSON_STR_MAX(strlen(it[i].via));
	if (cli_buf_reserve(b, room) != 0)
		return;
	char *o = w_check(b->p + b->len, in, len, &it[0].result, clen);
	if (vlen) {
		W_LIT(o, ",\"via\":");
		o = cli_json_str_to(o, it[0].via, vlen);
	}
	if (n > 1) {
		W_LIT(o, ",\"interpretations\":[");
		for (size_t i = 0; i < n; i++) {
			const sdx_check_result *r = &it[i].result;
			if (i)
				*o++ = ',';
			*o++ = '{';
			o = w_kind_canonical(o, r, strlen(r->canonical));
			if (it[i].via[0]) {
				W_LIT(o, ",\"via\":");
				o = cli_json_str_to(o, it[i].via,
						    strlen(it[i].via));
			}
			o = w_verdict_counts(o, r);
			o = w_windows(o, r);
			*o++ = '}';
		}
		*o++ = ']';
	}
	*o++ = '}';
	b->len = (size_t)(o - b->p);
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

int render_pick_reading(sdx_db *db, sdx_kind kind, const char *in, size_t len,
			int audience, int accounts_ok, sdx_interp *it,
			size_t *n, size_t *pick, sdx_norm_error *err)
{
	int rc = render_check_all(db, kind, in, len, sdx_date_today(), audience,
				  it, n, err);
	if (rc)
		return rc;
	*pick = 0;
	while (!accounts_ok && *pick < *n &&
	       it[*pick].result.kind == SDX_KIND_ACCOUNT)
		(*pick)++;
	if (*pick < *n)
		return 0;
	err->code = SDX_EKIND;
	err->kind = SDX_KIND_ACCOUNT;
	err->offset = 0;
	snprintf(err->reason, sizeof err->reason,
		 "an account number without its bank links through each "
		 "bank's account; name the bank (\"VCB %.*s\")",
		 (int)(len < 64 ? len : 64), in);
	return SDX_EKIND;
}

const char *render_reading_named(const sdx_interp *it)
{
	return it->via[0] && it->via[0] != '*' ? it->via : it->result.canonical;
}
