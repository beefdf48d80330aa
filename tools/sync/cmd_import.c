/* cmd_import.c: scamdex-sync import [--check] FILE...: verify each
 * bundle whole, then apply it in one transaction; a refused bundle
 * changes nothing and the next file is still tried. */
#include <string.h>

#include "sync_tool.h"

static int one(sdx_db *db, const char *path, int check)
{
	sdx_import_result res;
	int rc = check ? sdx_bundle_verify(db, path, &res)
		       : sdx_bundle_import(db, path, &res);
	if (rc) {
		fprintf(stderr, PROG ": %s: refused: %s (at byte %llu; %s)\n",
			path, res.reason, (unsigned long long)res.offset,
			sdx_status_name(rc));
		return tool_status(rc);
	}
	if (check) {
		printf("%s: ok: from %s, audience %s, %llu operations of "
		       "%llu origins\n",
		       path, res.sender, sdx_audience_name(res.audience),
		       (unsigned long long)res.ops,
		       (unsigned long long)res.origins);
		return EXIT_OK;
	}
	printf("%s: from %s: %llu operations: %llu applied (%llu redacted), "
	       "%llu already held, %llu skipped",
	       path, res.sender, (unsigned long long)res.ops,
	       (unsigned long long)res.applied,
	       (unsigned long long)res.redacted,
	       (unsigned long long)res.duplicates, (unsigned long long)res.gap);
	if (res.reason[0])
		printf("; %s", res.reason);
	putchar('\n');
	return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
	int check = 0, status = EXIT_OK, first = 0, s;
	sdx_db *db;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: " PROG " import [--check] FILE...\n");
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--check")) {
			check = 1;
		} else if (!strcmp(argv[i], "--")) {
			first = first ? first : i + 1;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return tool_usage("import", "unknown option '%s'",
					  argv[i]);
		} else if (!first) {
			first = i;
		}
	}
	if (!first || first >= argc)
		return tool_usage("import", "%s", "no bundle named");
	if (!(db = tool_open(check ? SDX_OPEN_RDONLY : 0)))
		return EXIT_SYSTEM;
	for (int i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--check") || !strcmp(argv[i], "--"))
			continue;
		s = one(db, argv[i], check);
		/* the worst status wins: system > refused > ok */
		if (s > status)
			status = s;
	}
	sdx_db_close(db);
	return status;
}
