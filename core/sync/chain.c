/* chain.c: the per-origin hash chain over operations (see sync.h). The
 * only users of BLAKE2b; libsodium's generichash is BLAKE2b. */
/* Project rule (DESIGN.md, the team brief): crypto comes from libsodium,
 * never written here. A hand-rolled BLAKE2b was taken out again. */
#include <string.h>

#include <sodium.h>

#include <scamdex/sync.h>

void sdx_digest(const uint8_t *body, size_t len, uint8_t out[32])
{
	crypto_generichash(out, 32, body, len, NULL, 0);
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
	crypto_generichash(out, 32, buf, sizeof buf, NULL, 0);
}

void sdx_digest_keyed(const uint8_t *body, size_t len, const uint8_t secret[32],
		      uint8_t out[32])
{
	crypto_generichash(out, 32, body, len, secret, 32);
}

int sdx_digest_secret_make(uint8_t out[32])
{
	if (!out || sodium_init() < 0)
		return SDX_ENOMEM;
	randombytes_buf(out, 32);
	return 0;
}
