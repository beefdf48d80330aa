/* cmd_rekey.c: scamdex-sync rekey [--void-after SEQ] [--key FILE]: this
 * office's key was stolen (or is to be rotated). A new key pair replaces
 * the key file; the database's own trust record takes the new public key
 * and keeps the old one valid for segments up to SEQ (default: the
 * office's last operation); the office's own sequence goes on. Prints
 * "OFFICE PUBKEY" and the exact command every peer runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync_tool.h"

static int parse_seq(const char *s, uint64_t *out)
{
	char *end;
	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int tool_parse_seq(const char *s, uint64_t *out)
{
	return parse_seq(s, out);
}

int cmd_rekey(int argc, char **argv)
{
	const char *keyopt = NULL, *voidopt = NULL;
	char keypath[4096], newpath[4200], office[SDX_OFFICE_MAX + 1], hex[65];
	sdx_key old, k;
	sdx_origin_info me;
	sdx_db *db = NULL;
	uint64_t after = 0;
	int rc, r, status = EXIT_SYSTEM;

	memset(&k, 0, sizeof k);
	memset(&old, 0, sizeof old);
	const struct tool_optv opts[] = {
	    {"--void-after", &voidopt}, {"--key", &keyopt}, {NULL, NULL}};
	if ((r = tool_args("rekey", argc, argv, 1, opts,
			   "usage: " PROG " rekey [--void-after SEQ] "
			   "[--key FILE]\n",
			   NULL, 0)) < 0)
		return r == TOOL_HELP ? EXIT_OK : EXIT_USAGE;
	if (voidopt && parse_seq(voidopt, &after) != 0)
		return tool_usage("rekey",
				  "--void-after takes a sequence "
				  "number, not '%s'",
				  voidopt);
	if (!(db = tool_open(0)))
		return EXIT_SYSTEM;
	if ((rc = sdx_db_office(db, office, sizeof office)) ||
	    (rc = sdx_origin_get(db, office, &me)) || !me.trusted) {
		fprintf(stderr,
			PROG " rekey: %s: no office key here (run '" PROG
			     " init' first)\n",
			tool.db_path);
		goto out;
	}
	if (!voidopt)
		after = me.seq;
	if (after > me.seq) {
		status = tool_usage("rekey",
				    "--void-after %llu: this office's last "
				    "operation is %llu",
				    (unsigned long long)after,
				    (unsigned long long)me.seq);
		goto out;
	}
	if (tool_key_path(keyopt, keypath, sizeof keypath) != 0)
		goto out;
	/* the key file, if still here, must be this office's (a lost one
	 * is replaced all the same) */
	if (access(keypath, F_OK) == 0 && ((rc = sdx_key_load(keypath, &old)) ||
					   strcmp(old.office, office) != 0)) {
		fprintf(stderr, PROG " rekey: %s is not a key of office %s\n",
			keypath, office);
		goto out;
	}
	snprintf(newpath, sizeof newpath, "%s.new", keypath);
	unlink(newpath);
	if ((rc = sdx_keygen(office, &k)) || (rc = sdx_key_save(&k, newpath))) {
		fprintf(stderr, PROG " rekey: %s: %s\n", newpath,
			sdx_strerror(rc));
		goto out;
	}
	if ((rc = sdx_rekey(db, k.pubkey, after))) {
		unlink(newpath);
		fprintf(stderr, PROG " rekey: %s: %s\n", tool.db_path,
			sdx_strerror(rc));
		status = tool_status(rc);
		goto out;
	}
	if (rename(newpath, keypath) != 0) {
		fprintf(stderr,
			PROG " rekey: the new key is in %s but could not "
			     "replace %s: %s (move it there by hand)\n",
			newpath, keypath, strerror(errno));
		goto out;
	}
	sdx_pubkey_to_hex(k.pubkey, hex);
	printf("%s %s\n", office, hex);
	printf("every peer runs: " PROG
	       " trust replace %s %s --void-after %llu\n",
	       office, hex, (unsigned long long)after);
	status = EXIT_OK;
out:
	sdx_key_wipe(&k);
	sdx_key_wipe(&old);
	sdx_db_close(db);
	return status;
}
