/* chain.c: the per-origin hash chain over operations (see sync.h). The
 * only users of BLAKE2b. The digest of a body and the chain step, done
 * for every operation (by the importer and again by the store), run
 * BLAKE2b-256 (RFC 7693, unkeyed, 32-byte output) here: libsodium's
 * crypto_generichash computes the same bytes but took about twice as
 * long on the short inputs these are (a ~200-byte body, a 65-byte chain
 * step): its state handling costs as much as a compression. The chain's
 * start (once per origin run) stays with libsodium; the tests hold the
 * two to each other on every length up to several blocks. */
#include <string.h>

#include <sodium.h>

#include <scamdex/sync.h>

static const uint64_t iv[8] = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
			       0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
			       0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
			       0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

static const uint8_t sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

static inline uint64_t rotr(uint64_t x, int n)
{
	return x >> n | x << (64 - n);
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void store64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, 8);
}

#define G(a, b, c, d, x, y)                                                    \
	do {                                                                   \
		a = a + b + (x);                                               \
		d = rotr(d ^ a, 32);                                           \
		c = c + d;                                                     \
		b = rotr(b ^ c, 24);                                           \
		a = a + b + (y);                                               \
		d = rotr(d ^ a, 16);                                           \
		c = c + d;                                                     \
		b = rotr(b ^ c, 63);                                           \
	} while (0)

/* One round, its message schedule a constant (the rounds are unrolled). */
#define ROUND(r)                                                               \
	do {                                                                   \
		G(v[0], v[4], v[8], v[12], m[sigma[r][0]], m[sigma[r][1]]);    \
		G(v[1], v[5], v[9], v[13], m[sigma[r][2]], m[sigma[r][3]]);    \
		G(v[2], v[6], v[10], v[14], m[sigma[r][4]], m[sigma[r][5]]);   \
		G(v[3], v[7], v[11], v[15], m[sigma[r][6]], m[sigma[r][7]]);   \
		G(v[0], v[5], v[10], v[15], m[sigma[r][8]], m[sigma[r][9]]);   \
		G(v[1], v[6], v[11], v[12], m[sigma[r][10]], m[sigma[r][11]]); \
		G(v[2], v[7], v[8], v[13], m[sigma[r][12]], m[sigma[r][13]]);  \
		G(v[3], v[4], v[9], v[14], m[sigma[r][14]], m[sigma[r][15]]);  \
	} while (0)

/* t: bytes hashed so far, this block included (< 2^64 here). */
static void compress(uint64_t h[8], const uint8_t block[128], uint64_t t,
		     int last)
{
	uint64_t m[16], v[16];
	for (int i = 0; i < 16; i++)
		m[i] = load64(block + 8 * i);
	for (int i = 0; i < 8; i++) {
		v[i] = h[i];
		v[i + 8] = iv[i];
	}
	v[12] ^= t;
	if (last)
		v[14] = ~v[14];
	ROUND(0);
	ROUND(1);
	ROUND(2);
	ROUND(3);
	ROUND(4);
	ROUND(5);
	ROUND(6);
	ROUND(7);
	ROUND(8);
	ROUND(9);
	ROUND(10);
	ROUND(11);
	for (int i = 0; i < 8; i++)
		h[i] ^= v[i] ^ v[i + 8];
}

/* BLAKE2b-256 of p[0..len). */
static void blake2b_256(const uint8_t *p, size_t len, uint8_t out[32])
{
	uint64_t h[8], t = 0;
	uint8_t last[128];
	memcpy(h, iv, sizeof h);
	h[0] ^= 0x01010000ULL ^ 32; /* depth 1, fanout 1, no key, 32 bytes */
	while (len > 128) {
		t += 128;
		compress(h, p, t, 0);
		p += 128;
		len -= 128;
	}
	memset(last, 0, sizeof last);
	if (len)
		memcpy(last, p, len);
	t += len;
	compress(h, last, t, 1);
	for (int i = 0; i < 4; i++)
		store64(out + 8 * i, h[i]);
}

void sdx_digest(const uint8_t *body, size_t len, uint8_t out[32])
{
	blake2b_256(body, len, out);
}

void sdx_chain_start(const char *origin, uint8_t out[32])
{
	static const char tag[] = "scamdex-chain-v1";
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)tag, sizeof tag - 1);
	crypto_generichash_update(&st, (const uint8_t *)origin, strlen(origin));
	crypto_generichash_final(&st, out, 32);
}

void sdx_chain_next(const uint8_t prev[32], int type, const uint8_t digest[32],
		    uint8_t out[32])
{
	uint8_t buf[65];
	memcpy(buf, prev, 32);
	buf[32] = (uint8_t)type;
	memcpy(buf + 33, digest, 32);
	blake2b_256(buf, sizeof buf, out);
}
