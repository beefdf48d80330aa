/* cmd_import.c: scamdex-sync import [--check] FILE...: verify each
 * bundle whole, then apply it in transactions; a refused bundle
 * changes nothing and the next file is still tried. */
#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "sync_tool.h"

/* SCAMDEX_TEST_IMPORT_BATCH=N: N operations per write transaction instead
 * of SDX_IMPORT_BATCH, so that a test sees a bundle commit in many steps (the
 * crash test kills an import between them). For tests only. */
static void test_batch(void)
{
	const char *e = getenv("SCAMDEX_TEST_IMPORT_BATCH");
	char *end;
	unsigned long long n;
	if (!e || !*e)
		return;
	n = strtoull(e, &end, 10);
	if (*end || n == 0 || n > SDX_IMPORT_BATCH) {
		fprintf(stderr,
			PROG ": SCAMDEX_TEST_IMPORT_BATCH=%s ignored "
			     "(1 to 8000000)\n",
			e);
		return;
	}
	sdx_import_batch = (size_t)n;
}

/* Every refused operation, one line on standard error. */
static void refused(void *ctx, const char *origin, uint64_t seq, int type,
		    const char *why)
{
	fprintf(stderr, PROG ": %s: origin %s seq %llu (%s): refused: %s\n",
		(const char *)ctx, origin, (unsigned long long)seq,
		sdx_op_type_name(type), why);
}

static int one(sdx_db *db, const char *path, int check, const char *accept)
{
	sdx_import_result res;
	sdx_import_opts o = {accept, refused, (void *)path};
	int rc = check ? sdx_bundle_verify_opts(db, path, &o, &res)
		       : sdx_bundle_import_opts(db, path, &o, &res);
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
	int check = 0, status = EXIT_OK, nf = 0, s, r, dashdash = 0;
	const char *accept = NULL;
	char **files;
	sdx_db *db;

	if (!(files = calloc((size_t)argc, sizeof *files)))
		return EXIT_SYSTEM;
	for (int i = 1; i < argc; i++) {
		if (dashdash || argv[i][0] != '-' || !argv[i][1]) {
			files[nf++] = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--help")) {
			printf("usage: " PROG " import [--check] [--accept-for "
			       "OFFICE] FILE...\n");
			free(files);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--check")) {
			check = 1;
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			dashdash = 1;
			continue;
		}
		r = tool_opt("import", argc, argv, &i, "--accept-for", &accept);
		if (r == 1)
			continue;
		free(files);
		if (r < 0)
			return EXIT_USAGE;
		return tool_usage("import", "unknown option '%s'", argv[i]);
	}
	if (!nf) {
		free(files);
		return tool_usage("import", "%s", "no bundle named");
	}
	test_batch();
	if (!(db = tool_open(check ? SDX_OPEN_RDONLY : 0))) {
		free(files);
		return EXIT_SYSTEM;
	}
	for (int i = 0; i < nf; i++) {
		s = one(db, files[i], check, accept);
		/* the worst status wins: system > refused > ok */
		if (s > status)
			status = s;
	}
	sdx_db_close(db);
	free(files);
	return status;
}
