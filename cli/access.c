/* access.c: roles, and the CLI's local rule: which role a unix user
 * holds in this database. Grants live in the database's local table
 * "access" (never synced): "user:NAME" or "group:NAME" -> role name, and
 * "default" -> "bank" or "none". */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"

static const char *const names[ROLE_COUNT] = {
    [ROLE_NONE] = "none",
    [ROLE_TELLER] = "teller",
    [ROLE_BANK_SYSTEM] = "bank-system",
    [ROLE_POLICE] = "police",
    [ROLE_ANALYST] = "analyst",
    [ROLE_ADMIN] = "admin",
};

const char *role_name(int role)
{
	return role > 0 && role < ROLE_COUNT ? names[role] : "none";
}

int role_parse(const char *s)
{
	for (int i = 1; i < ROLE_COUNT; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int role_audience(int role, int asked)
{
	if (role == ROLE_TELLER || role == ROLE_BANK_SYSTEM ||
	    role == ROLE_NONE)
		return SDX_AUD_BANK;
	return asked;
}

int role_can_write(int role)
{
	return role == ROLE_ANALYST || role == ROLE_ADMIN;
}

int role_can_admin(int role)
{
	return role == ROLE_ADMIN;
}

static int granted(sdx_db *db, const char *key)
{
	char v[32];
	size_t n = 0;
	if (sdx_local_get(db, "access", key, v, sizeof v - 1, &n) != 0)
		return -1;
	v[n] = '\0';
	return role_parse(v);
}

static void where_from(char *buf, size_t size)
{
	const char *ssh = getenv("SSH_CONNECTION");
	const char *tty = ttyname(STDIN_FILENO);
	if (ssh && ssh[0]) {
		size_t n = strcspn(ssh, " ");
		snprintf(buf, size, "ssh %.*s", (int)(n < 45 ? n : 45), ssh);
	} else if (tty) {
		snprintf(buf, size, "tty %s", tty);
	} else {
		snprintf(buf, size, "local");
	}
}

int access_local(const struct cli_cmd *cmd, sdx_db *db, struct who *w)
{
	uid_t uid = geteuid();
	struct passwd *pw = getpwuid(uid);
	memset(w, 0, sizeof *w);
	w->via = "cli";
	if (pw)
		snprintf(w->name, sizeof w->name, "%s", pw->pw_name);
	else
		snprintf(w->name, sizeof w->name, "uid %u", (unsigned)uid);
	where_from(w->from, sizeof w->from);
	char path[4096];
	struct stat st;
	if (uid == 0 || cli_db_path(path, sizeof path) != 0 ||
	    stat(path, &st) != 0 || st.st_uid == uid) {
		w->role = ROLE_ADMIN;
		return 0;
	}
	char key[SDX_LOCAL_KEY_MAX + 1];
	int best = -1;
	if (pw) {
		snprintf(key, sizeof key, "user:%s", pw->pw_name);
		best = granted(db, key);
		gid_t groups[64];
		int ng = 64;
		if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &ng) < 0)
			ng = 0;
		for (int i = 0; i < ng; i++) {
			struct group *g = getgrgid(groups[i]);
			if (!g)
				continue;
			snprintf(key, sizeof key, "group:%s", g->gr_name);
			int r = granted(db, key);
			if (r > best)
				best = r;
		}
	}
	if (best > 0) {
		w->role = best;
		return 0;
	}
	char v[16];
	size_t n = 0;
	if (sdx_local_get(db, "access", "default", v, sizeof v - 1, &n) == 0) {
		v[n] = '\0';
		if (!strcmp(v, "none")) {
			fprintf(stderr,
				"scamdex %s: user %s holds no role in this "
				"database (scamdex access grant)\n",
				cmd->name, w->name);
			return -1;
		}
	}
	w->role = ROLE_TELLER; /* the bank view */
	return 0;
}

int access_open(const struct cli_cmd *cmd, int mode, const char *admins_only,
		sdx_db **db, struct who *w)
{
	int rc = cli_db_open(cmd, mode, db);
	if (rc)
		return rc;
	if (access_local(cmd, *db, w) != 0)
		rc = EXIT_USAGE;
	else if (admins_only && !role_can_admin(w->role)) {
		fprintf(stderr, "scamdex %s: only admins %s\n", cmd->name,
			admins_only);
		rc = EXIT_USAGE;
	}
	if (rc) {
		sdx_db_close(*db);
		*db = NULL;
	}
	return rc;
}
