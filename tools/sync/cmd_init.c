/* cmd_init.c: scamdex-sync init --office ID --role police|bank [--key
 * FILE]: this office's key pair, its id and role in the database, and
 * trust in itself. Prints
 * "OFFICE PUBKEY", the line `trust add` takes at the other offices. */
#include <string.h>
#include <unistd.h>

#include "sync_tool.h"

static int print_key(const sdx_key *k)
{
	char hex[65];
	sdx_pubkey_to_hex(k->pubkey, hex);
	printf("%s %s\n", k->office, hex);
	return EXIT_OK;
}

int cmd_init(int argc, char **argv)
{
	const char *office = NULL, *keyopt = NULL, *roleopt = NULL;
	char keypath[4096];
	sdx_key k;
	sdx_db *db = NULL;
	int rc, r, fresh = 1, status = EXIT_SYSTEM, role = SDX_OFFICE_NOROLE,
		   had;

	const struct tool_optv opts[] = {{"--office", &office},
					 {"--role", &roleopt},
					 {"--key", &keyopt},
					 {NULL, NULL}};
	if ((r = tool_args("init", argc, argv, 1, opts,
			   "usage: " PROG " init --office ID --role "
			   "police|bank [--key FILE]\n",
			   NULL, 0)) < 0)
		return r == TOOL_HELP ? EXIT_OK : EXIT_USAGE;
	if (!office)
		return tool_usage("init", "%s is required", "--office ID");
	if (roleopt && sdx_office_role_parse(roleopt, &role) != 0)
		return tool_usage("init", "unknown role '%s' (police, bank)",
				  roleopt);
	if (sdx_keygen(office, &k) != 0)
		return tool_usage(
		    "init", "bad office id '%s' (1-32 of A-Z a-z 0-9 . _ -)",
		    office);
	if (tool_key_path(keyopt, keypath, sizeof keypath) != 0)
		goto out;
	if (access(keypath, F_OK) == 0) {
		/* Again on the same office: keep the key, say it again. A key
		 * of another office: refuse before touching the database. */
		sdx_key_wipe(&k);
		if ((rc = sdx_key_load(keypath, &k)) == SDX_EKEYMODE) {
			tool_private("init", "the office key", keypath, -1);
			goto out;
		}
		if (rc || strcmp(k.office, office) != 0) {
			fprintf(stderr,
				PROG " init: %s exists and is not a key of "
				     "office %s\n",
				keypath, office);
			goto out;
		}
		fresh = 0;
	}
	if (!(db = tool_open(SDX_OPEN_CREATE)))
		goto out;
	/* The role: required the first time, never changed. */
	if ((rc = sdx_db_role(db, &had))) {
		fprintf(stderr, PROG " init: %s: %s\n", tool.db_path,
			sdx_strerror(rc));
		goto out;
	}
	if (had == SDX_OFFICE_NOROLE && role == SDX_OFFICE_NOROLE) {
		status = tool_usage("init", "%s",
				    "--role police|bank is required (a police "
				    "office, or a bank's copy)");
		goto out;
	}
	if (had != SDX_OFFICE_NOROLE && role != SDX_OFFICE_NOROLE &&
	    had != role) {
		fprintf(stderr,
			PROG " init: %s: this database's role is %s; it "
			     "cannot become %s\n",
			tool.db_path, sdx_office_role_name(had),
			sdx_office_role_name(role));
		status = EXIT_USAGE;
		goto out;
	}
	if (role == SDX_OFFICE_NOROLE)
		role = had;
	if ((rc = sdx_db_set_office(db, office))) {
		fprintf(stderr,
			PROG " init: %s: cannot set the office id to "
			     "%s: %s\n",
			tool.db_path, office, sdx_strerror(rc));
		goto out;
	}
	if (fresh && (rc = sdx_key_save(&k, keypath))) {
		fprintf(stderr, PROG " init: %s: %s\n", keypath,
			sdx_strerror(rc));
		goto out;
	}
	if ((rc = sdx_db_set_role(db, role))) {
		fprintf(stderr, PROG " init: %s: cannot set the role: %s\n",
			tool.db_path, sdx_strerror(rc));
		goto out;
	}
	/* the key of the digests of this office's police-only operations
	 * (a bank writes none; its store would make one if it did) */
	if (role == SDX_OFFICE_POLICE &&
	    (rc = sdx_digest_secret_ensure(db, NULL))) {
		fprintf(stderr, PROG " init: making the digest secret: %s\n",
			sdx_strerror(rc));
		goto out;
	}
	if ((rc = sdx_trust_set(db, office, k.pubkey, role))) {
		fprintf(stderr, PROG " init: trusting %s: %s\n", office,
			sdx_strerror(rc));
		goto out;
	}
	status = print_key(&k);
out:
	sdx_key_wipe(&k);
	sdx_db_close(db);
	return status;
}
