/* cmd_access.c: scamdex access: which unix users and groups hold which
 * role in this database (the CLI's local rule, access.c). */
#include <string.h>

#include "access.h"

static const struct cli_cmd cmd = {
    "access",
    "usage: scamdex access grant USER|@GROUP ROLE\n"
    "       scamdex access revoke USER|@GROUP\n"
    "       scamdex access default bank|none\n"
    "       scamdex access list\n",
    "Roles of local users. The database's owner and root are admins; a\n"
    "user or group granted a role holds it (the highest of them); anyone\n"
    "else gets the default: bank (the bank view, as a teller; the\n"
    "default) or none (refused).\n"
    "\n"
    "  ROLE              teller, bank-system, police, analyst or admin\n"
    "  -h, --help        this help\n",
};

static int on_grant(const char *key, const void *val, size_t len, void *arg)
{
	(void)arg;
	if (!strncmp(key, "user:", 5))
		printf("%-24s %.*s\n", key + 5, (int)len, (const char *)val);
	else if (!strncmp(key, "group:", 6))
		printf("@%-23s %.*s\n", key + 6, (int)len, (const char *)val);
	else
		printf("(%s) %*s %.*s\n", key, (int)(21 - strlen(key)), "",
		       (int)len, (const char *)val);
	return 0;
}

static int subject_key(const char *s, char *key, size_t size)
{
	const char *name = s[0] == '@' ? s + 1 : s;
	if (!name[0] || strlen(name) > 200 || strchr(name, ':'))
		return -1;
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return -1;
	snprintf(key, size, "%s:%s", s[0] == '@' ? "group" : "user", name);
	return 0;
}

int cmd_access(int argc, char **argv)
{
	const char *pos[3] = {NULL, NULL, NULL};
	struct cli_pos words = {pos, 3, NULL, NULL, 0};
	int st = cli_args_parse(&cmd, NULL, &words, argc, argv);
	if (st != CLI_GO)
		return st;
	int npos = (int)words.n;
	if (!npos)
		return cli_usage_error(&cmd, "grant, revoke, default or list?");
	const char *verb = pos[0];
	int want = !strcmp(verb, "grant")     ? 3
		   : !strcmp(verb, "revoke")  ? 2
		   : !strcmp(verb, "default") ? 2
		   : !strcmp(verb, "list")    ? 1
					      : 0;
	if (!want)
		return cli_usage_error(&cmd, "unknown action '%s'", verb);
	if (npos != want)
		return cli_usage_error(&cmd, "%s takes %d argument%s", verb,
				       want - 1, want == 2 ? "" : "s");
	char key[256];
	int role = 0;
	if ((want == 3 || !strcmp(verb, "revoke")) &&
	    subject_key(pos[1], key, sizeof key))
		return cli_usage_error(&cmd, "bad user or group '%s'", pos[1]);
	if (want == 3 && (role = role_parse(pos[2])) < 0)
		return cli_usage_error(
		    &cmd,
		    "unknown role '%s' (teller, bank-system, "
		    "police, analyst or admin)",
		    pos[2]);
	if (!strcmp(verb, "default") && strcmp(pos[1], "bank") &&
	    strcmp(pos[1], "none"))
		return cli_usage_error(
		    &cmd, "default is bank or none, not '%s'", pos[1]);
	sdx_db *db;
	struct who who;
	int rc = access_open(&cmd, want == 1 ? CLI_DB_LOOKUP : CLI_DB_WRITE,
			     "grant roles", &db, &who);
	if (rc)
		return rc;
	const char *what = pos[1] ? pos[1] : "access";
	if (want == 3) {
		const char *r = role_name(role);
		rc = sdx_local_put(db, "access", key, r, strlen(r));
		if (!rc)
			printf("%s holds role %s\n", pos[1], r);
	} else if (!strcmp(verb, "revoke")) {
		rc = sdx_local_del(db, "access", key);
		if (rc == SDX_ENOTFOUND) {
			printf("%s held no role; nothing changed\n", pos[1]);
			rc = 0;
		} else if (!rc) {
			printf("%s holds no role now\n", pos[1]);
		}
	} else if (want == 2) {
		rc = sdx_local_put(db, "access", "default", pos[1],
				   strlen(pos[1]));
		if (!rc)
			printf("users without a role: %s\n", pos[1]);
	} else {
		rc = sdx_local_scan(db, "access", on_grant, NULL);
	}
	sdx_db_close(db);
	return rc ? cli_db_error(&cmd, what, rc) : EXIT_CLEAN;
}
