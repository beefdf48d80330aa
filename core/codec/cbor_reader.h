/* cbor_reader.h: one CBOR item at a time out of a buffer, through
 * libcbor's cbor_stream_decode, as a small token; shared by the report and
 * bundle decoders (so the libcbor callback table exists once). Nothing is
 * allocated; text and byte strings point into the input. Internal to
 * core/codec/. */
/* Project rule (DESIGN.md, issue 4): CBOR is read with libcbor's
 * streaming decoder and written with its cbor_encode_* functions; an
 * inline token reader and inline head writer were taken out again. */
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

/* Decode the item at buf (len bytes) into *t; returns libcbor's result
 * (status and bytes read), which the caller judges. */
struct cbor_decoder_result codec_token_next(const uint8_t *buf, size_t len,
					    struct cbor_token *t);

#endif /* SCAMDEX_CBOR_READER_H */
