/* drop_sig.h (private): the cryptography of bundle drops (scamdex-sync
 * push and pull): the Ed25519 signature of a drop's index and the
 * BLAKE2b-256 content address of a bundle. Format: scamdex-sync(1),
 * DROPS. */
#ifndef SCAMDEX_DROP_SIG_H
#define SCAMDEX_DROP_SIG_H

#include <stddef.h>
#include <stdint.h>

#include <scamdex/bundle.h>

/* Ed25519 over "scamdex-drop-index-v1" || the index text before its
 * signature line. verify: 0 or SDX_ESIGNATURE. */
int sdx_drop_index_sign(const sdx_key *key, const void *text, size_t len,
			uint8_t sig[64]);
int sdx_drop_index_verify(const uint8_t pubkey[32], const void *text,
			  size_t len, const uint8_t sig[64]);

/* BLAKE2b-256 of a file's bytes (its name in a drop), and *size. 0,
 * SDX_EIO (errno set) or SDX_ENOMEM. */
int sdx_drop_hash_file(const char *path, uint8_t out[32], uint64_t *size);
/* BLAKE2b-256 of a buffer. */
void sdx_drop_hash(const void *p, size_t n, uint8_t out[32]);

#endif
