/* hash.c: XXH3-64/128 behind one small interface (see hash.h). */
#include "hash.h"

#include <xxhash.h>

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
