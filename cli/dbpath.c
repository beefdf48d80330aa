/* dbpath.c: which database a command works on, and opening it.
 * --db, else $SCAMDEX_DB, else $XDG_DATA_HOME/scamdex, else
 * ~/.local/share/scamdex (the XDG default for XDG_DATA_HOME). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static int set(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s%s", a, b);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "scamdex: database path too long: %s%s\n", a,
			b);
		return -1;
	}
	return 0;
}

int cli_db_path(char *buf, size_t size)
{
	const char *s = cli_global.db_path;
	if (s && s[0])
		return set(buf, size, s, "");
	s = getenv("SCAMDEX_DB");
	if (s && s[0])
		return set(buf, size, s, "");
	/* The XDG spec: a relative XDG_DATA_HOME is invalid, ignore it. */
	s = getenv("XDG_DATA_HOME");
	if (s && s[0] == '/')
		return set(buf, size, s, "/scamdex");
	s = getenv("HOME");
	if (s && s[0])
		return set(buf, size, s, "/.local/share/scamdex");
	fprintf(stderr, "scamdex: no database named: use --db DIR or set "
			"SCAMDEX_DB (HOME is not set)\n");
	return -1;
}

/* mkdir -p: the database's parent directories (~/.local/share may not
 * exist yet on a fresh account). */
static int make_dirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n >= sizeof tmp)
		return ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		char c = tmp[i];
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return errno;
		tmp[i] = c;
	}
	return 0;
}

int cli_db_error(const struct cli_cmd *cmd, const char *what, int rc)
{
	fprintf(stderr, "scamdex %s: %s: %s\n", cmd->name, what,
		sdx_strerror(rc));
	return EXIT_SYSTEM;
}

int cli_db_open(const struct cli_cmd *cmd, int mode, sdx_db **out)
{
	char path[4096];
	*out = NULL;
	if (cli_db_path(path, sizeof path) != 0)
		return EXIT_SYSTEM;
	int rc;
	if (mode == CLI_DB_WRITE) {
		rc = make_dirs(path);
		if (rc != 0) {
			fprintf(stderr, "scamdex %s: cannot create %s: %s\n",
				cmd->name, path, strerror(rc));
			return EXIT_SYSTEM;
		}
		rc = sdx_db_open(path, SDX_OPEN_CREATE, out);
	} else {
		/* a look-up writes its audit record: writable when it may,
		 * without the writable map a large write wants */
		rc = sdx_db_open(path,
				 mode == CLI_DB_LOOKUP ? SDX_OPEN_LOOKUP
						       : SDX_OPEN_RDONLY,
				 out);
		if (rc == SDX_ENODB) {
			fprintf(stderr,
				"scamdex: no database at %s (create one with "
				"'scamdex report' or 'scamdex-import')\n",
				path);
			return EXIT_SYSTEM;
		}
	}
	if (rc != 0)
		return cli_db_error(cmd, path, rc);
	return 0;
}
