/* options.c: scamdex-import's command line and the database's path. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import.h"

static void usage(FILE *fp)
{
	fputs("usage: scamdex-import [--format csv|jsonl] [--map FILE] "
	      "[--encoding ENC]\n"
	      "                      [--origin OFFICE] [--agency NAME] "
	      "[--audience bank|police]\n"
	      "                      [--reject FILE] [--strict] [--force] "
	      "[--batch N] [--threads 1|2]\n"
	      "                      [--db DIR] [--create] [--quiet] "
	      "[FILE ... | -]\n"
	      "Load agency reports (CSV or JSON Lines) into the scamdex "
	      "database.\n"
	      "  --encoding ENC  the file's encoding when not UTF-8: cp1258, "
	      "utf-16, latin1\n"
	      "  --strict        refuse rows with an unknown category or "
	      "channel\n"
	      "                  (default: kept as other, with the label)\n"
	      "  --force         import a file already imported under "
	      "another origin\n"
	      "  --create        create the database if --db or SCAMDEX_DB "
	      "names none\n"
	      "See scamdex-import(1) for the columns and the exit status.\n",
	      fp);
}

__attribute__((format(printf, 1, 2))) int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("scamdex-import: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'scamdex-import --help'.\n", stderr);
	return 2;
}

static int valid_office(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SDX_OFFICE_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

static int batch_arg(const char *arg, size_t *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v < 1 || v > IMP_BATCH_MAX)
		return usage_error("bad batch size '%s' (1..8000000)", arg);
	*out = (size_t)v;
	return -1;
}

/* One option; -1 to go on, else the exit status. */
static int option(struct options *o, int opt, const char *arg)
{
	switch (opt) {
	case 'f':
		if (strcmp(arg, "csv") == 0)
			o->fmt = FMT_CSV;
		else if (strcmp(arg, "jsonl") == 0)
			o->fmt = FMT_JSONL;
		else
			return usage_error("unknown format '%s' (csv or jsonl)",
					   arg);
		return -1;
	case 'm':
		o->map_path = arg;
		return -1;
	case 'e':
		if (!encoding_valid(arg))
			return usage_error("unknown encoding '%s' (cp1258, "
					   "utf-16, latin1, utf-8)",
					   arg);
		o->encoding = arg;
		return -1;
	case 'o':
		if (!valid_office(arg))
			return usage_error("bad office id '%s' (1-32 of A-Z "
					   "a-z 0-9 . _ -)",
					   arg);
		o->def.origin = arg;
		return -1;
	case 'a':
		if (strlen(arg) > SDX_AGENCY_MAX ||
		    !utf8_valid(arg, strlen(arg)))
			return usage_error("bad agency name '%s'", arg);
		o->def.agency = arg;
		return -1;
	case 'A':
		if (sdx_audience_parse(arg, strlen(arg), &o->def.audience) != 0)
			return usage_error("unknown audience '%s' (bank or "
					   "police)",
					   arg);
		return -1;
	case 'r':
		o->reject_path = arg;
		return -1;
	case 'b':
		return batch_arg(arg, &o->batch_size);
	case 'd':
		o->db_opt = arg;
		return -1;
	case 't':
		if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0)
			return usage_error("bad thread count '%s' (1 or 2)",
					   arg);
		o->threads = arg[0] - '0';
		return -1;
	case 'q':
		o->quiet = 1;
		return -1;
	case 's':
		o->def.strict = 1;
		return -1;
	case 'F':
		o->force = 1;
		return -1;
	case 'c':
		o->create = 1;
		return -1;
	case 'h':
		usage(stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
	case 'V':
		printf("scamdex-import %s\n", sdx_version_string());
		return 0;
	default:
		fputs("Try 'scamdex-import --help'.\n", stderr);
		return 2;
	}
}

int options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"map", required_argument, NULL, 'm'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"origin", required_argument, NULL, 'o'},
	    {"agency", required_argument, NULL, 'a'},
	    {"audience", required_argument, NULL, 'A'},
	    {"reject", required_argument, NULL, 'r'},
	    {"batch", required_argument, NULL, 'b'},
	    {"db", required_argument, NULL, 'd'},
	    {"create", no_argument, NULL, 'c'},
	    {"strict", no_argument, NULL, 's'},
	    {"force", no_argument, NULL, 'F'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"threads", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int opt, rc;

	o->batch_size = IMP_BATCH_MAX;
	o->threads = 2;
	o->def.audience = SDX_AUD_BANK;
	while ((opt = getopt_long(argc, argv, "f:m:e:o:a:A:r:b:d:qhV", longopts,
				  NULL)) != -1)
		if ((rc = option(o, opt, optarg)) >= 0)
			return rc;
	o->files = argv + optind;
	o->nfiles = argc - optind;
	return -1;
}

/* --db, else $SCAMDEX_DB, else $XDG_DATA_HOME/scamdex or
 * ~/.local/share/scamdex (parents created). *named: the path was given
 * (--db or SCAMDEX_DB), not the default. */
int db_path(const char *opt, char *buf, size_t size, int *named)
{
	const char *env = getenv("SCAMDEX_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	*named = 1;
	if (opt)
		n = snprintf(buf, size, "%s", opt);
	else if (env && *env)
		n = snprintf(buf, size, "%s", env);
	else {
		*named = 0;
		if (xdg && xdg[0] == '/')
			n = snprintf(buf, size, "%s/scamdex", xdg);
		else if (home && *home)
			n = snprintf(buf, size, "%s/.local/share/scamdex",
				     home);
		else
			return -1;
		if (n > 0 && (size_t)n < size) {
			/* mkdir -p the parents */
			for (char *p = buf + 1; *p; p++) {
				if (*p != '/')
					continue;
				*p = '\0';
				mkdir(buf, 0700);
				*p = '/';
			}
		}
	}
	return n > 0 && (size_t)n < size ? 0 : -1;
}

int file_format(int fmt, const char *name)
{
	const char *dot = strrchr(name, '.');
	if (fmt != FMT_AUTO)
		return fmt;
	if (dot && (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0 ||
		    strcmp(dot, ".json") == 0))
		return FMT_JSONL;
	return FMT_CSV;
}
