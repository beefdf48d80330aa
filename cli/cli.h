/* cli.h: what the scamdex subcommands share. Each subcommand lives in
 * cmd_<name>.c and returns the process exit status:
 *   0 nothing reported / success, 1 something reported, 2 bad usage or
 *   input, 3 database or system error. */
#ifndef SCAMDEX_CLI_H
#define SCAMDEX_CLI_H

enum cli_exit {
	EXIT_CLEAN = 0,
	EXIT_REPORTED = 1,
	EXIT_USAGE = 2,
	EXIT_SYSTEM = 3,
};

/* Options given before the subcommand (scamdex --db DIR check ...). */
struct cli_global {
	const char *db_path; /* --db, or NULL */
};
extern struct cli_global cli_global;

int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_links(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_retract(int argc, char **argv);
int cmd_dispute(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_allow(int argc, char **argv);
int cmd_disallow(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_normalize(int argc, char **argv);

#endif
