/* main.c: scamdex, the query command. Global options, then one
 * subcommand from the table below. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <scamdex/scamdex.h>

#include "cli.h"
#include "render/render.h"

struct cli_global cli_global;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"check", cmd_check, "check identifiers: has this been reported?"},
    {"show", cmd_show, "an identifier's reports with full provenance"},
    {"links", cmd_links, "identifiers connected through shared reports"},
    {"stats", cmd_stats, "totals per kind, category, agency and month"},
    {"report", cmd_report, "add one report"},
    {"retract", cmd_retract, "withdraw a report"},
    {"dispute", cmd_dispute, "mark a report disputed"},
    {"resolve", cmd_resolve, "close a dispute (the report stands)"},
    {"allow", cmd_allow, "mark an identifier official"},
    {"disallow", cmd_disallow, "remove the official mark"},
    {"verify", cmd_verify, "recompute every summary and compare"},
    {"compact", cmd_compact, "write a compacted copy of the database"},
    {"normalize", cmd_normalize, "print the canonical form of identifiers"},
    {"serve", cmd_serve, "the HTTP look-up service and web page"},
    {"token", cmd_token, "the service's bearer tokens"},
    {"access", cmd_access, "roles of local users"},
    {"audit", cmd_audit, "read or prune the audit log"},
};

static const char usage_line[] = "usage: scamdex [--db DIR] COMMAND [ARGS...]\n"
				 "       scamdex --help | --version\n";

static void usage(FILE *f)
{
	fprintf(f, "%s\ncommands:\n", usage_line);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\noptions:\n"
		   "  --db DIR   the database (default: $SCAMDEX_DB, else "
		   "$XDG_DATA_HOME/scamdex,\n"
		   "             else ~/.local/share/scamdex)\n"
		   "  --lang L   en or vi: the language of text output "
		   "(default: the locale)\n"
		   "\n'scamdex COMMAND --help' for a command's options; "
		   "man scamdex for the manual.\n");
}

static int usage_error(const char *what, const char *word)
{
	fprintf(stderr, "scamdex: %s '%s'\n%s", what, word, usage_line);
	return EXIT_USAGE;
}

/* At exit a failed write to standard output is an error, not silence
 * (a full disk, a closed pipe). */
static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "scamdex: write error on standard output: %s\n",
			strerror(errno ? errno : EIO));
		return EXIT_SYSTEM;
	}
	return status;
}

/* The global options may also follow the command ("scamdex check --db
 * X ..."): taken out of argv[from..) up to a "--", which ends options.
 * The new argc, or -1 (message printed) for a --db without its value. */
static int globals_after(int argc, char **argv, int from)
{
	int out = from;
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--lang")) {
			if (i + 1 >= argc) {
				usage_error("a value is needed after", argv[i]);
				return -1;
			}
			if (argv[i][2] == 'd')
				cli_global.db_path = argv[++i];
			else
				cli_global.lang = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			cli_global.db_path = argv[i] + 5;
		} else if (!strncmp(argv[i], "--lang=", 7)) {
			cli_global.lang = argv[i] + 7;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	if (sdx_version() != SDX_VERSION_NUMBER) {
		fprintf(stderr,
			"scamdex: built for libscamdex %s but running "
			"with %s\n",
			SDX_VERSION_STRING, sdx_version_string());
		return EXIT_SYSTEM;
	}
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return finish(EXIT_CLEAN);
		} else if (!strcmp(argv[i], "--version")) {
			printf("scamdex %s\n", sdx_version_string());
			return finish(EXIT_CLEAN);
		} else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			cli_global.db_path = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			cli_global.db_path = argv[i] + 5;
		} else if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
			cli_global.lang = argv[++i];
		} else if (!strncmp(argv[i], "--lang=", 7)) {
			cli_global.lang = argv[i] + 7;
		} else if (!strcmp(argv[i], "--db") ||
			   !strcmp(argv[i], "--lang")) {
			return usage_error("a value is needed after", argv[i]);
		} else {
			return usage_error("unknown option", argv[i]);
		}
	}
	if (i >= argc) {
		fprintf(stderr, "scamdex: no command given\n%s", usage_line);
		return EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		if (strcmp(argv[i], commands[c].name))
			continue;
		if ((argc = globals_after(argc, argv, i + 1)) < 0)
			return EXIT_USAGE;
		if (render_lang_set(cli_global.lang) != 0)
			return usage_error("unknown language (en or vi)",
					   cli_global.lang);
		return finish(commands[c].run(argc - i, argv + i));
	}
	return usage_error("unknown command", argv[i]);
}
