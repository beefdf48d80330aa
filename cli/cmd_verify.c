/* cmd_verify.c: scamdex verify: recompute every summary from the reports
 * and compare. */
#include <string.h>

#include "cli.h"

static const struct cli_cmd cmd = {
    "verify",
    "usage: scamdex verify\n",
    "Recompute every identifier summary, the account index and the filter\n"
    "from the reports and compare them with what is stored. Prints each\n"
    "mismatch.\n"
    "\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 clean, 1 mismatches found, 3 database error.\n",
};

static int on_mismatch(const char *message, void *arg)
{
	(void)arg;
	printf("mismatch: %s\n", message);
	return ferror(stdout) ? SDX_EIO : 0;
}

int cmd_verify(int argc, char **argv)
{
	int st = cli_args_parse(&cmd, NULL, NULL, argc, argv);
	if (st != CLI_GO)
		return st;
	sdx_db *db;
	int rc = cli_db_open(&cmd, CLI_DB_READ, &db);
	if (rc)
		return rc;
	size_t mismatches = 0;
	rc = sdx_verify(db, on_mismatch, NULL, &mismatches);
	sdx_db_close(db);
	if (rc == SDX_EIO)
		return EXIT_SYSTEM;
	if (rc)
		return cli_db_error(&cmd, "verify", rc);
	if (mismatches) {
		printf("%zu mismatch%s\n", mismatches,
		       mismatches == 1 ? "" : "es");
		return EXIT_REPORTED;
	}
	printf("ok: every summary matches the reports\n");
	return EXIT_CLEAN;
}
