/* bundle_codec.c: bundle items <-> CBOR (scamdex-bundle(5)). Encoding
 * uses the cbor_encode_* functions into the caller's buffer; decoding
 * drives cbor_stream_decode one event at a time, so nothing allocates and
 * pointers into the input stay valid. The only libcbor user of sync. */
#include <string.h>

#include <cbor.h>

#include "bundle_io.h"
#include "cbor_reader.h"
#include "cbor_writer.h"

/* ---- encoding ---- */

/* The bundle encoders return the item's length, or 0 if it did not fit. */
static size_t done(const struct wr *w)
{
	return w->err ? 0 : w->len;
}

size_t sdx_benc_header(uint8_t *buf, size_t cap, const char *sender,
		       int audience, uint64_t created, const sdx_vv_entry *vv,
		       size_t n)
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 7);
	w_uint(&e, SDX_BI_HEADER);
	w_text(&e, SDX_BUNDLE_MAGIC, sizeof SDX_BUNDLE_MAGIC - 1);
	w_uint(&e, SDX_BUNDLE_FORMAT);
	w_text(&e, sender, strlen(sender));
	w_uint(&e, (uint64_t)audience);
	w_uint(&e, created);
	w_head_array(&e, n);
	for (size_t i = 0; i < n; i++) {
		w_head_array(&e, 2);
		w_text(&e, vv[i].origin, strlen(vv[i].origin));
		w_uint(&e, vv[i].seq);
	}
	return done(&e);
}

size_t sdx_benc_address(uint8_t *buf, size_t cap, const char *to)
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 2);
	w_uint(&e, SDX_BI_ADDRESS);
	w_text(&e, to, strlen(to));
	return done(&e);
}

size_t sdx_benc_run(uint8_t *buf, size_t cap, const char *origin,
		    uint64_t first, const uint8_t prev[32])
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 4);
	w_uint(&e, SDX_BI_RUN);
	w_text(&e, origin, strlen(origin));
	w_uint(&e, first);
	w_bytes(&e, prev, 32);
	return done(&e);
}

static size_t op_item(uint8_t *buf, size_t cap, int kind, uint64_t seq,
		      int type, const uint8_t *p, size_t n)
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 4);
	w_uint(&e, (uint64_t)kind);
	w_uint(&e, seq);
	w_uint(&e, (uint64_t)type);
	w_bytes(&e, p, n);
	return done(&e);
}

size_t sdx_benc_op(uint8_t *buf, size_t cap, uint64_t seq, int type,
		   const uint8_t *body, size_t len)
{
	return op_item(buf, cap, SDX_BI_OP, seq, type, body, len);
}

size_t sdx_benc_redacted(uint8_t *buf, size_t cap, uint64_t seq, int type,
			 const uint8_t digest[32])
{
	return op_item(buf, cap, SDX_BI_REDACTED, seq, type, digest, 32);
}

size_t sdx_benc_secret(uint8_t *buf, size_t cap, const char *origin,
		       const uint8_t secret[32])
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 3);
	w_uint(&e, SDX_BI_SECRET);
	w_text(&e, origin, strlen(origin));
	w_bytes(&e, secret, 32);
	return done(&e);
}

size_t sdx_benc_segsig(uint8_t *buf, size_t cap, uint64_t seq,
		       const uint8_t sig[64])
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 3);
	w_uint(&e, SDX_BI_SEGSIG);
	w_uint(&e, seq);
	w_bytes(&e, sig, 64);
	return done(&e);
}

size_t sdx_benc_head(uint8_t *buf, size_t cap, const sdx_head *h)
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 6);
	w_uint(&e, SDX_BI_HEAD);
	w_text(&e, h->origin, strlen(h->origin));
	w_uint(&e, h->seq);
	w_bytes(&e, h->chain, 32);
	w_uint(&e, h->clock);
	w_bytes(&e, h->sig, 64);
	return done(&e);
}

static size_t tail_item(uint8_t *buf, size_t cap, int kind, const uint8_t *p,
			size_t n)
{
	struct wr e = {buf, cap, 0, 0};
	w_head_array(&e, 2);
	w_uint(&e, (uint64_t)kind);
	w_bytes(&e, p, n);
	return done(&e);
}

size_t sdx_benc_checksum(uint8_t *buf, size_t cap, const uint8_t sum[16])
{
	return tail_item(buf, cap, SDX_BI_CHECKSUM, sum, 16);
}

size_t sdx_benc_signature(uint8_t *buf, size_t cap, const uint8_t sig[64])
{
	return tail_item(buf, cap, SDX_BI_SIGNATURE, sig, 64);
}

/* ---- decoding ---- */

typedef struct cbor_token ev;

typedef struct dec {
	const uint8_t *buf;
	size_t len, pos;
	const char *why;
} dec;

#define NEED 1

/* Next event of the wanted type: 0, NEED, or SDX_EBUNDLE. */
static int next(dec *d, enum tok want, ev *e, const char *what)
{
	struct cbor_decoder_result r;
	r = codec_token_next(d->buf + d->pos, d->len - d->pos, e);
	if (r.status == CBOR_DECODER_NEDATA)
		return NEED;
	if (r.status != CBOR_DECODER_FINISHED || e->type != want) {
		d->why = what;
		return SDX_EBUNDLE;
	}
	d->pos += r.read;
	return 0;
}

#define NEXT(want, evp, what)                                                  \
	do {                                                                   \
		int rc_ = next(d, (want), (evp), (what));                      \
		if (rc_)                                                       \
			return rc_;                                            \
	} while (0)

static int get_uint(dec *d, uint64_t max, uint64_t *out, const char *what)
{
	ev e;
	NEXT(T_UINT, &e, what);
	if (e.u > max) {
		d->why = what;
		return SDX_EBUNDLE;
	}
	*out = e.u;
	return 0;
}

static int get_str(dec *d, enum tok type, size_t min, size_t max,
		   const uint8_t **p, size_t *n, const char *what)
{
	ev e;
	NEXT(type, &e, what);
	if (e.n < min || e.n > max) {
		d->why = what;
		return SDX_EBUNDLE;
	}
	*p = e.p;
	*n = e.n;
	return 0;
}

static int get_office(dec *d, const char **p, size_t *n, const char *what)
{
	const uint8_t *s;
	int rc = get_str(d, T_TEXT, 1, SDX_OFFICE_MAX, &s, n, what);
	if (rc)
		return rc;
	if (!sdx_office_valid((const char *)s, *n)) {
		d->why = what;
		return SDX_EBUNDLE;
	}
	*p = (const char *)s;
	return 0;
}

#define TRY(x)                                                                 \
	do {                                                                   \
		int rc_ = (x);                                                 \
		if (rc_)                                                       \
			return rc_;                                            \
	} while (0)

static int header(dec *d, sdx_bitem *it, sdx_vv_entry *vv, size_t vv_cap)
{
	const uint8_t *p;
	size_t n;
	uint64_t u;
	ev e;
	TRY(get_str(d, T_TEXT, 0, 64, &p, &n, "header: magic expected"));
	if (n != sizeof SDX_BUNDLE_MAGIC - 1 ||
	    memcmp(p, SDX_BUNDLE_MAGIC, n) != 0) {
		d->why = "not a scamdex bundle (bad magic)";
		return SDX_EBUNDLE;
	}
	TRY(get_uint(d, UINT64_MAX, &it->format, "header: format version"));
	TRY(get_office(d, &it->name, &it->name_len, "header: sender office"));
	TRY(get_uint(d, SDX_AUD_POLICE, &u, "header: audience"));
	it->audience = (int)u;
	TRY(get_uint(d, UINT64_MAX, &it->created, "header: creation time"));
	NEXT(T_ARRAY, &e, "header: version vector");
	if (e.u > vv_cap) {
		d->why = "header: version vector too long";
		return SDX_EBUNDLE;
	}
	it->n_vv = (size_t)e.u;
	for (size_t i = 0; i < it->n_vv; i++) {
		const char *o;
		NEXT(T_ARRAY, &e, "header: version vector entry");
		if (e.u != 2) {
			d->why = "header: version vector entry";
			return SDX_EBUNDLE;
		}
		TRY(get_office(d, &o, &n, "header: vector origin"));
		memcpy(vv[i].origin, o, n);
		vv[i].origin[n] = '\0';
		TRY(get_uint(d, UINT64_MAX, &vv[i].seq, "header: vector seq"));
	}
	return 0;
}

static int item(dec *d, sdx_bitem *it, sdx_vv_entry *vv, size_t vv_cap)
{
	static const size_t fields[] = {7, 4, 4, 4, 3, 2, 2, 2, 3, 6};
	uint64_t kind, u;
	ev e;
	NEXT(T_ARRAY, &e, "item: array expected");
	TRY(get_uint(d, SDX_BI_HEAD, &kind, "item: unknown kind"));
	if (e.u != fields[kind]) {
		d->why = "item: wrong number of fields";
		return SDX_EBUNDLE;
	}
	memset(it, 0, sizeof *it);
	it->kind = (int)kind;
	switch (kind) {
	case SDX_BI_HEADER:
		return header(d, it, vv, vv_cap);
	case SDX_BI_ADDRESS:
		return get_office(d, &it->name, &it->name_len,
				  "address: receiver office");
	case SDX_BI_RUN:
		TRY(get_office(d, &it->name, &it->name_len, "run: origin"));
		TRY(get_uint(d, UINT64_MAX - 1, &it->seq, "run: first seq"));
		return get_str(d, T_BYTES, 32, 32, &it->bytes, &it->len,
			       "run: chain (32 bytes)");
	case SDX_BI_OP:
	case SDX_BI_REDACTED:
		TRY(get_uint(d, UINT64_MAX - 1, &it->seq, "op: seq"));
		/* the chain byte: type 1..6 with its mark (SDX_MARK_*) */
		TRY(get_uint(d, 0xFF, &u, "op: type"));
		if (!SDX_CHAIN_BYTE_OK(u)) {
			d->why = "op: type";
			return SDX_EBUNDLE;
		}
		it->type = (int)(u & ~(uint64_t)SDX_MARK_MASK);
		it->mark = (int)(u & SDX_MARK_MASK);
		if (kind == SDX_BI_OP)
			return get_str(d, T_BYTES, 1, SDX_BUNDLE_BODY_MAX,
				       &it->bytes, &it->len, "op: body");
		return get_str(d, T_BYTES, 32, 32, &it->bytes, &it->len,
			       "redacted op: digest (32 bytes)");
	case SDX_BI_SECRET:
		TRY(get_office(d, &it->name, &it->name_len, "secret: origin"));
		return get_str(d, T_BYTES, 32, 32, &it->bytes, &it->len,
			       "secret: 32 bytes");
	case SDX_BI_SEGSIG:
		TRY(get_uint(d, UINT64_MAX - 1, &it->seq, "segment: seq"));
		return get_str(d, T_BYTES, 64, 64, &it->bytes, &it->len,
			       "segment: signature (64 bytes)");
	case SDX_BI_CHECKSUM:
		return get_str(d, T_BYTES, 16, 16, &it->bytes, &it->len,
			       "checksum (16 bytes)");
	case SDX_BI_HEAD: {
		size_t n;
		TRY(get_office(d, &it->name, &it->name_len, "head: origin"));
		TRY(get_uint(d, UINT64_MAX - 1, &it->seq, "head: seq"));
		TRY(get_str(d, T_BYTES, 32, 32, &it->bytes, &it->len,
			    "head: chain (32 bytes)"));
		TRY(get_uint(d, UINT64_MAX, &it->clock, "head: clock"));
		return get_str(d, T_BYTES, 64, 64, &it->sig, &n,
			       "head: signature (64 bytes)");
	}
	default:
		return get_str(d, T_BYTES, 64, 64, &it->bytes, &it->len,
			       "signature (64 bytes)");
	}
}

int sdx_bdec_item(const uint8_t *buf, size_t len, sdx_bitem *it,
		  sdx_vv_entry *vv, size_t vv_cap, size_t *used,
		  const char **why)
{
	dec d = {buf, len, 0, NULL};
	int rc = item(&d, it, vv, vv_cap);
	*used = d.pos;
	*why = d.why;
	return rc;
}
