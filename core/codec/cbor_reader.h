/* cbor_reader.h: one CBOR item at a time out of a buffer, as a small
 * token; shared by the report and bundle decoders. Nothing is allocated;
 * text and byte strings point into the input. The reader is inline: a
 * report body is some forty items, and libcbor's cbor_stream_decode (one
 * callback per item, through a table) cost more than the rest of the
 * decoding. It answers as cbor_stream_decode does (its status and bytes
 * read): CBOR_DECODER_NEDATA whenever the item is cut short,
 * CBOR_DECODER_ERROR for reserved and unassigned initial bytes, else
 * CBOR_DECODER_FINISHED (tests/sync/test_bundle_io.c compares the two on
 * every initial byte). Internal to core/codec/. */
#ifndef SCAMDEX_CBOR_READER_H
#define SCAMDEX_CBOR_READER_H

#include <stddef.h>
#include <stdint.h>

#include <cbor.h>

/* What one item is. T_BAD: anything the codecs never write (tags, floats,
 * simple values, indefinite lengths, chunked strings) or nothing read. */
enum tok { T_BAD, T_UINT, T_NEG, T_BYTES, T_TEXT, T_ARRAY, T_MAP };

struct cbor_token {
	enum tok type;
	uint64_t u; /* T_UINT value, T_NEG -1-value, T_ARRAY/T_MAP count */
	const uint8_t *p; /* T_BYTES/T_TEXT data, inside the input */
	size_t n;	  /* T_BYTES/T_TEXT length, T_ARRAY/T_MAP count */
};

static inline struct cbor_decoder_result
codec_token_result(size_t read, enum cbor_decoder_status status)
{
	struct cbor_decoder_result r;
	r.read = read;
	r.status = status;
	r.required = 0;
	return r;
}

/* Decode the item at buf (len bytes) into *t; returns the status and the
 * bytes read, which the caller judges. */
static inline struct cbor_decoder_result
codec_token_next(const uint8_t *buf, size_t len, struct cbor_token *t)
{
	static const enum tok major_tok[8] = {T_UINT,  T_NEG, T_BYTES, T_TEXT,
					      T_ARRAY, T_MAP, T_BAD,   T_BAD};
	unsigned b, major, ai;
	size_t hdr;
	uint64_t v;

	t->type = T_BAD;
	t->u = 0;
	t->p = NULL;
	t->n = 0;
	if (len < 1)
		return codec_token_result(0, CBOR_DECODER_NEDATA);
	b = buf[0];
	major = b >> 5;
	ai = b & 31;
	if (ai < 24) {
		v = ai;
		hdr = 1;
	} else if (ai < 28) {
		/* 0xf8 (a one-byte simple value) is refused unread */
		if (b == 0xf8)
			return codec_token_result(0, CBOR_DECODER_ERROR);
		hdr = (size_t)1 + ((size_t)1 << (ai - 24));
		if (len < hdr)
			return codec_token_result(0, CBOR_DECODER_NEDATA);
		v = 0;
		for (size_t i = 1; i < hdr; i++)
			v = v << 8 | buf[i];
	} else if (ai < 31) {
		return codec_token_result(0, CBOR_DECODER_ERROR);
	} else {
		/* indefinite lengths and break: read, but never ours;
		 * 0x1f, 0x3f and 0xdf are reserved */
		if (major <= 1 || major == 6)
			return codec_token_result(0, CBOR_DECODER_ERROR);
		return codec_token_result(1, CBOR_DECODER_FINISHED);
	}
	switch (major) {
	case 2:
	case 3:
		if (v > len - hdr)
			return codec_token_result(0, CBOR_DECODER_NEDATA);
		t->p = buf + hdr;
		t->n = (size_t)v;
		t->type = major_tok[major];
		return codec_token_result(hdr + (size_t)v,
					  CBOR_DECODER_FINISHED);
	case 6:
		/* tags: libcbor refuses the unassigned one-byte ones */
		if (ai >= 6 && ai <= 20)
			return codec_token_result(0, CBOR_DECODER_ERROR);
		return codec_token_result(hdr, CBOR_DECODER_FINISHED);
	case 7:
		/* simple values other than false, true, null, undefined */
		if (ai < 20)
			return codec_token_result(0, CBOR_DECODER_ERROR);
		return codec_token_result(hdr, CBOR_DECODER_FINISHED);
	default:
		t->type = major_tok[major];
		t->u = v;
		if (major >= 4)
			t->n = (size_t)v;
		return codec_token_result(hdr, CBOR_DECODER_FINISHED);
	}
}

/* The same through libcbor's cbor_stream_decode (cbor_reader.c): the
 * reference the tests hold codec_token_next to. */
struct cbor_decoder_result
codec_token_next_libcbor(const uint8_t *buf, size_t len, struct cbor_token *t);

#endif /* SCAMDEX_CBOR_READER_H */
