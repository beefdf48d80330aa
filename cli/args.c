/* args.c: long options and usage errors, the same for every subcommand
 * (signify/jq manners: --help to stdout with status 0, a usage error is
 * one line naming the wrong word plus the usage line, status 2). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render/render.h"

void cli_args_init(struct cli_args *p, const struct cli_cmd *cmd,
		   const struct cli_opt *opts, int argc, char **argv)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->opts = opts;
	p->argc = argc;
	p->argv = argv;
	p->i = 1;
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	char msg[1024], safe[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* the message may echo an argument: nothing in it drives the
	 * terminal */
	fprintf(stderr, "scamdex %s: %s\n%s", cmd->name,
		cli_safe(msg, safe, sizeof safe), cmd->usage);
	return EXIT_USAGE;
}

int cli_help(const struct cli_cmd *cmd)
{
	fputs(cmd->usage, stdout);
	if (cmd->help && cmd->help[0])
		printf("\n%s", cmd->help);
	return EXIT_CLEAN;
}

int cli_args_next(struct cli_args *p)
{
	if (p->i >= p->argc)
		return CLI_ARG_END;
	const char *a = p->argv[p->i++];
	p->opt = a;
	p->val = NULL;
	p->o = NULL;
	if (p->only_pos || a[0] != '-' || a[1] == '\0') {
		/* "-" alone is a positional argument (standard input) */
		p->val = a;
		return CLI_ARG_POS;
	}
	if (!strcmp(a, "--")) {
		p->only_pos = 1;
		return cli_args_next(p);
	}
	if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		cli_help(p->cmd);
		return CLI_ARG_HELP;
	}
	if (a[1] != '-') {
		cli_usage_error(p->cmd, "unknown option '%s'", a);
		return CLI_ARG_ERROR;
	}
	const char *name = a + 2;
	const char *eq = strchr(name, '=');
	size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
	for (const struct cli_opt *o = p->opts; o && o->name; o++) {
		if (strlen(o->name) != nlen || memcmp(o->name, name, nlen))
			continue;
		p->o = o;
		int id = (int)(o - p->opts) + 1;
		if (o->type == CLI_OPT_FLAG || o->type == CLI_OPT_ONE_OF) {
			if (eq) {
				cli_usage_error(p->cmd,
						"option '--%s' takes no value",
						o->name);
				return CLI_ARG_ERROR;
			}
			return id;
		}
		if (eq) {
			p->val = eq + 1;
		} else if (p->i < p->argc) {
			p->val = p->argv[p->i++];
		} else {
			cli_usage_error(p->cmd, "option '--%s' needs a value",
					o->name);
			return CLI_ARG_ERROR;
		}
		return id;
	}
	if (eq)
		cli_usage_error(p->cmd, "unknown option '%.*s'", (int)(eq - a),
				a);
	else
		cli_usage_error(p->cmd, "unknown option '%s'", a);
	return CLI_ARG_ERROR;
}

/* "choose one of --A and --B": every ONE_OF option that sets the same
 * place as o, in table order. */
static int one_of_error(const struct cli_args *p, const struct cli_opt *o)
{
	char names[256];
	size_t len = 0, n = 0, total = 0;
	for (const struct cli_opt *e = p->opts; e->name; e++)
		total += e->type == CLI_OPT_ONE_OF && e->to == o->to;
	names[0] = '\0';
	for (const struct cli_opt *e = p->opts; e->name; e++) {
		if (e->type != CLI_OPT_ONE_OF || e->to != o->to)
			continue;
		n++;
		const char *sep = n == 1 ? "" : n == total ? " and " : ", ";
		int w = snprintf(names + len, sizeof names - len, "%s--%s", sep,
				 e->name);
		if (w < 0 || (size_t)w >= sizeof names - len)
			break;
		len += (size_t)w;
	}
	return cli_usage_error(p->cmd, "choose one of %s", names);
}

/* The option p->o with its value p->val: 0, or -1 after a usage error. */
static int take_option(const struct cli_args *p)
{
	const struct cli_opt *o = p->o;
	switch (o->type) {
	case CLI_OPT_FLAG:
		*(int *)o->to = 1;
		return 0;
	case CLI_OPT_ONE_OF:
		if (*(int *)o->to != 0) {
			one_of_error(p, o);
			return -1;
		}
		*(int *)o->to = (int)o->n;
		return 0;
	case CLI_OPT_STR:
		*(const char **)o->to = p->val;
		return 0;
	case CLI_OPT_KIND:
		return cli_parse_kind(p, o->to);
	case CLI_OPT_AUDIENCE:
		return cli_parse_audience(p, o->to);
	case CLI_OPT_DATE:
		return cli_parse_date(p, o->to);
	case CLI_OPT_UINT:
		return cli_parse_uint(p, o->n, o->to);
	case CLI_OPT_CALL:
		return o->fn(p);
	}
	return -1;
}

/* A positional argument p->val into pos: 0, or -1 after a usage error. */
static int take_positional(const struct cli_args *p, struct cli_pos *pos)
{
	int known = !pos || !pos->words;
	for (const char *const *w = pos ? pos->words : NULL; w && *w; w++)
		known |= !strcmp(*w, p->val);
	if (!pos || pos->n == pos->max || !known) {
		cli_usage_error(p->cmd, "%s '%s'",
				pos && pos->extra ? pos->extra
						  : "unexpected argument",
				p->val);
		return -1;
	}
	if (pos->val)
		pos->val[pos->n] = p->val;
	pos->n++;
	return 0;
}

int cli_args_parse(const struct cli_cmd *cmd, const struct cli_opt *opts,
		   struct cli_pos *pos, int argc, char **argv)
{
	struct cli_args p;
	int a;
	cli_args_init(&p, cmd, opts, argc, argv);
	while ((a = cli_args_next(&p)) != CLI_ARG_END) {
		if (a == CLI_ARG_ERROR)
			return EXIT_USAGE;
		if (a == CLI_ARG_HELP)
			return EXIT_CLEAN;
		if (a == CLI_ARG_POS ? take_positional(&p, pos)
				     : take_option(&p))
			return EXIT_USAGE;
	}
	return CLI_GO;
}

int cli_parse_kind(const struct cli_args *p, sdx_kind *out)
{
	if (sdx_kind_parse(p->val, out) != 0 || *out == SDX_KIND_AUTO) {
		cli_usage_error(p->cmd,
				"unknown kind '%s' (phone, bank, account, "
				"iban, handle or domain)",
				p->val);
		return -1;
	}
	return 0;
}

int cli_parse_audience(const struct cli_args *p, int *out)
{
	if (sdx_audience_parse(p->val, strlen(p->val), out) != 0) {
		cli_usage_error(
		    p->cmd, "unknown audience '%s' (bank or police)", p->val);
		return -1;
	}
	return 0;
}

int cli_parse_date(const struct cli_args *p, int32_t *out)
{
	if (sdx_date_parse(p->val, strlen(p->val), out) != 0) {
		cli_usage_error(p->cmd, "bad date '%s' for %s (YYYY-MM-DD)",
				p->val, p->opt);
		return -1;
	}
	return 0;
}

int cli_parse_uint(const struct cli_args *p, unsigned long max,
		   unsigned long *out)
{
	const char *s = p->val;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || v > max) {
		cli_usage_error(p->cmd, "bad number '%s' for %s (0..%lu)", s,
				p->opt, max);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_is_input_error(int rc)
{
	return (rc <= SDX_ESYNTAX && rc >= SDX_EUTF8) || rc == SDX_ETOOLONG ||
	       rc == SDX_EINVAL;
}

void cli_input_error_text(int rc, const sdx_norm_error *err, char *buf,
			  size_t size)
{
	if (rc == SDX_EAMBIGUOUS)
		snprintf(buf, size,
			 "ambiguous: a phone number or an account number; "
			 "pass --kind phone or --kind account");
	else if (rc == SDX_ETOOLONG)
		snprintf(buf, size, "longer than %d bytes", SDX_INPUT_MAX);
	else if (err && err->reason[0])
		snprintf(buf, size, "%s", err->reason);
	else
		snprintf(buf, size, "%s", sdx_strerror(rc));
}

int cli_identifier_error(const struct cli_cmd *cmd, const char *input, int rc,
			 const sdx_norm_error *err)
{
	char msg[256];
	cli_input_error_text(rc, err, msg, sizeof msg);
	char safe[SDX_INPUT_MAX + 1];
	fprintf(stderr, "scamdex %s: invalid identifier '%s': %s\n", cmd->name,
		cli_safe(input, safe, sizeof safe), msg);
	return EXIT_USAGE;
}

int cli_identifier(const struct cli_cmd *cmd, sdx_kind kind, const char *input,
		   sdx_kind *kind_out, char canonical[SDX_CANON_MAX])
{
	sdx_norm_error err;
	memset(&err, 0, sizeof err);
	size_t len = strlen(input);
	int rc = len > SDX_INPUT_MAX
		     ? SDX_ETOOLONG
		     : sdx_normalize(kind, input, len, canonical, SDX_CANON_MAX,
				     NULL, kind_out, &err);
	return rc ? cli_identifier_error(cmd, input, rc, &err) : 0;
}

int cli_identifier_readings(const struct cli_cmd *cmd, sdx_kind kind,
			    const char *input)
{
	sdx_reading rd[SDX_READINGS_MAX];
	sdx_norm_error err;
	size_t n, len = strlen(input);
	memset(&err, 0, sizeof err);
	int rc = len > SDX_INPUT_MAX
		     ? SDX_ETOOLONG
		     : sdx_normalize_all(kind, input, len, rd, SDX_READINGS_MAX,
					 &n, &err);
	return rc ? cli_identifier_error(cmd, input, rc, &err) : 0;
}

int cli_pick_reading(const struct cli_cmd *cmd, sdx_db *db, int audience,
		     sdx_kind kind, const char *input, int accounts_ok,
		     sdx_interp *it, size_t *n, size_t *pick)
{
	sdx_norm_error err;
	int rc = render_pick_reading(db, kind, input, strlen(input), audience,
				     accounts_ok, it, n, pick, &err);
	if (rc == 0)
		return 0;
	sdx_db_close(db);
	return cli_is_input_error(rc)
		   ? cli_identifier_error(cmd, input, rc, &err)
		   : cli_db_error(cmd, input, rc);
}

int cli_report_id(const struct cli_cmd *cmd, const char *hex, uint8_t id[16])
{
	size_t n = strlen(hex);
	uint8_t full[16];
	char padded[33];
	/* the syntax now, the look-up of a prefix once the database is
	 * open (cli_report_id_find) */
	if (n >= SDX_ID_PREFIX_MIN && n <= 32) {
		memcpy(padded, hex, n);
		memset(padded + n, '0', 32 - n);
		if (sdx_id_from_hex(padded, 32, full) == 0) {
			memcpy(id, full, 16);
			return 0;
		}
	}
	return cli_usage_error(cmd,
			       "bad report id '%s' (32 hex digits, or a "
			       "unique prefix of at least %d)",
			       hex, SDX_ID_PREFIX_MIN);
}

int cli_report_id_find(const struct cli_cmd *cmd, sdx_db *db, const char *hex,
		       uint8_t id[16])
{
	int rc = sdx_report_id_prefix(db, hex, strlen(hex), id);
	if (rc == SDX_ENOTFOUND) {
		fprintf(stderr, "scamdex %s: no report id starts with %s\n",
			cmd->name, hex);
		return EXIT_USAGE;
	}
	if (rc == SDX_EAMBIGUOUS) {
		fprintf(stderr,
			"scamdex %s: report id prefix %s is ambiguous: "
			"several reports start with it; give more digits\n",
			cmd->name, hex);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_db_error(cmd, hex, rc);
	return 0;
}
