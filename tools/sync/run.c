/* run.c: scamdex-sync run (pull, then push), and the option parsing and
 * lock that push and pull share with it: DB/drops/lock, held with flock
 * for the whole command, so two runs never overlap. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "drop.h"

static int take_lock(const char *cmd)
{
	char dir[4200], path[4300];
	int fd;
	if (state_dir(dir, sizeof dir, NULL) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		fprintf(stderr, PROG " %s: %s: %s\n", cmd, path,
			strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr,
			PROG " %s: another run holds %s; not starting a "
			     "second one\n",
			cmd, path);
		close(fd);
		return -1;
	}
	return fd; /* held until exit */
}

int run_command(const char *cmd, int argc, char **argv)
{
	int do_pull = strcmp(cmd, "push") != 0, do_push = strcmp(cmd, "pull");
	const char *keyopt = NULL, *only = NULL;
	char keypath[4096];
	int r, rc, lock, status = EXIT_OK;
	xfer_opts o;
	sdx_key k;
	drops d;
	sdx_db *db = NULL;

	xfer_defaults(&o);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: " PROG " %s [--key FILE] [--ca FILE] "
			       "[--timeout SECONDS] [--retries N] [--backoff "
			       "SECONDS] [--retain DAYS] [--quiet]%s\n",
			       cmd, do_push ? "" : " [PEER]");
			return EXIT_OK;
		}
		if ((r = xfer_opt(cmd, argc, argv, &i, &o)) ||
		    (r = tool_opt(cmd, argc, argv, &i, "--key", &keyopt))) {
			if (r < 0)
				return EXIT_USAGE;
			continue;
		}
		if (!do_push && !only && argv[i][0] != '-') {
			only = argv[i];
			continue;
		}
		return tool_usage(cmd, "unexpected argument '%s'", argv[i]);
	}
	memset(&k, 0, sizeof k);
	if (tool_db_path() != 0)
		return EXIT_SYSTEM;
	if ((lock = take_lock(cmd)) < 0)
		return EXIT_SYSTEM;
	if (drops_load(&d) != 0) {
		close(lock);
		return EXIT_SYSTEM;
	}
	status = EXIT_SYSTEM;
	if (do_push) {
		if (tool_key_path(keyopt, keypath, sizeof keypath) != 0)
			goto out;
		if ((rc = tool_key_load(cmd, keypath, &k)))
			goto out;
	}
	if (xfer_init() != 0 || !(db = tool_open(0)))
		goto out;
	if (do_push) {
		char office[SDX_OFFICE_MAX + 1];
		if (sdx_db_office(db, office, sizeof office) != 0 ||
		    strcmp(office, k.office) != 0) {
			fprintf(stderr,
				PROG " %s: %s is the key of office %s, not of "
				     "this database's office\n",
				cmd, keypath, k.office);
			goto out;
		}
	}
	status = EXIT_OK;
	if (do_pull)
		status = pull_all(db, &d, &o, only);
	if (do_push && status != EXIT_SYSTEM && status != EXIT_USAGE) {
		int st = push_all(db, &k, &d, &o);
		if (st > status)
			status = st;
	}
out:
	sdx_key_wipe(&k);
	sdx_db_close(db);
	drops_free(&d);
	close(lock);
	return status;
}

int cmd_run(int argc, char **argv)
{
	return run_command("run", argc, argv);
}
