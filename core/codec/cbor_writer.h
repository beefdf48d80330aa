/* cbor_writer.h: appending CBOR items to a caller's buffer, shared by the
 * report and bundle codecs. Every head is written in its shortest form
 * (RFC 8949 preferred serialization: the bytes libcbor's cbor_encode_*
 * write), here inline: a report's encoding is a few dozen small heads,
 * and a library call per head was most of its cost. Errors are sticky:
 * after the first item that does not fit, w->err is SDX_ETOOLONG and
 * nothing more is written. Internal to core/codec/. */
#ifndef SCAMDEX_CBOR_WRITER_H
#define SCAMDEX_CBOR_WRITER_H

#include <stdint.h>
#include <string.h>

#include <scamdex/error.h>

struct wr {
	uint8_t *buf;
	size_t cap, len;
	int err;
};

/* CBOR major types, shifted into the initial byte */
#define CBOR_MT_UINT 0x00u
#define CBOR_MT_NEGINT 0x20u
#define CBOR_MT_BYTES 0x40u
#define CBOR_MT_TEXT 0x60u
#define CBOR_MT_ARRAY 0x80u
#define CBOR_MT_MAP 0xa0u

/* Bytes of the head of an item with argument v. */
static inline size_t cbor_head_len(uint64_t v)
{
	return v < 24		 ? 1
	       : v <= 0xff	 ? 2
	       : v <= 0xffff	 ? 3
	       : v <= 0xffffffff ? 5
				 : 9;
}

/* Write the head (major type mt, argument v) at p, which has room for
 * cbor_head_len(v) bytes; returns that length. */
static inline size_t cbor_head_put(uint8_t *p, unsigned mt, uint64_t v)
{
	if (v < 24) {
		p[0] = (uint8_t)(mt | v);
		return 1;
	}
	if (v <= 0xff) {
		p[0] = (uint8_t)(mt | 24u);
		p[1] = (uint8_t)v;
		return 2;
	}
	if (v <= 0xffff) {
		p[0] = (uint8_t)(mt | 25u);
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)v;
		return 3;
	}
	if (v <= 0xffffffff) {
		p[0] = (uint8_t)(mt | 26u);
		for (int i = 0; i < 4; i++)
			p[1 + i] = (uint8_t)(v >> (24 - 8 * i));
		return 5;
	}
	p[0] = (uint8_t)(mt | 27u);
	for (int i = 0; i < 8; i++)
		p[1 + i] = (uint8_t)(v >> (56 - 8 * i));
	return 9;
}

static inline void w_head(struct wr *w, unsigned mt, uint64_t v)
{
	if (w->err)
		return;
	if (w->cap - w->len < 9 && w->cap - w->len < cbor_head_len(v)) {
		w->err = SDX_ETOOLONG;
		return;
	}
	w->len += cbor_head_put(w->buf + w->len, mt, v);
}

static inline void w_uint(struct wr *w, uint64_t v)
{
	w_head(w, CBOR_MT_UINT, v);
}

static inline void w_int(struct wr *w, int64_t v)
{
	if (v >= 0)
		w_head(w, CBOR_MT_UINT, (uint64_t)v);
	else
		w_head(w, CBOR_MT_NEGINT, (uint64_t)(-(v + 1)));
}

static inline void w_head_map(struct wr *w, size_t n)
{
	w_head(w, CBOR_MT_MAP, n);
}

static inline void w_head_array(struct wr *w, size_t n)
{
	w_head(w, CBOR_MT_ARRAY, n);
}

static inline void w_raw(struct wr *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (w->cap - w->len < n) {
		w->err = SDX_ETOOLONG;
		return;
	}
	if (n)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static inline void w_text(struct wr *w, const char *p, size_t n)
{
	w_head(w, CBOR_MT_TEXT, n);
	w_raw(w, p, n);
}

static inline void w_bytes(struct wr *w, const void *p, size_t n)
{
	w_head(w, CBOR_MT_BYTES, n);
	w_raw(w, p, n);
}

#endif /* SCAMDEX_CBOR_WRITER_H */
