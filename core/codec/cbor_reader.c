/* cbor_reader.c: libcbor's streaming callbacks folded into one token (see
 * cbor_reader.h). libcbor calls one callback per item, one per integer
 * width, hence the many small functions. */
#include "cbor_reader.h"

static void set(void *c, enum tok type, uint64_t u)
{
	struct cbor_token *t = c;
	t->type = type;
	t->u = u;
}

static void on_u8(void *c, uint8_t v)
{
	set(c, T_UINT, v);
}
static void on_u16(void *c, uint16_t v)
{
	set(c, T_UINT, v);
}
static void on_u32(void *c, uint32_t v)
{
	set(c, T_UINT, v);
}
static void on_u64(void *c, uint64_t v)
{
	set(c, T_UINT, v);
}
static void on_n8(void *c, uint8_t v)
{
	set(c, T_NEG, v);
}
static void on_n16(void *c, uint16_t v)
{
	set(c, T_NEG, v);
}
static void on_n32(void *c, uint32_t v)
{
	set(c, T_NEG, v);
}
static void on_n64(void *c, uint64_t v)
{
	set(c, T_NEG, v);
}

static void on_string(void *c, enum tok type, cbor_data p, size_t n)
{
	struct cbor_token *t = c;
	t->type = type;
	t->p = p;
	t->n = n;
}
static void on_text(void *c, cbor_data p, size_t n)
{
	on_string(c, T_TEXT, p, n);
}
static void on_bytes(void *c, cbor_data p, size_t n)
{
	on_string(c, T_BYTES, p, n);
}

static void on_array(void *c, size_t n)
{
	set(c, T_ARRAY, n);
	((struct cbor_token *)c)->n = n;
}
static void on_map(void *c, size_t n)
{
	set(c, T_MAP, n);
	((struct cbor_token *)c)->n = n;
}

static void on_bad(void *c)
{
	set(c, T_BAD, 0);
}
static void on_bad_u64(void *c, uint64_t v)
{
	(void)v;
	on_bad(c);
}
static void on_bad_f(void *c, float v)
{
	(void)v;
	on_bad(c);
}
static void on_bad_d(void *c, double v)
{
	(void)v;
	on_bad(c);
}
static void on_bad_b(void *c, bool v)
{
	(void)v;
	on_bad(c);
}

static const struct cbor_callbacks callbacks = {
    .uint8 = on_u8,
    .uint16 = on_u16,
    .uint32 = on_u32,
    .uint64 = on_u64,
    .negint8 = on_n8,
    .negint16 = on_n16,
    .negint32 = on_n32,
    .negint64 = on_n64,
    .byte_string_start = on_bad,
    .byte_string = on_bytes,
    .string = on_text,
    .string_start = on_bad,
    .indef_array_start = on_bad,
    .array_start = on_array,
    .indef_map_start = on_bad,
    .map_start = on_map,
    .tag = on_bad_u64,
    .float2 = on_bad_f,
    .float4 = on_bad_f,
    .float8 = on_bad_d,
    .undefined = on_bad,
    .null = on_bad,
    .boolean = on_bad_b,
    .indef_break = on_bad,
};

struct cbor_decoder_result codec_token_next(const uint8_t *buf, size_t len,
					    struct cbor_token *t)
{
	t->type = T_BAD;
	return cbor_stream_decode(buf, len, &callbacks, t);
}
