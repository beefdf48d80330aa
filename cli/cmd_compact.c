/* cmd_compact.c: scamdex compact: a compacted copy of the database. */
#include <sys/stat.h>

#include "cli.h"

static const struct cli_cmd cmd = {
    "compact",
    "usage: scamdex compact --to DIR\n",
    "Write a compacted copy of the database into DIR, a directory that\n"
    "must not exist yet: every table written again in key order, without\n"
    "free pages and with full pages, so it is smaller and checks touch\n"
    "fewer pages. The copy is a snapshot; the database stays in use. To\n"
    "put the copy in place, stop every program using the database and\n"
    "swap the two directories.\n"
    "\n"
    "  --to DIR          where to write the copy (required)\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 done, 2 bad usage or DIR exists, 3 database error.\n",
};

/* bytes of the data file in dir, for the summary line */
static double file_mib(const char *dir)
{
	char path[4096];
	struct stat st;
	if (snprintf(path, sizeof path, "%s/data.mdb", dir) >=
		(int)sizeof path ||
	    stat(path, &st))
		return 0;
	return (double)st.st_size / (1 << 20);
}

int cmd_compact(int argc, char **argv)
{
	const char *to = NULL;
	const struct cli_opt opts[] = {CLI_STR("to", &to), {0}};
	int st = cli_args_parse(&cmd, opts, NULL, argc, argv);
	if (st != CLI_GO)
		return st;
	if (!to || !*to)
		return cli_usage_error(&cmd, "--to DIR is required");
	sdx_db *db;
	int rc = cli_db_open(&cmd, CLI_DB_READ, &db);
	if (rc)
		return rc;
	rc = sdx_db_compact(db, to);
	sdx_db_close(db);
	if (rc == SDX_EEXISTS)
		return cli_usage_error(&cmd, "%s exists: name a new directory",
				       to);
	if (rc)
		return cli_db_error(&cmd, to, rc);
	printf("compacted into %s: %.1f MiB\n", to, file_mib(to));
	return EXIT_CLEAN;
}
