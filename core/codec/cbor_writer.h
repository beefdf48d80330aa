/* cbor_writer.h: appending CBOR items to a caller's buffer with libcbor's
 * cbor_encode_* functions, shared by the report and bundle codecs (so the
 * libcbor 0.8 -> 0.10 API change stays in this folder). Errors are sticky:
 * after the first item that does not fit, w->err is SDX_ETOOLONG and
 * nothing more is written. Internal to core/codec/. */
/* Project rule (DESIGN.md, issue 4): written with libcbor's cbor_encode_*,
 * read with its streaming decoder; not by hand. */
#ifndef SCAMDEX_CBOR_WRITER_H
#define SCAMDEX_CBOR_WRITER_H

#include <stdint.h>
#include <string.h>

#include <cbor.h>

#include <scamdex/error.h>

struct wr {
	uint8_t *buf;
	size_t cap, len;
	int err;
};

static inline void wput(struct wr *w, size_t n)
{
	if (n == 0)
		w->err = SDX_ETOOLONG;
	w->len += n;
}

static inline void w_uint(struct wr *w, uint64_t v)
{
	if (!w->err)
		wput(w, cbor_encode_uint(v, w->buf + w->len, w->cap - w->len));
}

static inline void w_int(struct wr *w, int64_t v)
{
	if (v >= 0)
		w_uint(w, (uint64_t)v);
	else if (!w->err)
		wput(w, cbor_encode_negint((uint64_t)(-(v + 1)),
					   w->buf + w->len, w->cap - w->len));
}

static inline void w_head_map(struct wr *w, size_t n)
{
	if (!w->err)
		wput(w, cbor_encode_map_start(n, w->buf + w->len,
					      w->cap - w->len));
}

static inline void w_head_array(struct wr *w, size_t n)
{
	if (!w->err)
		wput(w, cbor_encode_array_start(n, w->buf + w->len,
						w->cap - w->len));
}

static inline void w_raw(struct wr *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (w->cap - w->len < n) {
		w->err = SDX_ETOOLONG;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static inline void w_text(struct wr *w, const char *p, size_t n)
{
	if (!w->err)
		wput(w, cbor_encode_string_start(n, w->buf + w->len,
						 w->cap - w->len));
	w_raw(w, p, n);
}

static inline void w_bytes(struct wr *w, const void *p, size_t n)
{
	if (!w->err)
		wput(w, cbor_encode_bytestring_start(n, w->buf + w->len,
						     w->cap - w->len));
	w_raw(w, p, n);
}

#endif /* SCAMDEX_CBOR_WRITER_H */
