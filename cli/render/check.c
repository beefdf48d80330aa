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

/* ---- the bank view: the summary counts every report, police-only ones
 * too, so for an identifier that has reports the counts are redone from
 * the reports a bank may see (misses, the bulk of a batch, cost nothing
 * extra). The grade rule is libscamdex(3)'s. ---- */

#define MAX_AGENCIES 64

#define MAX_BANKS 64

struct render_recount {
	sdx_check_result *r;
	int32_t today;
	size_t nagency;
	char agencies[MAX_AGENCIES][SDX_AGENCY_MAX + 1];
	/* kind ACCOUNT: the banks whose account the visible reports name */
	size_t nbank;
	char bins[MAX_BANKS][8];
};

/* A bank-less account's banks, counted again from the reports a bank may
 * see: "at 1 bank" must not tell of a police-only report. */
static void count_banks(struct render_recount *c, const sdx_report *rep)
{
	const char *acct = c->r->canonical;
	size_t alen = strlen(acct);
	for (size_t k = 0; k < rep->n_idents; k++) {
		const sdx_ident *id = &rep->idents[k];
		const char *colon = strchr(id->canonical, ':');
		if (id->kind != SDX_KIND_BANK || !colon ||
		    (size_t)(colon - id->canonical) >= sizeof c->bins[0] ||
		    strlen(colon + 1) != alen || memcmp(colon + 1, acct, alen))
			continue;
		size_t blen = (size_t)(colon - id->canonical), i = 0;
		while (i < c->nbank &&
		       (strlen(c->bins[i]) != blen ||
			memcmp(c->bins[i], id->canonical, blen)))
			i++;
		if (i == c->nbank && c->nbank < MAX_BANKS) {
			memcpy(c->bins[c->nbank], id->canonical, blen);
			c->bins[c->nbank++][blen] = '\0';
			c->r->banks++;
		}
	}
}

static void count_window(sdx_check_result *r, int32_t d, int32_t today)
{
	if (d == SDX_DATE_NONE || d > today)
		return;
	r->last_3d += d >= today - 2;
	r->last_30d += d >= today - 29;
	r->last_6m += d >= today - 182;
}

static int on_bank_report(const sdx_report *rep, void *arg)
{
	struct render_recount *c = arg;
	sdx_check_result *r = c->r;
	if (r->kind == SDX_KIND_ACCOUNT)
		count_banks(c, rep);
	if (rep->state & SDX_RSTATE_RETRACTED) {
		r->retracted++;
		return 0;
	}
	r->reports++;
	if (rep->category > 0 && rep->category < 32)
		r->categories |= 1u << rep->category;
	if (rep->confirmation > r->confirmation)
		r->confirmation = rep->confirmation;
	if (rep->state & SDX_RSTATE_DISPUTED)
		r->disputed++;
	int32_t d = rep->incident_date;
	if (d != SDX_DATE_NONE) {
		if (r->first_seen == SDX_DATE_NONE || d < r->first_seen)
			r->first_seen = d;
		if (r->last_seen == SDX_DATE_NONE || d > r->last_seen)
			r->last_seen = d;
	}
	count_window(r, d, c->today);
	size_t i = 0;
	while (i < c->nagency && strcmp(c->agencies[i], rep->agency))
		i++;
	if (i == c->nagency) {
		r->agencies++;
		if (c->nagency < MAX_AGENCIES)
			snprintf(c->agencies[c->nagency++], SDX_AGENCY_MAX + 1,
				 "%s", rep->agency);
	}
	return 0;
}

static int bank_view(sdx_db *db, int32_t today, struct render_recount **s,
		     sdx_check_result *r, const char *via)
{
	struct render_recount *rc = *s;
	if (!rc)
		rc = *s = malloc(sizeof *rc);
	if (!rc)
		return SDX_ENOMEM;
	rc->r = r;
	rc->today = today;
	rc->nagency = 0;
	rc->nbank = 0;
	if (r->kind == SDX_KIND_ACCOUNT)
		r->banks = 0;
	r->reports = r->retracted = r->agencies = r->categories = 0;
	r->first_seen = r->last_seen = SDX_DATE_NONE;
	r->last_3d = r->last_30d = r->last_6m = 0;
	r->confirmation = SDX_CONF_REPORTED;
	r->disputed = 0;
	/* a parent domain's reports answered: recount those */
	int e = sdx_show(db, r->kind, via && via[0] ? via : r->canonical,
			 SDX_AUD_BANK, on_bank_report, rc);
	if (e)
		return e;
	r->grade = sdx_check_grade(r);
	if (r->verdict != SDX_VERDICT_OFFICIAL)
		r->verdict = r->reports	    ? SDX_VERDICT_REPORTED
			     : r->retracted ? SDX_VERDICT_RETRACTED
					    : SDX_VERDICT_UNKNOWN;
	return 0;
}

int render_check_all(sdx_db *db, sdx_kind kind, const char *in, size_t len,
		     int32_t today, int audience,
		     struct render_recount **scratch, sdx_interp *out,
		     size_t *n, sdx_norm_error *err)
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
		rc = sdx_check(db, kind, in, len, today, &out[0].result, err);
		*n = rc == 0;
	} else {
		rc = sdx_check_all(db, kind, in, len, today, out,
				   SDX_INTERP_MAX, n, err);
	}
	if (rc || audience != SDX_AUD_BANK)
		return rc;
	int redo = 0;
	for (size_t i = 0; i < *n && !rc; i++) {
		sdx_check_result *r = &out[i].result;
		if (r->reports + r->retracted && out[i].via[0] != '*') {
			rc = bank_view(db, today, scratch, r, out[i].via);
			redo = 1;
		}
	}
	/* the bank's counts may change which reading is most serious */
	for (size_t i = 1; redo && !rc && i < *n; i++) {
		for (size_t j = i; j > 0; j--) {
			const sdx_check_result *a = &out[j].result,
					       *b = &out[j - 1].result;
			int ra = sdx_verdict_rank(a->verdict),
			    rb = sdx_verdict_rank(b->verdict);
			if (ra < rb || (ra == rb && a->grade <= b->grade))
				break;
			sdx_interp t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	}
	return rc;
}

int render_check(sdx_db *db, sdx_kind kind, const char *in, size_t len,
		 int32_t today, int audience, struct render_recount **scratch,
		 sdx_check_result *r, sdx_norm_error *err)
{
	sdx_interp it[SDX_INTERP_MAX];
	size_t n;
	int rc = render_check_all(db, kind, in, len, today, audience, scratch,
				  it, &n, err);
	if (rc == 0)
		*r = it[0].result;
	return rc;
}
