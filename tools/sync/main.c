/* main.c: scamdex-sync, bundles between offices. Global options, then
 * one subcommand. */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "drop.h"
#include "sync_tool.h"

struct tool tool;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create this office's key pair and set its id"},
    {"trust", cmd_trust, "add, replace, remove or list trusted offices"},
    {"rekey", cmd_rekey, "a new key for this office (its key was stolen)"},
    {"export", cmd_export, "write the bundle a peer lacks"},
    {"import", cmd_import, "verify and apply bundles"},
    {"status", cmd_status, "version vector, fingerprints, peers"},
    {"dump", cmd_dump, "print a bundle's items, one a line"},
    {"drop", cmd_drop, "add, remove or list drops (where bundles wait)"},
    {"pull", cmd_pull, "fetch and import the peers' bundles from drops"},
    {"push", cmd_push, "publish the bundles peers lack to the own drop"},
    {"run", cmd_run, "pull, then push (the nightly sync)"},
};

static const char usage_line[] =
    "usage: " PROG " [--db DIR] COMMAND [ARGS...]\n"
    "       " PROG " --help | --version\n";

static void usage(FILE *f)
{
	fprintf(f, "%s\ncommands:\n", usage_line);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f,
		"\n"
		"  init --office ID --role police|bank [--key FILE]\n"
		"  trust add OFFICE PUBKEY --role police|bank [--agencies "
		"LIST]\n"
		"  trust remove OFFICE | trust list\n"
		"  trust replace OFFICE PUBKEY --void-after SEQ   (OFFICE's "
		"key was stolen)\n"
		"  rekey [--void-after SEQ] [--key FILE]   (this office's key "
		"was stolen)\n"
		"  export --to PEER [--audience bank|police] [--full] -o FILE\n"
		"             (the audience comes from PEER's role; --audience "
		"only narrows)\n"
		"  import [--check] [--accept-for OFFICE] FILE...\n"
		"  status\n"
		"  dump [--full] FILE\n"
		"  drop add NAME URL [--role police|bank] [--user USER "
		"[--password-file FILE]]\n"
		"           [--netrc | --netrc-file FILE] [--ssh-key FILE] "
		"[--known-hosts FILE] [--ca FILE]\n"
		"  drop remove NAME | drop list\n"
		"  pull [PEER] | push | run   [--ca FILE] [--timeout S] "
		"[--retries N] [--retain DAYS]\n"
		"\noptions:\n"
		"  --db DIR   the database (default: $SCAMDEX_DB, else "
		"$XDG_DATA_HOME/scamdex,\n"
		"             else ~/.local/share/scamdex)\n"
		"\nman scamdex-sync for the manual, scamdex-bundle(5) for the "
		"format.\n");
}

int tool_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s%s%s: ", PROG, cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage_line);
	return EXIT_USAGE;
}

int tool_opt(const char *cmd, int argc, char **argv, int *i, const char *name,
	     const char **val)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		tool_usage(cmd, "%s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

int tool_args(const char *cmd, int argc, char **argv, int from,
	      const struct tool_optv *opts, const char *help, const char **pos,
	      int max)
{
	int np = 0;
	for (int i = from; i < argc; i++) {
		if (help && !strcmp(argv[i], "--help")) {
			fputs(help, stdout);
			return TOOL_HELP;
		}
		int r = 0;
		for (const struct tool_optv *o = opts; o && o->name && !r; o++)
			r = tool_opt(cmd, argc, argv, &i, o->name, o->val);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (np == max || (argv[i][0] == '-' && argv[i][1])) {
			tool_usage(cmd, "unexpected argument '%s'", argv[i]);
			return -1;
		}
		pos[np++] = argv[i];
	}
	return np;
}

int tool_status(int rc)
{
	switch (rc) {
	case 0:
		return EXIT_OK;
	case SDX_EBUNDLE:
	case SDX_EBUNDLESUM:
	case SDX_ESIGNATURE:
	case SDX_EUNTRUSTED:
	case SDX_EVERSION:
	case SDX_EROLE:
	case SDX_EADDRESS:
		return EXIT_REJECTED;
	default:
		return EXIT_SYSTEM;
	}
}

static int set(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s%s", a, b);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, PROG ": path too long: %s%s\n", a, b);
		return -1;
	}
	return 0;
}

int tool_db_path(void)
{
	const char *s = tool.db_opt;
	if (s && s[0])
		return set(tool.db_path, sizeof tool.db_path, s, "");
	s = getenv("SCAMDEX_DB");
	if (s && s[0])
		return set(tool.db_path, sizeof tool.db_path, s, "");
	s = getenv("XDG_DATA_HOME");
	if (s && s[0] == '/')
		return set(tool.db_path, sizeof tool.db_path, s, "/scamdex");
	s = getenv("HOME");
	if (s && s[0])
		return set(tool.db_path, sizeof tool.db_path, s,
			   "/.local/share/scamdex");
	fprintf(stderr, PROG ": no database named: use --db DIR or set "
			     "SCAMDEX_DB\n");
	return -1;
}

sdx_db *tool_open(unsigned flags)
{
	sdx_db *db = NULL;
	int rc;
	if (tool_db_path() != 0)
		return NULL;
	if ((rc = sdx_db_open(tool.db_path, flags, &db))) {
		fprintf(stderr, PROG ": %s: %s\n", tool.db_path,
			sdx_strerror(rc));
		return NULL;
	}
	/* A police database made before digest secrets gets its own on
	 * the first command that writes (init makes it for new ones). */
	int role, made = 0;
	if (!(flags & (SDX_OPEN_RDONLY | SDX_OPEN_CREATE)) &&
	    !sdx_db_role(db, &role) && role == SDX_OFFICE_POLICE &&
	    (rc = sdx_digest_secret_ensure(db, &made)) == 0 && made)
		fprintf(stderr,
			PROG ": %s: made this office's digest secret: the "
			     "police-only operations it writes from now on "
			     "are digested with it, and it travels only in "
			     "police bundles (scamdex-bundle(5))\n",
			tool.db_path);
	if (rc) {
		fprintf(stderr, PROG ": %s: making the digest secret: %s\n",
			tool.db_path, sdx_strerror(rc));
		sdx_db_close(db);
		return NULL;
	}
	return db;
}

int tool_key_path(const char *opt, char *buf, size_t size)
{
	const char *s = opt && opt[0] ? opt : getenv("SCAMDEX_KEY");
	if (s && s[0])
		return set(buf, size, s, "");
	if (!tool.db_path[0] && tool_db_path() != 0)
		return -1;
	return set(buf, size, tool.db_path, "/office.key");
}

int tool_private(const char *cmd, const char *what, const char *path, int fd)
{
	struct stat st;
	if (fd < 0 ? stat(path, &st) != 0 : fstat(fd, &st) != 0)
		return 0; /* the read that follows says why */
	if (!(st.st_mode & 077))
		return 0;
	fprintf(stderr,
		PROG "%s%s: %s: %s is readable by group or others (mode %03o); "
		     "it must be private to its owner: run 'chmod 600 %s'\n",
		cmd ? " " : "", cmd ? cmd : "", path, what,
		(unsigned)(st.st_mode & 0777), path);
	return -1;
}

int tool_key_load(const char *cmd, const char *path, sdx_key *k)
{
	int rc = sdx_key_load(path, k);
	if (rc == SDX_EKEYMODE)
		tool_private(cmd, "the office key", path, -1);
	else if (rc)
		fprintf(stderr,
			PROG " %s: %s: %s (run '" PROG " init' first)\n", cmd,
			path, sdx_strerror(rc));
	return rc;
}

static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, PROG ": write error on standard output: %s\n",
			strerror(errno ? errno : EIO));
		return EXIT_SYSTEM;
	}
	return status;
}

/* --db may also follow the command ("scamdex-sync status --db X"):
 * taken out of argv[from..) up to a "--". The new argc, or -1 (message
 * printed) for a --db without its value. */
static int globals_after(int argc, char **argv, int from)
{
	int out = from;
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= argc) {
				tool_usage(NULL, "%s needs a directory",
					   "--db");
				return -1;
			}
			tool.db_opt = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			tool.db_opt = argv[i] + 5;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	int i = 1;
#ifdef M_MMAP_THRESHOLD
	/* A fixed threshold: glibc's moving one (raised to the size of any
	 * large block freed) left about 64 MiB of freed blocks on the heap
	 * while a 5,000,000-operation bundle imported (peak RssAnon 251 MiB;
	 * 187 with this, and as fast). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	if (sdx_version() != SDX_VERSION_NUMBER) {
		fprintf(stderr,
			PROG ": built for libscamdex %s but running "
			     "with %s\n",
			SDX_VERSION_STRING, sdx_version_string());
		return EXIT_SYSTEM;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return finish(EXIT_OK);
		} else if (!strcmp(argv[i], "--version")) {
			printf(PROG " %s\n", sdx_version_string());
			return finish(EXIT_OK);
		} else if (!strcmp(argv[i], "--db")) {
			if (++i == argc)
				return tool_usage(NULL, "%s needs a directory",
						  "--db");
			tool.db_opt = argv[i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			tool.db_opt = argv[i] + 5;
		} else {
			return tool_usage(NULL, "unknown option '%s'", argv[i]);
		}
	}
	if (i == argc)
		return tool_usage(NULL, "%s", "a command is needed");
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		if (strcmp(argv[i], commands[c].name))
			continue;
		if ((argc = globals_after(argc, argv, i + 1)) < 0)
			return EXIT_USAGE;
		return finish(commands[c].run(argc - i, argv + i));
	}
	return tool_usage(NULL, "unknown command '%s'", argv[i]);
}
