/* hash.h: XXH3 hashes (the only xxHash user). Internal.
 * 128-bit results are big-endian (XXH128 canonical form). */
#ifndef SCAMDEX_HASH_H
#define SCAMDEX_HASH_H

#include <stddef.h>
#include <stdint.h>

/* XXH3-128: report ids and checksums. */
void sdx_hash128(const void *data, size_t len, uint8_t out[16]);
/* XXH3-128 with a seed: keyed hashes (operation fingerprints). */
void sdx_hash128_seeded(const void *data, size_t len, uint64_t seed,
			uint8_t out[16]);
/* XXH3-64: the check filter. */
uint64_t sdx_hash64(const void *data, size_t len);

#endif
