/* cmd_token.c: scamdex token add|list|revoke: the service's bearer
 * tokens. Only admins (locally: the database's owner) manage them. */
#include <string.h>

#include "access.h"
#include "token.h"

static const struct cli_cmd cmd = {
    "token",
    "usage: scamdex token add NAME --role ROLE\n"
    "       scamdex token list\n"
    "       scamdex token revoke NAME\n",
    "Bearer tokens for 'scamdex serve'. add prints the new token once;\n"
    "the database keeps only its keyed hash. revoke stops it at once.\n"
    "\n"
    "  --role ROLE       teller, bank-system (the bank view only),\n"
    "                    police, analyst (everything; analysts also\n"
    "                    write) or admin (everything, writes)\n"
    "  -h, --help        this help\n"
    "\n"
    "NAME: letters, digits, '.', '_', '-', '@' (at most 64).\n",
};

static int good_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > TOKEN_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-@", *s)))
			return 0;
	return 1;
}

static int on_token(const char *key, const void *val, size_t len, void *arg)
{
	struct token_info t;
	char date[32];
	(void)arg;
	if (token_parse(val, len, &t) != 0)
		return 0;
	printf("%-24s %-12s created %s", key, role_name(t.role),
	       cli_time(t.created, date));
	if (t.revoked)
		printf("  revoked %s", cli_time(t.revoked, date));
	putchar('\n');
	return 0;
}

static int add(sdx_db *db, const char *name, int role)
{
	struct token_info t;
	char token[TOKEN_LEN + 1];
	uint8_t key[TOKEN_KEY_LEN];
	int rc = token_get(db, name, &t);
	if (rc == 0) {
		fprintf(stderr, "scamdex token: a token named %s exists%s\n",
			name,
			t.revoked ? " (revoked); choose another name" : "");
		return EXIT_USAGE;
	}
	if (rc != SDX_ENOTFOUND || (rc = token_key(db, key, 1)))
		return cli_db_error(&cmd, name, rc);
	token_make(token);
	memset(&t, 0, sizeof t);
	t.role = role;
	t.created = token_now();
	token_hash(key, token, TOKEN_LEN, t.hash);
	if ((rc = sdx_local_put(db, "tokenhash", t.hash, name, strlen(name))) ||
	    (rc = token_put(db, name, &t)))
		return cli_db_error(&cmd, name, rc);
	printf("%s\n", token);
	fprintf(stderr,
		"scamdex token: token %s (%s) added; it is shown only this "
		"once\n",
		name, role_name(role));
	return EXIT_CLEAN;
}

static int revoke(sdx_db *db, const char *name)
{
	struct token_info t;
	int rc = token_get(db, name, &t);
	if (rc == SDX_ENOTFOUND) {
		fprintf(stderr, "scamdex token: no token named %s\n", name);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_db_error(&cmd, name, rc);
	if (t.revoked) {
		printf("token %s was already revoked; nothing changed\n", name);
		return EXIT_CLEAN;
	}
	t.revoked = token_now();
	rc = sdx_local_del(db, "tokenhash", t.hash);
	if (rc && rc != SDX_ENOTFOUND)
		return cli_db_error(&cmd, name, rc);
	if ((rc = token_put(db, name, &t)))
		return cli_db_error(&cmd, name, rc);
	printf("revoked %s\n", name);
	return EXIT_CLEAN;
}

/* --role R into the int p->o->to. */
static int role_opt(const struct cli_args *p)
{
	int *role = p->o->to;
	if ((*role = role_parse(p->val)) >= 0)
		return 0;
	cli_usage_error(&cmd,
			"unknown role '%s' (teller, bank-system, police, "
			"analyst or admin)",
			p->val);
	return -1;
}

int cmd_token(int argc, char **argv)
{
	const char *pos[3] = {NULL, NULL, NULL};
	int role = -1;
	const struct cli_opt opts[] = {CLI_CALL("role", role_opt, &role, 0),
				       {0}};
	struct cli_pos words = {pos, 2, NULL, NULL, 0};
	int st = cli_args_parse(&cmd, opts, &words, argc, argv);
	if (st != CLI_GO)
		return st;
	if (!pos[0])
		return cli_usage_error(&cmd, "add, list or revoke?");
	const char *verb = pos[0], *name = pos[1];
	int is_add = !strcmp(verb, "add"), is_list = !strcmp(verb, "list"),
	    is_revoke = !strcmp(verb, "revoke");
	if (!is_add && !is_list && !is_revoke)
		return cli_usage_error(&cmd, "unknown action '%s'", verb);
	if (is_list && name)
		return cli_usage_error(&cmd, "unexpected argument '%s'", name);
	if (!is_list && !name)
		return cli_usage_error(&cmd, "no NAME given");
	if (name && !good_name(name))
		return cli_usage_error(&cmd, "bad token name '%s'", name);
	if (is_add && role < 0)
		return cli_usage_error(&cmd, "--role is required");
	if (!is_add && role >= 0)
		return cli_usage_error(&cmd, "--role goes with add only");
	sdx_db *db;
	struct who who;
	int rc = access_open(&cmd, is_list ? CLI_DB_LOOKUP : CLI_DB_WRITE,
			     "manage tokens", &db, &who);
	if (rc)
		return rc;
	if (is_add)
		rc = add(db, name, role);
	else if (is_revoke)
		rc = revoke(db, name);
	else if ((rc = sdx_local_scan(db, "token", on_token, NULL)))
		rc = cli_db_error(&cmd, "tokens", rc);
	sdx_db_close(db);
	return rc;
}
