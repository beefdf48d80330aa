/* sync_tool.h: scamdex-sync, shared by its subcommand files. */
#ifndef SCAMDEX_SYNC_TOOL_H
#define SCAMDEX_SYNC_TOOL_H

#include <stdio.h>

#include <scamdex/scamdex.h>
#include <scamdex/bundle.h>

/* Exit statuses (scamdex-sync(1)). */
#define EXIT_OK 0
#define EXIT_REJECTED 1 /* import: a bundle was refused */
#define EXIT_USAGE 2
#define EXIT_SYSTEM 3 /* database, key file or system error */

#define PROG "scamdex-sync"

struct tool {
	const char *db_opt; /* --db */
	char db_path[4096];
};
extern struct tool tool;

/* Resolve the database path (--db, $SCAMDEX_DB, $XDG_DATA_HOME/scamdex,
 * ~/.local/share/scamdex) into tool.db_path; -1 after a message. */
int tool_db_path(void);
/* Open it; prints the reason and returns NULL on failure. */
sdx_db *tool_open(unsigned flags);
/* The key file: --key, else $SCAMDEX_KEY, else DB/office.key. */
int tool_key_path(const char *opt, char *buf, size_t size);
/* sdx_key_load, with a message on failure (for SDX_EKEYMODE: the file, its
 * mode and 'chmod 600 FILE'); returns its status. */
int tool_key_load(const char *cmd, const char *path, sdx_key *k);
/* A file holding a secret (WHAT: "the office key", "the drops file"...),
 * by its open descriptor fd (or by path when fd < 0): -1 after the message
 * naming it, its mode and the fix 'chmod 600 PATH' if group or others may
 * read or write it; else 0. CMD may be NULL. */
int tool_private(const char *cmd, const char *what, const char *path, int fd);
int tool_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int tool_status(int rc); /* SDX_E* -> exit status */
/* argv[*i] is "NAME VALUE" or "NAME=VALUE": 1 (and *val, *i moved past
 * it), 0 (another word), -1 (NAME without a value; message printed). */
int tool_opt(const char *cmd, int argc, char **argv, int *i, const char *name,
	     const char **val);
/* One option of a command: "NAME VALUE" or "NAME=VALUE" into *val. */
struct tool_optv {
	const char *name;
	const char **val;
};
#define TOOL_HELP (-2)
/* The words argv[from..argc): each option of opts (ended by a NULL name)
 * anywhere, its value into *val; the other words into pos[], max at the
 * most. A word beginning with '-' (not "-" alone) that is no option, or a
 * word past max, is "unexpected argument 'W'". With help, "--help"
 * prints it to standard output. Returns how many words went to pos[];
 * TOOL_HELP (help printed) or -1 (usage error printed). */
int tool_args(const char *cmd, int argc, char **argv, int from,
	      const struct tool_optv *opts, const char *help, const char **pos,
	      int max);

int cmd_init(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_rekey(int argc, char **argv);
/* A decimal sequence number into *out; -1 if it is not one. */
int tool_parse_seq(const char *s, uint64_t *out);

#endif
