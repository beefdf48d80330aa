/* cmd_trust.c: scamdex-sync trust add OFFICE PUBKEY | remove OFFICE |
 * list. Trusted offices' bundles and operations are accepted. */
#include <string.h>

#include "sync_tool.h"

static int list_one(const sdx_origin_info *o, void *ctx)
{
	char hex[65];
	(void)ctx;
	if (!o->trusted)
		return 0;
	sdx_pubkey_to_hex(o->pubkey, hex);
	printf("%s %s\n", o->origin, hex);
	return 0;
}

int cmd_trust(int argc, char **argv)
{
	uint8_t pk[32];
	sdx_db *db;
	int rc;
	const char *verb = argc > 1 ? argv[1] : "";

	if (!strcmp(verb, "--help")) {
		printf("usage: " PROG " trust add OFFICE PUBKEY\n"
		       "       " PROG " trust remove OFFICE\n"
		       "       " PROG " trust list\n");
		return EXIT_OK;
	}
	if (!strcmp(verb, "add")) {
		if (argc != 4)
			return tool_usage("trust", "%s",
					  "add takes OFFICE "
					  "PUBKEY");
		if (sdx_pubkey_from_hex(argv[3], strlen(argv[3]), pk) != 0)
			return tool_usage("trust",
					  "'%s' is not a public key (64 hex "
					  "digits)",
					  argv[3]);
	} else if (!strcmp(verb, "remove")) {
		if (argc != 3)
			return tool_usage("trust", "%s", "remove takes OFFICE");
	} else if (!strcmp(verb, "list")) {
		if (argc != 2)
			return tool_usage("trust", "%s", "list takes nothing");
	} else {
		return tool_usage("trust",
				  "unknown verb '%s' (add, remove, "
				  "list)",
				  verb);
	}
	if (!(db = tool_open(verb[0] == 'l' ? SDX_OPEN_RDONLY : 0)))
		return EXIT_SYSTEM;
	if (verb[0] == 'a')
		rc = sdx_trust_add(db, argv[2], pk);
	else if (verb[0] == 'r')
		rc = sdx_trust_remove(db, argv[2]);
	else
		rc = sdx_origins(db, list_one, NULL);
	sdx_db_close(db);
	if (rc == SDX_EINVAL)
		return tool_usage("trust", "bad office id '%s'", argv[2]);
	if (rc == SDX_ENOTFOUND) {
		fprintf(stderr,
			PROG " trust remove: %s is not in the trust "
			     "list\n",
			argv[2]);
		return EXIT_REJECTED;
	}
	if (rc) {
		fprintf(stderr, PROG " trust %s: %s\n", verb, sdx_strerror(rc));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}
