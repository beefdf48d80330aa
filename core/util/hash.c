/* hash.c: XXH3-64/128 behind one small interface (see hash.h). */
#include "hash.h"

#include <stdlib.h>

#include <xxhash.h>

#include <scamdex/error.h>

void sdx_hash128(const void *data, size_t len, uint8_t out[16])
{
	XXH128_hash_t h = XXH3_128bits(data, len);
	XXH128_canonicalFromHash((XXH128_canonical_t *)(void *)out, h);
}

void sdx_hash128_seeded(const void *data, size_t len, uint64_t seed,
			uint8_t out[16])
{
	XXH128_hash_t h = XXH3_128bits_withSeed(data, len, seed);
	XXH128_canonicalFromHash((XXH128_canonical_t *)(void *)out, h);
}

uint64_t sdx_hash64(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}

/* ---- streaming XXH3-128 (bundle checksums) ---- */

struct sdx_sum {
	XXH3_state_t *st;
};

int sdx_sum_new(sdx_sum **out)
{
	sdx_sum *s = malloc(sizeof *s);
	*out = NULL;
	if (!s)
		return SDX_ENOMEM;
	if (!(s->st = XXH3_createState())) {
		free(s);
		return SDX_ENOMEM;
	}
	XXH3_128bits_reset(s->st);
	*out = s;
	return 0;
}

void sdx_sum_update(sdx_sum *s, const void *p, size_t n)
{
	XXH3_128bits_update(s->st, p, n);
}

void sdx_sum_digest(sdx_sum *s, uint8_t out[16])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s->st));
	for (int i = 0; i < 16; i++)
		out[i] = c.digest[i];
}

void sdx_sum_free(sdx_sum *s)
{
	if (s) {
		XXH3_freeState(s->st);
		free(s);
	}
}
