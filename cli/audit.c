/* audit.c: the audit log's records, made and read here only: the CLI
 * writes them, the service queues them (serve/auditq.c), scamdex audit
 * reads them. A batch of a million look-ups writes a million items, so
 * an item is a few bytes of binary (record format 1), built straight
 * into a reused buffer; records written before it are JSON text and are
 * still read. */
#include <jansson.h>
#include <string.h>

#include "access.h"

/* Record format 1 (a JSON record starts with '{', never with this):
 *   0x01
 *   u16 big-endian H, then H bytes: the head, a JSON object
 *     {"who":..., "role":..., "via":..., "from":..., "op":...,
 *      "audience":...}
 *   the items, each
 *     u8 kind (0: an invalid input), u8 result, u8 L, L bytes of the
 *     canonical identifier (of an invalid input: the input, at most 64
 *     bytes, as it came), and when result is RES_TEXT: u8 R, R bytes
 *     of the result's text ("reports:3")
 *   F bytes of the flag ("enumeration"), then u8 F (0: no flag) */
#define AUDIT_V1 0x01
enum {
	RES_INVALID = 0x80, /* results 0-3: the verdict */
	RES_TEXT = 0xff,
};

void audit_begin(struct audit_rec *r, const struct who *w, const char *op,
		 int audience)
{
	struct cli_buf h = {0};
	memset(r, 0, sizeof *r);
	cli_buf_puts(&h, "{\"who\":");
	cli_buf_json_str(&h, w->name, strlen(w->name));
	cli_buf_puts(&h, ",\"role\":\"");
	cli_buf_puts(&h, role_name(w->role));
	cli_buf_puts(&h, "\",\"via\":\"");
	cli_buf_puts(&h, w->via);
	cli_buf_puts(&h, "\",\"from\":");
	cli_buf_json_str(&h, w->from, strlen(w->from));
	cli_buf_puts(&h, ",\"op\":\"");
	cli_buf_puts(&h, op);
	cli_buf_puts(&h, "\",\"audience\":\"");
	cli_buf_puts(&h, sdx_audience_name(audience));
	cli_buf_puts(&h, "\"}");
	/* who and from are short (128 and 64 bytes): the head fits */
	size_t n = h.len < sizeof r->head - 3 ? h.len : 0;
	r->head[0] = AUDIT_V1;
	r->head[1] = (char)(n >> 8);
	r->head[2] = (char)(n & 0xff);
	if (n)
		memcpy(r->head + 3, h.p, n);
	r->head_len = n + 3;
	cli_buf_free(&h);
	cli_buf_put(&r->b, r->head, r->head_len);
	r->mark = r->b.len;
}

/* One item: 3 bytes, the text, and a result that is not a verdict. */
static void item_put(struct cli_buf *b, sdx_kind kind, const char *text,
		     size_t len, unsigned res, const char *restext)
{
	if (len > 255)
		len = 255; /* canonical forms are shorter (SDX_CANON_MAX) */
	size_t rlen = res == RES_TEXT ? strlen(restext) : 0;
	if (rlen > 255)
		rlen = 255;
	if (cli_buf_reserve(b, 4 + len + rlen) != 0)
		return;
	unsigned char *o = (unsigned char *)b->p + b->len;
	*o++ = (unsigned char)kind;
	*o++ = (unsigned char)res;
	*o++ = (unsigned char)len;
	memcpy(o, text, len);
	o += len;
	if (res == RES_TEXT) {
		*o++ = (unsigned char)rlen;
		memcpy(o, restext, rlen);
		o += rlen;
	}
	b->len = (size_t)((char *)o - b->p);
}

void audit_verdict_to(struct cli_buf *b, sdx_kind kind, const char *canonical,
		      size_t len, sdx_verdict verdict)
{
	item_put(b, kind, canonical, len, (unsigned)verdict & 3, NULL);
}

void audit_item_to(struct cli_buf *b, sdx_kind kind, const char *text,
		   size_t len, const char *result)
{
	if (!kind && len > 64)
		len = 64;
	unsigned res = RES_TEXT;
	for (int v = 0; v <= 3 && res == RES_TEXT; v++)
		if (result == sdx_verdict_name(v) ||
		    !strcmp(result, sdx_verdict_name(v)))
			res = (unsigned)v;
	if (res == RES_TEXT && !strcmp(result, "invalid"))
		res = RES_INVALID;
	item_put(b, kind, text, len, res, result);
}

void audit_item(struct audit_rec *r, sdx_kind kind, const char *text,
		size_t len, const char *result)
{
	audit_item_to(&r->b, kind, text, len, result);
	r->n++;
}

void audit_items_add(struct audit_rec *r, const struct cli_buf *items, size_t n)
{
	if (items->len)
		cli_buf_put(&r->b, items->p, items->len);
	r->n += n;
}

void audit_finish(struct audit_rec *r, const char *flag, const char **out,
		  size_t *len)
{
	size_t fl = flag ? strlen(flag) : 0;
	if (fl > 255)
		fl = 255;
	if (fl)
		cli_buf_put(&r->b, flag, fl);
	cli_buf_putc(&r->b, (char)fl);
	*out = r->b.p;
	*len = r->b.len;
	/* the next call starts over with the same head */
	r->b.len = 0;
	cli_buf_put(&r->b, r->head, r->head_len);
	r->mark = r->b.len;
	r->n = 0;
}

void audit_free(struct audit_rec *r)
{
	cli_buf_free(&r->b);
	r->n = 0;
}

int audit_write(const struct cli_cmd *cmd, sdx_db *db, struct audit_rec *r)
{
	static int warned;
	if (!r->n)
		return 0;
	const char *rec;
	size_t len;
	audit_finish(r, NULL, &rec, &len);
	/* audit_finish reset the buffer to the head, but its bytes past the
	 * head are still the record's: copy nothing, write it now */
	int rc = sdx_audit_append(db, 0, (const void *const *)&rec, &len, 1);
	if (rc && !warned) {
		warned = 1;
		fprintf(stderr,
			"scamdex %s: look-up not recorded in the audit log: "
			"%s\n",
			cmd->name, sdx_strerror(rc));
	}
	return rc;
}

/* ---- reading ---- */

/* A JSON string of bytes s: as a format-0 record held them (written by
 * cli_buf_json_str, then parsed), so both formats read the same. */
static json_t *item_str(const unsigned char *s, size_t n, int raw)
{
	json_t *j = raw ? NULL : json_stringn((const char *)s, n);
	if (j)
		return j;
	struct cli_buf b = {0};
	cli_buf_json_str(&b, (const char *)s, n);
	j = b.p ? json_loadb(b.p, b.len, JSON_DECODE_ANY, NULL) : NULL;
	cli_buf_free(&b);
	return j ? j : json_string("?");
}

static json_t *decode_v1(const unsigned char *p, size_t len)
{
	if (len < 4)
		return NULL;
	size_t hl = (size_t)p[1] << 8 | p[2];
	size_t fl = p[len - 1];
	if (3 + hl + fl + 1 > len)
		return NULL;
	json_t *o = json_loadb((const char *)p + 3, hl, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	json_t *items = json_array();
	const unsigned char *q = p + 3 + hl, *end = p + len - 1 - fl;
	while (q < end) {
		if (end - q < 3 || (size_t)(end - q) < 3u + q[2])
			break; /* cut short: what came before stands */
		unsigned kind = q[0], res = q[1];
		size_t cl = q[2];
		const unsigned char *canon = q + 3;
		q += 3 + cl;
		json_t *r;
		if (res <= 3) {
			r = json_string(sdx_verdict_name((int)res));
		} else if (res == RES_INVALID) {
			r = json_string("invalid");
		} else {
			if (q >= end || (size_t)(end - q) < 1u + q[0])
				break;
			r = item_str(q + 1, q[0], 0);
			q += 1 + q[0];
		}
		json_t *it = json_array();
		json_array_append_new(
		    it, json_string(kind ? sdx_kind_name((sdx_kind)kind)
					 : "invalid"));
		json_array_append_new(it, item_str(canon, cl, kind == 0));
		json_array_append_new(it, r);
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "items", items);
	if (fl)
		json_object_set_new(o, "flag",
				    item_str(p + len - 1 - fl, fl, 0));
	return o;
}

json_t *audit_decode(const void *rec, size_t len)
{
	const unsigned char *p = rec;
	if (len && p[0] == AUDIT_V1)
		return decode_v1(p, len);
	json_t *o = json_loadb(rec, len, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
