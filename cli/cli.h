/* cli.h: what the scamdex subcommands share. Each subcommand lives in
 * cmd_<name>.c and returns the process exit status:
 *   0 nothing reported / success, 1 something reported, 2 bad usage or
 *   input, 3 database or system error. */
#ifndef SCAMDEX_CLI_H
#define SCAMDEX_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <scamdex/scamdex.h>

enum cli_exit {
	EXIT_CLEAN = 0,
	EXIT_REPORTED = 1,
	EXIT_USAGE = 2,
	EXIT_SYSTEM = 3,
};

/* Options given before the subcommand (scamdex --db DIR check ...). */
struct cli_global {
	const char *db_path; /* --db, or NULL */
	const char *lang;    /* --lang, or NULL: the locale decides */
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
int cmd_compact(int argc, char **argv);
int cmd_normalize(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_access(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* ---- args.c: long options, positional arguments, usage errors ---- */

/* What a subcommand accepts: its name, its usage line(s) ("usage: ..."),
 * and the option descriptions printed after them by --help. */
struct cli_cmd {
	const char *name;
	const char *usage;
	const char *help;
};

/* One long option: its name, what it takes and where its value goes.
 * Written with the CLI_* macros below, which check the type of the place
 * the value goes to; a table ends with a zero entry ({0}). */
enum cli_opt_type {
	CLI_OPT_FLAG,	  /* no value: *(int *)to = 1 */
	CLI_OPT_ONE_OF,	  /* no value: *(int *)to = n; a usage error "choose
			     one of --A and --B" (every ONE_OF option of the
			     same place) when *to is already non-zero */
	CLI_OPT_STR,	  /* *(const char **)to = the value */
	CLI_OPT_KIND,	  /* sdx_kind, by cli_parse_kind */
	CLI_OPT_AUDIENCE, /* int, by cli_parse_audience */
	CLI_OPT_DATE,	  /* int32_t, by cli_parse_date */
	CLI_OPT_UINT,	  /* unsigned long 0..n, by cli_parse_uint */
	CLI_OPT_CALL,	  /* fn(p) with the value in p->val, the entry in
			     p->o (its to and n): 0, or -1 after printing a
			     usage error */
};

struct cli_args;
struct cli_opt {
	const char *name;
	enum cli_opt_type type;
	void *to;
	unsigned long n;
	int (*fn)(const struct cli_args *p);
};

/* to, when it points to a T; a compile error otherwise. */
#define CLI_TO(T, to) _Generic((to), T * : (to))
#define CLI_FLAG(name, to)                                                     \
	{                                                                      \
		(name), CLI_OPT_FLAG, CLI_TO(int, to), 0, NULL                 \
	}
#define CLI_ONE_OF(name, to, value)                                            \
	{                                                                      \
		(name), CLI_OPT_ONE_OF, CLI_TO(int, to), (value), NULL         \
	}
#define CLI_STR(name, to)                                                      \
	{                                                                      \
		(name), CLI_OPT_STR, CLI_TO(const char *, to), 0, NULL         \
	}
#define CLI_KIND(name, to)                                                     \
	{                                                                      \
		(name), CLI_OPT_KIND, CLI_TO(sdx_kind, to), 0, NULL            \
	}
#define CLI_AUDIENCE(name, to)                                                 \
	{                                                                      \
		(name), CLI_OPT_AUDIENCE, CLI_TO(int, to), 0, NULL             \
	}
#define CLI_DATE(name, to)                                                     \
	{                                                                      \
		(name), CLI_OPT_DATE, CLI_TO(int32_t, to), 0, NULL             \
	}
#define CLI_UINT(name, to, max)                                                \
	{                                                                      \
		(name), CLI_OPT_UINT, CLI_TO(unsigned long, to), (max), NULL   \
	}
#define CLI_CALL(name, fn, to, n)                                              \
	{                                                                      \
		(name), CLI_OPT_CALL, (to), (n), (fn)                          \
	}

enum {
	CLI_ARG_END = -1,   /* no more arguments */
	CLI_ARG_ERROR = -2, /* usage error printed; exit EXIT_USAGE */
	CLI_ARG_HELP = -3,  /* --help or -h; help printed; exit EXIT_CLEAN */
	CLI_ARG_POS = 0,    /* a positional argument, in p->val */
};

struct cli_args {
	const struct cli_cmd *cmd;
	const struct cli_opt *opts; /* terminated by a zero entry */
	int argc;
	char **argv;
	int i;
	int only_pos;	 /* after "--" */
	const char *val; /* the option's value or the positional argument */
	const char *opt; /* the option as written (for messages) */
	const struct cli_opt *o; /* the option's entry */
};

/* argv[0] is the subcommand's name. */
void cli_args_init(struct cli_args *p, const struct cli_cmd *cmd,
		   const struct cli_opt *opts, int argc, char **argv);
/* The next option (its place in opts, from 1; p->o is its entry),
 * CLI_ARG_POS, CLI_ARG_END, CLI_ARG_ERROR (printed) or CLI_ARG_HELP
 * (help printed to stdout). The option's value (as written) is in
 * p->val; cli_args_parse parses it. */
int cli_args_next(struct cli_args *p);

/* Where the positional arguments go: the first max into val[] (val may
 * be NULL to count them only); n counts them. One more than max is the
 * usage error "<extra> 'ARG'" (extra NULL: "unexpected argument"); with
 * words, an argument that is not one of them (NULL-terminated) too. */
struct cli_pos {
	const char **val;
	size_t max;
	const char *extra;
	const char *const *words;
	size_t n;
};

#define CLI_GO (-1)
/* Every argument of argv, in order: each option's value parsed into the
 * place its entry names, the positional ones into pos (NULL: none
 * allowed). CLI_GO when the command goes on; else the status to exit
 * with, the help (EXIT_CLEAN) or the usage error (EXIT_USAGE) printed. */
int cli_args_parse(const struct cli_cmd *cmd, const struct cli_opt *opts,
		   struct cli_pos *pos, int argc, char **argv);

/* Print "scamdex CMD: <message>" and the usage line(s) to stderr; returns
 * EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print the full help to stdout; returns EXIT_CLEAN. */
int cli_help(const struct cli_cmd *cmd);

/* Option value parsers: print a usage error naming the option and return
 * -1 on a bad value, 0 on success. */
int cli_parse_kind(const struct cli_args *p, sdx_kind *out);
int cli_parse_audience(const struct cli_args *p, int *out);
int cli_parse_date(const struct cli_args *p, int32_t *out);
int cli_parse_uint(const struct cli_args *p, unsigned long max,
		   unsigned long *out);

/* Normalize an identifier given on the command line (kind may be AUTO).
 * On failure prints the reason (with the --kind hint for an ambiguous
 * digit string) and returns EXIT_USAGE; 0 on success. */
int cli_identifier(const struct cli_cmd *cmd, sdx_kind kind, const char *input,
		   sdx_kind *kind_out, char canonical[SDX_CANON_MAX]);
/* The same check for a command that answers for the most serious of an
 * identifier's readings, as check does (show, links: a bare number is
 * not refused as ambiguous; render_pick_reading picks the reading once
 * the database is open). */
int cli_identifier_readings(const struct cli_cmd *cmd, sdx_kind kind,
			    const char *input);
/* show's and links' reading of input once db is open
 * (render_pick_reading): 0, or the exit status with the message printed
 * and db closed. */
int cli_pick_reading(const struct cli_cmd *cmd, sdx_db *db, int audience,
		     sdx_kind kind, const char *input, int accounts_ok,
		     sdx_interp *it, size_t *n, size_t *pick);
/* Print "invalid identifier" with err's reason; returns EXIT_USAGE. */
int cli_identifier_error(const struct cli_cmd *cmd, const char *input, int rc,
			 const sdx_norm_error *err);

/* Parse a 32-hex-digit report id; usage error (EXIT_USAGE) if bad. */
int cli_report_id(const struct cli_cmd *cmd, const char *hex, uint8_t id[16]);
/* A prefix (8 to 31 hex digits) checked by cli_report_id to the one
 * report id it starts (32 digits: as given). 0, or the exit status with
 * the message printed (none, several). */
int cli_report_id_find(const struct cli_cmd *cmd, sdx_db *db, const char *hex,
		       uint8_t id[16]);

/* True for the codes that mean "this input is not a valid identifier"
 * (as opposed to a database or system failure). */
int cli_is_input_error(int rc);

/* The message for an invalid identifier: err's reason, or for
 * SDX_EAMBIGUOUS a hint to pass --kind. Writes into buf. */
void cli_input_error_text(int rc, const sdx_norm_error *err, char *buf,
			  size_t size);

/* ---- cmd_report.c: one report from a JSON object with the import's
 * column names (as 'scamdex report --json'); -1 and msg on a bad one ---- */
struct json_t;
int cli_report_from_json(struct json_t *root, sdx_report *out, char *msg,
			 size_t size);

/* ---- report_state.c: retract, dispute, resolve ---- */

enum { CLI_STATE_RETRACT, CLI_STATE_DISPUTE, CLI_STATE_RESOLVE };
int cli_report_state(const struct cli_cmd *cmd, int which, int argc,
		     char **argv);

/* ---- allowlist.c: allow, disallow ---- */

int cli_allowlist(const struct cli_cmd *cmd, int allow, int argc, char **argv);

/* ---- dbpath.c: which database, and opening it ---- */

#define CLI_DB_READ 0
#define CLI_DB_WRITE 1
#define CLI_DB_LOOKUP 2 /* an existing database, writable if it may be */

/* The database directory: --db, else $SCAMDEX_DB, else
 * $XDG_DATA_HOME/scamdex, else ~/.local/share/scamdex. Writes into buf;
 * -1 (message printed) if none can be named. */
int cli_db_path(char *buf, size_t size);

/* Open the database for reading (a missing one is said plainly), for a
 * look-up (likewise, but writable when the directory is, for the audit
 * log) or for writing (created on first write, parents too). Prints the error
 * and returns EXIT_SYSTEM on failure, 0 on success. */
int cli_db_open(const struct cli_cmd *cmd, int mode, sdx_db **out);

/* Print "scamdex CMD: <what>: <sdx_strerror(rc)>" to stderr and return
 * EXIT_SYSTEM. */
int cli_db_error(const struct cli_cmd *cmd, const char *what, int rc);

/* ---- output.c: terminal colour, JSON and CSV escaping ---- */

/* Colour on standard output: only on a terminal, never with NO_COLOR. */
int cli_color(void);

enum cli_color_code {
	CLI_RED,
	CLI_GREEN,
	CLI_YELLOW,
	CLI_MAGENTA,
	CLI_BOLD,
	CLI_DIM,
};
/* The escape sequence to start a colour, or "" without colour. */
const char *cli_c(enum cli_color_code c);
/* The escape sequence to reset, or "" without colour. */
const char *cli_reset(void);

/* A growable byte buffer, reused across lines (no per-line allocation
 * once it has grown). */
struct cli_buf {
	char *p;
	size_t len, cap;
};
int cli_buf_reserve(struct cli_buf *b, size_t more);
void cli_buf_free(struct cli_buf *b);
int cli_buf_put(struct cli_buf *b, const char *s, size_t n);
int cli_buf_puts(struct cli_buf *b, const char *s);
int cli_buf_putc(struct cli_buf *b, char c);
int cli_buf_putu(struct cli_buf *b, uint64_t v);
/* A JSON string literal (quotes included): control characters escaped,
 * invalid UTF-8 replaced by U+FFFD, so the output is always valid JSON. */
int cli_buf_json_str(struct cli_buf *b, const char *s, size_t n);
/* The same written at o, which has room for CLI_JSON_STR_MAX(n) bytes;
 * returns the end. */
#define CLI_JSON_STR_MAX(n) (6 * (size_t)(n) + 2)
char *cli_json_str_to(char *o, const char *s, size_t n);
/* One CSV field (RFC 4180): quoted only when it has to be. */
int cli_buf_csv_field(struct cli_buf *b, const char *s, size_t n);

/* Write a line of JSON made by jansson (compact, one line) to stdout;
 * frees nothing. Returns 0 or -1 on a write error. */
struct json_t;
int cli_json_line(struct json_t *j);

/* s with every character that could drive a terminal (controls, C1,
 * bidirectional overrides) replaced by '?', into buf (cut to size);
 * returns buf. For text from input or from the database on a terminal. */
char *cli_safe(const char *s, char *buf, size_t size);

/* Seconds since the epoch as "YYYY-MM-DD HH:MM:SS UTC" into buf. */
const char *cli_time(long long sec, char buf[32]);

/* Format an amount "50.000.000 VND" into buf (32 bytes). */
void cli_amount(int64_t vnd, char buf[32]);

#endif
