/* api.c: the endpoints of /v1/. Reads answer in the caller's role's
 * audience (a teller or bank system asking for police data gets the bank
 * view); every look-up leaves an audit record. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../render/render.h"
#include "serve.h"

/* The audience asked for (?audience=), capped by the role; -1 and an
 * error in o when it is not a known one. */
int audience_of(struct req *r, struct resp *o)
{
	const char *a = req_arg(r, "audience");
	int asked = SDX_AUD_POLICE;
	if (a && sdx_audience_parse(a, strlen(a), &asked) != 0) {
		resp_error(o, 400, "bad_parameter",
			   "unknown audience '%s' (bank or police)", a);
		return -1;
	}
	return role_audience(r->who.role, asked);
}

static int kind_of(struct req *r, struct resp *o, sdx_kind *kind)
{
	const char *k = req_arg(r, "kind");
	*kind = SDX_KIND_AUTO;
	if (k && k[0] && (sdx_kind_parse(k, kind) != 0 || !*kind)) {
		resp_error(o, 400, "bad_parameter",
			   "unknown kind '%s' (phone, bank, account, iban, "
			   "handle or domain)",
			   k);
		return -1;
	}
	return 0;
}

void audit_push(struct req *r, struct audit_rec *rec, const char *flag)
{
	const char *out;
	size_t len;
	audit_finish(rec, flag, &out, &len);
	auditq_push(r->srv->audit, out, len);
}

const char *enum_flag(struct req *r, size_t lookups, size_t unknown)
{
	return limits_note(r->srv->limits, r->who.name, r->who.role, lookups,
			   unknown)
		   ? "enumeration"
		   : NULL;
}

/* Every interpretation answered goes to the audit items. */
size_t audit_interps(struct cli_buf *b, const sdx_interp *it, size_t n)
{
	for (size_t i = 0; i < n; i++)
		audit_verdict_to(b, it[i].result.kind, it[i].result.canonical,
				 strlen(it[i].result.canonical),
				 it[i].result.verdict);
	return n;
}

static void json_reply(struct resp *o, unsigned status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!s) {
		resp_error(o, 500, "internal", "out of memory");
		return;
	}
	o->status = status;
	o->type = "application/json";
	cli_buf_puts(&o->body, s);
	cli_buf_putc(&o->body, '\n');
	free(s);
}

static int32_t today(void)
{
	return sdx_date_today();
}

/* ---- GET /v1/check?q=&kind=&audience= ---- */

void api_check(struct req *r, struct resp *o)
{
	sdx_kind kind;
	const char *q = req_arg(r, "q");
	int aud = audience_of(r, o);
	if (aud < 0 || kind_of(r, o, &kind))
		return;
	if (!q || !q[0]) {
		resp_error(o, 400, "missing_parameter", "q is required");
		return;
	}
	sdx_interp it[SDX_INTERP_MAX];
	size_t n = 0;
	sdx_norm_error err;
	size_t len = strlen(q);
	int rc = render_check_all(r->srv->db, kind, q, len, today(), aud, it,
				  &n, &err);
	struct audit_rec rec;
	audit_begin(&rec, &r->who, "check", aud);
	if (rc == 0) {
		o->status = 200;
		o->type = "application/json";
		render_check_all_json(&o->body, q, len, it, n);
		cli_buf_putc(&o->body, '\n');
		rec.n += audit_interps(&rec.b, it, n);
		audit_push(
		    r, &rec,
		    enum_flag(r, 1,
			      it[0].result.verdict == SDX_VERDICT_UNKNOWN));
	} else if (cli_is_input_error(rc)) {
		char msg[256];
		cli_input_error_text(rc, &err, msg, sizeof msg);
		resp_error(o, 400, "invalid_identifier", "%s", msg);
		audit_item(&rec, SDX_KIND_AUTO, q, len, "invalid");
		audit_push(r, &rec, NULL);
	} else {
		resp_error(o, 500, "database", "%s", sdx_strerror(rc));
	}
	audit_free(&rec);
}

/* ---- identifier arguments of show and links ---- */

/* The identifier q names, as the reading check answers with (the CLI's
 * show and links take it the same way: render_pick_reading). */
static int ident_arg(struct req *r, struct resp *o, int aud, int accounts_ok,
		     sdx_kind *kind, char canonical[SDX_CANON_MAX])
{
	const char *q = req_arg(r, "q");
	if (kind_of(r, o, kind))
		return -1;
	if (!q || !q[0]) {
		resp_error(o, 400, "missing_parameter", "q is required");
		return -1;
	}
	sdx_norm_error err;
	sdx_interp it[SDX_INTERP_MAX];
	size_t n, pick;
	memset(&err, 0, sizeof err);
	int rc = render_pick_reading(r->srv->db, *kind, q, strlen(q), aud,
				     accounts_ok, it, &n, &pick, &err);
	if (rc && cli_is_input_error(rc)) {
		char msg[256];
		cli_input_error_text(rc, &err, msg, sizeof msg);
		resp_error(o, 400, "invalid_identifier", "%s", msg);
		return -1;
	}
	if (rc) {
		resp_error(o, 500, "database", "%s", sdx_strerror(rc));
		return -1;
	}
	const char *named = render_reading_named(&it[pick]);
	*kind = it[pick].result.kind;
	memcpy(canonical, named, strlen(named) + 1);
	return 0;
}

struct show_ctx {
	json_t *list;
	const char *office;
};

static int on_report(const sdx_report *rep, void *arg)
{
	struct show_ctx *c = arg;
	json_t *j = render_report_json(rep, c->office);
	if (!j)
		return SDX_ENOMEM;
	json_array_append_new(c->list, j);
	return 0;
}

void api_show(struct req *r, struct resp *o)
{
	sdx_kind kind;
	char canonical[SDX_CANON_MAX];
	int aud = audience_of(r, o);
	if (aud < 0 || ident_arg(r, o, aud, 1, &kind, canonical))
		return;
	struct show_ctx c = {json_array(), r->srv->office};
	int rc = sdx_show(r->srv->db, kind, canonical, aud, on_report, &c);
	if (rc) {
		resp_error(o, 500, "database", "%s", sdx_strerror(rc));
		json_decref(c.list);
		return;
	}
	char res[32];
	size_t n = json_array_size(c.list);
	snprintf(res, sizeof res, "reports:%zu", n);
	json_t *j = json_pack(
	    "{s:s, s:s, s:s, s:o}", "kind", sdx_kind_name(kind), "canonical",
	    canonical, "audience", sdx_audience_name(aud), "reports", c.list);
	json_reply(o, 200, j);
	json_decref(j);
	struct audit_rec rec;
	audit_begin(&rec, &r->who, "show", aud);
	audit_item(&rec, kind, canonical, strlen(canonical), res);
	audit_push(r, &rec, enum_flag(r, 1, n == 0));
	audit_free(&rec);
}

static unsigned long num_arg(struct req *r, const char *name, unsigned long def,
			     unsigned long max, int *bad)
{
	const char *v = req_arg(r, name);
	if (!v || !v[0])
		return def;
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || v[0] == '-' || n > max)
		*bad = 1;
	return n;
}

void api_links(struct req *r, struct resp *o)
{
	sdx_kind kind;
	char canonical[SDX_CANON_MAX];
	int bad = 0;
	int aud = audience_of(r, o);
	if (aud < 0 || ident_arg(r, o, aud, 0, &kind, canonical))
		return;
	unsigned long depth = num_arg(r, "depth", 2, 16, &bad);
	unsigned long limit = num_arg(r, "limit", 100, 100000, &bad);
	if (bad) {
		resp_error(o, 400, "bad_parameter",
			   "depth is 0..16, limit 0..100000");
		return;
	}
	const char *fmt = req_arg(r, "format");
	if (!fmt)
		fmt = "json";
	int json = !strcmp(fmt, "json"), dot = !strcmp(fmt, "dot"),
	    svg = !strcmp(fmt, "svg");
	if (!json && !dot && !svg) {
		resp_error(o, 400, "bad_parameter",
			   "format is json, dot or svg, not '%s'", fmt);
		return;
	}
	struct render_links g;
	int rc = render_links_walk(r->srv->db, &g, kind, canonical,
				   (unsigned)depth, (size_t)limit, aud, !json);
	if (rc) {
		render_links_free(&g);
		resp_error(o, 500, "database", "%s", sdx_strerror(rc));
		return;
	}
	if (json) {
		json_t *edges = json_array();
		for (size_t i = 0; i < g.n; i++)
			json_array_append_new(edges,
					      render_link_json(&g.edges[i]));
		json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:b, s:o}", "kind",
				      sdx_kind_name(kind), "canonical",
				      canonical, "depth", (int)depth,
				      "audience", sdx_audience_name(aud),
				      "truncated", g.truncated, "edges", edges);
		json_reply(o, 200, j);
		json_decref(j);
	} else {
		struct cli_buf d = {0};
		char msg[256];
		if (render_links_dot(r->srv->db, &g, &d)) {
			resp_error(o, 500, "internal", "out of memory");
		} else if (dot) {
			o->status = 200;
			o->type = "text/vnd.graphviz; charset=utf-8";
			cli_buf_put(&o->body, d.p, d.len);
		} else if (svg_render(d.p, d.len, &o->body, msg, sizeof msg)) {
			resp_error(o, 500, "graphviz", "%s", msg);
		} else {
			o->status = 200;
			o->type = "image/svg+xml";
		}
		cli_buf_free(&d);
	}
	char res[32];
	snprintf(res, sizeof res, "links:%zu", g.n);
	struct audit_rec rec;
	audit_begin(&rec, &r->who, "links", aud);
	audit_item(&rec, kind, canonical, strlen(canonical), res);
	audit_push(r, &rec, NULL);
	audit_free(&rec);
	render_links_free(&g);
}

void api_stats(struct req *r, struct resp *o)
{
	if (role_audience(r->who.role, SDX_AUD_POLICE) != SDX_AUD_POLICE) {
		resp_error(o, 403, "forbidden",
			   "role %s sees the bank view; the totals count "
			   "police-only reports",
			   role_name(r->who.role));
		return;
	}
	json_t *root = json_object();
	int rc = sdx_stats(r->srv->db, render_stat_json, root);
	if (rc)
		resp_error(o, 500, "database", "%s", sdx_strerror(rc));
	else
		json_reply(o, 200, root);
	json_decref(root);
	if (rc)
		return;
	struct audit_rec rec;
	audit_begin(&rec, &r->who, "stats", SDX_AUD_POLICE);
	audit_push(r, &rec, NULL);
	audit_free(&rec);
}

void api_whoami(struct req *r, struct resp *o)
{
	json_t *j = json_pack(
	    "{s:s, s:s, s:s, s:b, s:b}", "name", r->who.name, "role",
	    role_name(r->who.role), "audience",
	    sdx_audience_name(role_audience(r->who.role, SDX_AUD_POLICE)),
	    "write", role_can_write(r->who.role), "stats",
	    role_audience(r->who.role, SDX_AUD_POLICE) == SDX_AUD_POLICE);
	json_reply(o, 200, j);
	json_decref(j);
}

/* ---- writes ---- */

static int may_write(struct req *r, struct resp *o)
{
	if (role_can_write(r->who.role))
		return 1;
	resp_error(o, 403, "forbidden",
		   "role %s may not write; analysts and admins do",
		   role_name(r->who.role));
	return 0;
}

static json_t *body_object(struct req *r, struct resp *o)
{
	json_error_t je;
	json_t *j =
	    json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		resp_error(o, 400, "bad_body", "line %d column %d: %s", je.line,
			   je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		resp_error(o, 400, "bad_body", "expected one JSON object");
		return NULL;
	}
	return j;
}

void api_report_add(struct req *r, struct resp *o)
{
	if (!may_write(r, o))
		return;
	json_t *j = body_object(r, o);
	if (!j)
		return;
	if (json_object_get(j, "origin")) {
		json_decref(j);
		resp_error(o, 400, "bad_body",
			   "origin is this office's; it cannot be set here");
		return;
	}
	static _Thread_local sdx_report rep;
	char msg[512];
	int bad = cli_report_from_json(j, &rep, msg, sizeof msg);
	json_decref(j);
	if (bad) {
		resp_error(o, 400, "bad_report", "%s", msg);
		return;
	}
	uint8_t id[16];
	int added = 0;
	int rc = sdx_report_add(r->srv->db, &rep, id, &added);
	if (rc) {
		resp_error(o, 500, "database", "adding the report: %s",
			   sdx_strerror(rc));
		return;
	}
	char hex[33];
	sdx_id_to_hex(id, hex);
	json_t *out = json_pack("{s:s, s:b}", "id", hex, "added", added);
	json_reply(o, added ? 201 : 200, out);
	json_decref(out);
}

void api_report_state(struct req *r, struct resp *o, const char *hex,
		      const char *action)
{
	uint8_t id[16];
	if (!may_write(r, o))
		return;
	if (strlen(hex) != 32 || sdx_id_from_hex(hex, 32, id)) {
		resp_error(o, 400, "bad_parameter",
			   "bad report id '%s' (32 hex digits)", hex);
		return;
	}
	json_t *j = body_object(r, o);
	if (!j)
		return;
	int retract = !strcmp(action, "retract");
	const char *note =
	    json_string_value(json_object_get(j, retract ? "reason" : "note"));
	if (!note)
		note = json_string_value(
		    json_object_get(j, retract ? "note" : "reason"));
	const char *by = json_string_value(json_object_get(j, "by"));
	const char *ds = json_string_value(json_object_get(j, "date"));
	int32_t date = SDX_DATE_NONE;
	if (!by)
		by = r->who.name;
	if (!note || !note[0] || strlen(note) > SDX_NOTE_MAX ||
	    strlen(by) > SDX_AGENCY_MAX ||
	    (ds && sdx_date_parse(ds, strlen(ds), &date))) {
		resp_error(o, 400, "bad_body",
			   "%s (at most %d bytes) is required; by at most %d "
			   "bytes; date YYYY-MM-DD",
			   retract ? "reason" : "note", SDX_NOTE_MAX,
			   SDX_AGENCY_MAX);
		json_decref(j);
		return;
	}
	int rc = retract ? sdx_report_retract(r->srv->db, id, note, by, date)
			 : sdx_report_dispute(r->srv->db, id, note, by, date);
	json_decref(j);
	if (rc == SDX_ENOTFOUND) {
		resp_error(o, 404, "not_found", "no report %s", hex);
	} else if (rc == SDX_EROLE) {
		resp_error(o, 403, "forbidden", "%s", sdx_strerror(rc));
	} else if (rc == SDX_EEXISTS) {
		resp_error(o, 409, "conflict", "report %s is already %s", hex,
			   retract ? "retracted" : "disputed");
	} else if (rc) {
		resp_error(o, 500, "database", "%s", sdx_strerror(rc));
	} else {
		json_t *out = json_pack("{s:s, s:s}", "id", hex, "state",
					retract ? "retracted" : "disputed");
		json_reply(o, 200, out);
		json_decref(out);
	}
}

/* ---- POST /v1/qr: grey pixels (?w=&h=) or a binary PGM (P5) ---- */

struct qr_ctx {
	struct req *r;
	json_t *codes;
	struct audit_rec rec;
	int aud;
	size_t unknown;
};

static void on_code(const char *data, size_t len, void *arg)
{
	struct qr_ctx *c = arg;
	sdx_interp it[SDX_INTERP_MAX];
	size_t n = 0;
	sdx_norm_error err;
	struct cli_buf b = {0};
	int rc = render_check_all(c->r->srv->db, SDX_KIND_AUTO, data, len,
				  today(), c->aud, it, &n, &err);
	if (rc == 0) {
		render_check_all_json(&b, data, len, it, n);
		c->rec.n += audit_interps(&c->rec.b, it, n);
		c->unknown += it[0].result.verdict == SDX_VERDICT_UNKNOWN;
	} else {
		char msg[256];
		cli_input_error_text(rc, &err, msg, sizeof msg);
		render_check_error_json(&b, data, len, msg);
		audit_item(&c->rec, SDX_KIND_AUTO, data, len, "invalid");
	}
	json_t *j = json_loadb(b.p, b.len, 0, NULL);
	if (j)
		json_array_append_new(c->codes, j);
	cli_buf_free(&b);
}

/* A binary PGM header "P5 W H 255" and where the pixels start. */
static int pgm_header(const char *s, size_t len, unsigned *w, unsigned *h,
		      size_t *start)
{
	unsigned long v[3];
	size_t i = 2;
	if (len < 2 || s[0] != 'P' || s[1] != '5')
		return -1;
	for (int k = 0; k < 3; k++) {
		while (i < len && (json_ws(s[i]) || s[i] == '#')) {
			if (s[i] == '#')
				while (i < len && s[i] != '\n')
					i++;
			else
				i++;
		}
		if (i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		v[k] = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && v[k] < 100000)
			v[k] = v[k] * 10 + (unsigned long)(s[i++] - '0');
	}
	if (i >= len || !json_ws(s[i]) || v[2] != 255)
		return -1;
	*w = (unsigned)v[0];
	*h = (unsigned)v[1];
	*start = i + 1;
	return 0;
}

void api_qr(struct req *r, struct resp *o)
{
	unsigned w = 0, h = 0;
	size_t start = 0;
	int bad = 0;
	int aud = audience_of(r, o);
	if (aud < 0)
		return;
	if (req_arg(r, "w")) {
		w = (unsigned)num_arg(r, "w", 0, 4096, &bad);
		h = (unsigned)num_arg(r, "h", 0, 4096, &bad);
	} else if (pgm_header(r->body, r->body_len, &w, &h, &start)) {
		bad = 1;
	}
	if (bad || !w || !h || (size_t)w * h > SERVE_QR_PIXELS_MAX ||
	    r->body_len - start != (size_t)w * h) {
		resp_error(o, 400, "bad_image",
			   "send grey pixels with ?w=&h= (w*h bytes, at most "
			   "4096 each way) or a binary PGM (P5)");
		return;
	}
	struct qr_ctx c;
	memset(&c, 0, sizeof c);
	c.r = r;
	c.aud = aud;
	c.codes = json_array();
	audit_begin(&c.rec, &r->who, "check", aud);
	int n = qr_decode((const uint8_t *)r->body + start, w, h, on_code, &c);
	if (n < 0) {
		resp_error(o, 500, "zbar", "the QR decoder failed");
	} else {
		json_t *j = json_pack("{s:o}", "codes", c.codes);
		c.codes = NULL;
		json_reply(o, 200, j);
		json_decref(j);
		if (c.rec.n)
			audit_push(r, &c.rec, enum_flag(r, c.rec.n, c.unknown));
	}
	json_decref(c.codes);
	audit_free(&c.rec);
}

/* ---- GET /v1/bank?bin=: a bank's name (the page shows it, not the
 * BIN); not a look-up of anyone's identifier ---- */

void api_bank(struct req *r, struct resp *o)
{
	const char *bin = req_arg(r, "bin");
	const sdx_bank_info *b = bin ? sdx_bank_by_bin(bin) : NULL;
	if (!b) {
		resp_error(o, 404, "not_found", "no bank with BIN '%s'",
			   bin ? bin : "");
		return;
	}
	json_t *j =
	    json_pack("{s:s, s:s, s:s, s:s}", "bin", b->bin, "short_name",
		      b->short_name, "name", b->name, "code", b->code);
	json_reply(o, 200, j);
	json_decref(j);
}
