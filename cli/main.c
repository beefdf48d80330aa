/* main.c: scamdex, the query command. Global options, then one
 * subcommand from the table below. */
#include <stdio.h>
#include <string.h>

#include <scamdex/scamdex.h>

#include "cli.h"

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
	{"normalize", cmd_normalize, "print the canonical form of identifiers"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: scamdex [--db DIR] COMMAND [ARGS...]\n"
		   "       scamdex --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'scamdex COMMAND --help' for a command's options; "
		   "man scamdex for the manual.\n");
}

int main(int argc, char **argv)
{
	if (sdx_version() != SDX_VERSION_NUMBER) {
		fprintf(stderr, "scamdex: built for libscamdex %s but running "
				"with %s\n", SDX_VERSION_STRING, sdx_version_string());
		return EXIT_SYSTEM;
	}
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return fflush(stdout) ? EXIT_SYSTEM : EXIT_CLEAN;
		} else if (!strcmp(argv[i], "--version")) {
			printf("scamdex %s\n", sdx_version_string());
			return fflush(stdout) ? EXIT_SYSTEM : EXIT_CLEAN;
		} else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			cli_global.db_path = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			cli_global.db_path = argv[i] + 5;
		} else {
			fprintf(stderr, "scamdex: unknown option '%s'; try 'scamdex --help'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "scamdex: no command given; try 'scamdex --help'\n");
		return EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i, argv + i);
	fprintf(stderr, "scamdex: unknown command '%s'; try 'scamdex --help'\n", argv[i]);
	return EXIT_USAGE;
}
