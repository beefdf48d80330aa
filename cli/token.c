/* token.c: bearer tokens for the service. A token is "sdx_" and 64 hex
 * digits of randomness, shown once; the database keeps only its keyed
 * BLAKE2b hash (libsodium's crypto_generichash, with a key made once per
 * database and kept in the local table "tokenkey"). Tables (local, never
 * synced):
 *   token      NAME -> "ROLE CREATED REVOKED HASH" (times in seconds)
 *   tokenhash  HASH -> NAME (removed when the token is revoked) */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "token.h"

int token_key(sdx_db *db, uint8_t key[TOKEN_KEY_LEN], int create)
{
	size_t n = 0;
	int rc = sdx_local_get(db, "tokenkey", "key", key, TOKEN_KEY_LEN, &n);
	if (rc == 0 && n == TOKEN_KEY_LEN)
		return 0;
	if (rc == 0)
		return SDX_ECORRUPT;
	if (rc != SDX_ENOTFOUND || !create)
		return rc;
	if (sodium_init() < 0)
		return SDX_EINVAL;
	randombytes_buf(key, TOKEN_KEY_LEN);
	return sdx_local_put(db, "tokenkey", "key", key, TOKEN_KEY_LEN);
}

void token_hash(const uint8_t key[TOKEN_KEY_LEN], const char *token, size_t len,
		char hex[TOKEN_HASH_HEX])
{
	uint8_t h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, len, key,
			   TOKEN_KEY_LEN);
	sodium_bin2hex(hex, TOKEN_HASH_HEX, h, sizeof h);
}

void token_make(char out[TOKEN_LEN + 1])
{
	uint8_t r[32];
	if (sodium_init() < 0)
		abort();
	randombytes_buf(r, sizeof r);
	memcpy(out, "sdx_", 4);
	sodium_bin2hex(out + 4, TOKEN_LEN + 1 - 4, r, sizeof r);
}

int token_parse(const void *val, size_t len, struct token_info *t)
{
	char buf[256], role[32];
	if (len >= sizeof buf)
		return SDX_ECORRUPT;
	memcpy(buf, val, len);
	buf[len] = '\0';
	long long created, revoked;
	if (sscanf(buf, "%31s %lld %lld %64s", role, &created, &revoked,
		   t->hash) != 4)
		return SDX_ECORRUPT;
	t->role = role_parse(role);
	t->created = created;
	t->revoked = revoked;
	return t->role > 0 ? 0 : SDX_ECORRUPT;
}

int token_put(sdx_db *db, const char *name, const struct token_info *t)
{
	char v[256];
	int n = snprintf(v, sizeof v, "%s %lld %lld %s", role_name(t->role),
			 (long long)t->created, (long long)t->revoked, t->hash);
	return sdx_local_put(db, "token", name, v, (size_t)n);
}

int token_get(sdx_db *db, const char *name, struct token_info *t)
{
	char v[256];
	size_t n = 0;
	int rc = sdx_local_get(db, "token", name, v, sizeof v, &n);
	return rc ? rc : token_parse(v, n, t);
}

int token_lookup(sdx_db *db, const uint8_t key[TOKEN_KEY_LEN],
		 const char *token, size_t len, char name[TOKEN_NAME_MAX + 1],
		 int *role)
{
	char hex[TOKEN_HASH_HEX];
	size_t n = 0;
	if (len != TOKEN_LEN || memcmp(token, "sdx_", 4))
		return SDX_ENOTFOUND;
	token_hash(key, token, len, hex);
	int rc = sdx_local_get(db, "tokenhash", hex, name, TOKEN_NAME_MAX, &n);
	if (rc)
		return rc;
	name[n] = '\0';
	struct token_info t;
	if ((rc = token_get(db, name, &t)))
		return rc;
	if (t.revoked || strcmp(t.hash, hex))
		return SDX_ENOTFOUND;
	*role = t.role;
	return 0;
}

long long token_now(void)
{
	return (long long)time(NULL);
}
