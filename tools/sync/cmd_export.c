/* cmd_export.c: scamdex-sync export --to PEER [--audience bank|police]
 * [--full] [--key FILE] -o FILE: the bundle PEER lacks. Its audience
 * comes from PEER's role (and this database's); --audience only
 * narrows it. */
#include <string.h>

#include "sync_tool.h"

int cmd_export(int argc, char **argv)
{
	const char *peer = NULL, *aud = NULL, *out = NULL, *keyopt = NULL;
	char keypath[4096];
	unsigned flags = 0;
	int audience = SDX_AUD_POLICE, rc, r, status = EXIT_SYSTEM;
	sdx_export_result res;
	sdx_key k;
	sdx_db *db;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: " PROG " export --to PEER [--audience "
			       "bank|police] [--full] [--key FILE] -o FILE\n");
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--full")) {
			flags |= SDX_EXPORT_FULL;
			continue;
		}
		if ((r = tool_opt("export", argc, argv, &i, "--to", &peer)) ||
		    (r = tool_opt("export", argc, argv, &i, "--audience",
				  &aud)) ||
		    (r = tool_opt("export", argc, argv, &i, "-o", &out)) ||
		    (r = tool_opt("export", argc, argv, &i, "--output",
				  &out)) ||
		    (r = tool_opt("export", argc, argv, &i, "--key",
				  &keyopt))) {
			if (r < 0)
				return EXIT_USAGE;
			continue;
		}
		return tool_usage("export", "unexpected argument '%s'",
				  argv[i]);
	}
	if (!peer)
		return tool_usage("export", "%s is required", "--to PEER");
	if (!out)
		return tool_usage("export", "%s is required", "-o FILE");
	if (aud && sdx_audience_parse(aud, strlen(aud), &audience) != 0)
		return tool_usage("export",
				  "unknown audience '%s' (bank, "
				  "police)",
				  aud);
	if (!(db = tool_open(SDX_OPEN_RDONLY)))
		return EXIT_SYSTEM;
	memset(&k, 0, sizeof k);
	if (tool_key_path(keyopt, keypath, sizeof keypath) != 0)
		goto done;
	if ((rc = tool_key_load("export", keypath, &k)))
		goto done;
	rc = sdx_bundle_export(db, &k, peer, audience, flags, out, &res);
	if (rc == SDX_EKEY) {
		fprintf(stderr,
			PROG " export: %s is the key of office %s, "
			     "not of this database's office\n",
			keypath, k.office);
		goto done;
	}
	if (rc == SDX_EUNTRUSTED) {
		fprintf(stderr,
			PROG " export: %s is not in the trust list (run '" PROG
			     " trust add %s PUBKEY --role police|bank')\n",
			peer, peer);
		status = EXIT_REJECTED;
		goto done;
	}
	if (rc == SDX_EROLE) {
		int own = SDX_OFFICE_NOROLE;
		sdx_db_role(db, &own);
		if (own == SDX_OFFICE_NOROLE)
			fprintf(stderr,
				PROG " export: this database has no role (run "
				     "'" PROG " init --office %s --role "
				     "police|bank')\n",
				k.office);
		else
			fprintf(stderr,
				PROG " export: %s has no role (trusted before "
				     "roles: run '" PROG " trust add %s PUBKEY "
				     "--role police|bank')\n",
				peer, peer);
		status = EXIT_REJECTED;
		goto done;
	}
	if (rc == SDX_EINVAL) {
		status = tool_usage("export", "bad peer '%s'", peer);
		goto done;
	}
	if (rc) {
		fprintf(stderr, PROG " export: %s: %s\n", out,
			sdx_strerror(rc));
		goto done;
	}
	fprintf(stderr,
		PROG ": %s: %llu operations (%llu redacted) of %llu origins "
		     "for %s, audience %s, %llu bytes",
		out, (unsigned long long)res.ops,
		(unsigned long long)res.redacted,
		(unsigned long long)res.origins, peer,
		sdx_audience_name(res.audience), (unsigned long long)res.bytes);
	if (aud && res.audience < audience)
		fprintf(stderr, " (narrowed from %s by the roles)",
			sdx_audience_name(audience));
	if (res.held_back)
		fprintf(stderr, "; %llu held back (no origin signature yet)",
			(unsigned long long)res.held_back);
	fputc('\n', stderr);
	status = EXIT_OK;
done:
	sdx_key_wipe(&k);
	sdx_db_close(db);
	return status;
}
