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

/* Streaming XXH3-128: the bundle checksum over a file that never sits in
 * memory whole. sdx_sum_new allocates (SDX_ENOMEM); free with
 * sdx_sum_free (NULL is a no-op). The digest is canonical (big-endian). */
typedef struct sdx_sum sdx_sum;
int sdx_sum_new(sdx_sum **out);
void sdx_sum_update(sdx_sum *s, const void *p, size_t n);
void sdx_sum_digest(sdx_sum *s, uint8_t out[16]);
void sdx_sum_free(sdx_sum *s);

#endif
