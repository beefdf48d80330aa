/* token.h: the service's bearer tokens, stored hashed (token.c). */
#ifndef SCAMDEX_CLI_TOKEN_H
#define SCAMDEX_CLI_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "access.h"

#define TOKEN_LEN 68 /* "sdx_" + 64 hex digits */
#define TOKEN_KEY_LEN 32
#define TOKEN_HASH_HEX 65 /* 64 hex digits + NUL */
#define TOKEN_NAME_MAX 64

struct token_info {
	int role;
	long long created, revoked; /* seconds; revoked 0 = active */
	char hash[TOKEN_HASH_HEX];
};

/* The database's token key; create: make it when there is none. */
int token_key(sdx_db *db, uint8_t key[TOKEN_KEY_LEN], int create);
void token_hash(const uint8_t key[TOKEN_KEY_LEN], const char *token, size_t len,
		char hex[TOKEN_HASH_HEX]);
/* A new random token. */
void token_make(char out[TOKEN_LEN + 1]);
int token_parse(const void *val, size_t len, struct token_info *t);
int token_put(sdx_db *db, const char *name, const struct token_info *t);
/* SDX_ENOTFOUND when there is no token of that name. */
int token_get(sdx_db *db, const char *name, struct token_info *t);
/* The name and role of an active token; SDX_ENOTFOUND for an unknown,
 * malformed or revoked one. */
int token_lookup(sdx_db *db, const uint8_t key[TOKEN_KEY_LEN],
		 const char *token, size_t len, char name[TOKEN_NAME_MAX + 1],
		 int *role);
long long token_now(void);

#endif
