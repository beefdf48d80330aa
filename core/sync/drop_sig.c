/* drop_sig.c: the signature of a drop index and the content address of a
 * bundle in a drop (libsodium, like keys.c and chain.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "drop_sig.h"

static const char tag[] = "scamdex-drop-index-v1";

int sdx_drop_index_sign(const sdx_key *key, const void *text, size_t len,
			uint8_t sig[64])
{
	crypto_sign_state st;
	if (!key || !text || sodium_init() < 0)
		return SDX_EINVAL;
	crypto_sign_init(&st);
	crypto_sign_update(&st, (const uint8_t *)tag, sizeof tag - 1);
	crypto_sign_update(&st, text, len);
	return crypto_sign_final_create(&st, sig, NULL, key->secret) == 0
		   ? 0
		   : SDX_EKEY;
}

int sdx_drop_index_verify(const uint8_t pubkey[32], const void *text,
			  size_t len, const uint8_t sig[64])
{
	crypto_sign_state st;
	if (!pubkey || !text || sodium_init() < 0)
		return SDX_EINVAL;
	crypto_sign_init(&st);
	crypto_sign_update(&st, (const uint8_t *)tag, sizeof tag - 1);
	crypto_sign_update(&st, text, len);
	return crypto_sign_final_verify(&st, sig, pubkey) == 0 ? 0
							       : SDX_ESIGNATURE;
}

int sdx_drop_hash_file(const char *path, uint8_t out[32], uint64_t *size)
{
	crypto_generichash_state st;
	static __thread uint8_t buf[1 << 16];
	uint64_t total = 0;
	size_t n;
	FILE *f;
	int err;
	if (sodium_init() < 0)
		return SDX_ENOMEM;
	if (!(f = fopen(path, "rb")))
		return SDX_EIO;
	crypto_generichash_init(&st, NULL, 0, 32);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		crypto_generichash_update(&st, buf, n);
		total += n;
	}
	err = ferror(f);
	fclose(f);
	if (err) {
		errno = EIO;
		return SDX_EIO;
	}
	crypto_generichash_final(&st, out, 32);
	if (size)
		*size = total;
	return 0;
}

void sdx_drop_hash(const void *p, size_t n, uint8_t out[32])
{
	crypto_generichash(out, 32, p, n, NULL, 0);
}
