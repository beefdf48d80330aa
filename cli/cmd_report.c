/* cmd_report.c: scamdex report: add one report, from flags named like the
 * import columns or from one JSON object with the same names. */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_cmd cmd = {
    "report",
    "usage: scamdex report IDENTIFIERS --agency NAME [PROVENANCE...]\n"
    "       scamdex report --json FILE|-\n",
    "Add one report. It names one or more identifiers, which it links:\n"
    "\n"
    "  --phone NUMBER            the number that called or texted (caller)\n"
    "  --bank BANK --account N   the account money was demanded to (payee)\n"
    "  --vietqr PAYLOAD          a VietQR payload naming that account\n"
    "  --handle NAME [--platform P]  the chat account that wrote (chat)\n"
    "  --url URL                 a link that was sent (link)\n"
    "Each may be given several times (at most 16 identifiers).\n"
    "\n"
    "Provenance:\n"
    "  --agency NAME             the reporting agency (required)\n"
    "  --case-ref REF            its case reference, e.g. 5354/CAT-PA05\n"
    "  --incident-date DATE      YYYY-MM-DD or DD/MM/YYYY\n"
    "  --received-date DATE      default: today\n"
    "  --category C              extortion, impersonation_police, ... "
    "(or the\n"
    "                            Vietnamese label)\n"
    "  --channel C               call, sms, zalo, viber, messenger, "
    "telegram, ...\n"
    "  --amount VND              demanded or lost: 5000000, 5.000.000 "
    "VND\n"
    "  --confirmation C          reported (default), police, court\n"
    "  --audience A              bank (default) or police (police only)\n"
    "  --narrative TEXT          what happened\n"
    "  --origin OFFICE           the office it comes from (default: this "
    "one)\n"
    "  --json FILE|-             one JSON object with the same names\n"
    "                            (case_ref, incident_date, ...) instead "
    "of flags\n"
    "  --strict                  refuse an unknown category or channel\n"
    "                            (default: kept as other, with the label)\n"
    "  -h, --help                this help\n"
    "\n"
    "Prints 'added ID' for a new report, 'exists ID (...)' when the same\n"
    "report is already in the database. The database is created on the\n"
    "first write.\n",
};

enum {
	O_PHONE = 1,
	O_BANK,
	O_ACCOUNT,
	O_VIETQR,
	O_HANDLE,
	O_PLATFORM,
	O_URL,
	O_AGENCY,
	O_CASE_REF,
	O_INCIDENT_DATE,
	O_RECEIVED_DATE,
	O_CATEGORY,
	O_CHANNEL,
	O_AMOUNT,
	O_CONFIRMATION,
	O_AUDIENCE,
	O_NARRATIVE,
	O_ORIGIN,
	N_FIELDS = O_ORIGIN,
};

/* The report's fields as flags, in id order; the JSON names are the
 * same with '_' for '-'. */
static const char *const fields[N_FIELDS] = {
    "phone",	     "bank",	  "account", "vietqr",	 "handle",
    "platform",	     "url",	  "agency",  "case-ref", "incident-date",
    "received-date", "category",  "channel", "amount",	 "confirmation",
    "audience",	     "narrative", "origin",
};

#define MAXID SDX_REPORT_IDENTS_MAX

struct build {
	sdx_report r;
	const char *banks[MAXID], *accounts[MAXID];
	const char *handles[MAXID], *platforms[MAXID];
	size_t nbank, naccount, nhandle, nplatform;
	int nflags; /* fields given as flags */
	int have_agency;
	json_t *json;  /* kept until the report is built: banks[] etc. point
			  into it */
	char msg[512]; /* what was wrong, for the caller to print */
};

__attribute__((format(printf, 2, 3))) static int fail(struct build *b,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->msg, sizeof b->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static int copy(struct build *b, const char *name, const char *v, char *dst,
		size_t size)
{
	size_t n = strlen(v);
	if (n >= size) {
		snprintf(b->msg, sizeof b->msg,
			 "%s is too long (%zu bytes, at most %zu)", name, n,
			 size - 1);
		return -1;
	}
	memcpy(dst, v, n + 1);
	return 0;
}

static int add_ident(struct build *b, const char *name, sdx_kind kind,
		     sdx_role role, const char *input)
{
	sdx_norm_error err;
	memset(&err, 0, sizeof err);
	size_t len = strlen(input);
	if (b->r.n_idents >= MAXID) {
		snprintf(b->msg, sizeof b->msg,
			 "too many identifiers (at most %d)", MAXID);
		return -1;
	}
	int rc = len > SDX_INPUT_MAX ? SDX_ETOOLONG
				     : sdx_report_add_ident(&b->r, kind, role,
							    input, len, &err);
	if (rc == 0)
		return 0;
	char why[256];
	cli_input_error_text(rc, &err, why, sizeof why);
	return fail(b, "invalid %s '%s': %s", name, input, why);
}

static int push(struct build *b, const char **list, size_t *n, const char *name,
		const char *v)
{
	if (*n >= MAXID) {
		snprintf(b->msg, sizeof b->msg, "too many %s values", name);
		return -1;
	}
	list[(*n)++] = v;
	return 0;
}

/* Set one field by option id; name is how the user spelt it. */
static int set_field(struct build *b, int id, const char *name, const char *v)
{
	sdx_report *r = &b->r;
	size_t n = strlen(v);
	int rc = 0;
	switch (id) {
	case O_PHONE:
		return add_ident(b, name, SDX_KIND_PHONE, SDX_ROLE_CALLER, v);
	case O_VIETQR:
		return add_ident(b, name, SDX_KIND_BANK, SDX_ROLE_PAYEE, v);
	case O_URL:
		return add_ident(b, name, SDX_KIND_DOMAIN, SDX_ROLE_LINK, v);
	case O_BANK:
		return push(b, b->banks, &b->nbank, name, v);
	case O_ACCOUNT:
		return push(b, b->accounts, &b->naccount, name, v);
	case O_HANDLE:
		return push(b, b->handles, &b->nhandle, name, v);
	case O_PLATFORM:
		return push(b, b->platforms, &b->nplatform, name, v);
	case O_AGENCY:
		b->have_agency = n > 0;
		return copy(b, name, v, r->agency, sizeof r->agency);
	case O_CASE_REF:
		return copy(b, name, v, r->case_ref, sizeof r->case_ref);
	case O_NARRATIVE:
		return copy(b, name, v, r->narrative, sizeof r->narrative);
	case O_ORIGIN:
		return copy(b, name, v, r->origin, sizeof r->origin);
	case O_INCIDENT_DATE:
		rc = sdx_date_parse(v, n, &r->incident_date);
		break;
	case O_RECEIVED_DATE:
		rc = sdx_date_parse(v, n, &r->received_date);
		break;
	case O_CATEGORY:
		if (sdx_category_parse(v, n, &r->category) == 0)
			return 0;
		r->category = SDX_CAT_OTHER;
		return copy(b, name, v, r->category_label,
			    sizeof r->category_label);
	case O_CHANNEL:
		if (sdx_channel_parse(v, n, &r->channel) == 0)
			return 0;
		r->channel = SDX_CHAN_OTHER;
		return copy(b, name, v, r->channel_label,
			    sizeof r->channel_label);
	case O_AMOUNT:
		rc = sdx_amount_parse(v, n, &r->amount);
		break;
	case O_CONFIRMATION:
		rc = sdx_confirmation_parse(v, n, &r->confirmation);
		break;
	case O_AUDIENCE:
		rc = sdx_audience_parse(v, n, &r->audience);
		break;
	}
	if (rc == 0)
		return 0;
	return fail(b, "bad %s '%s'%s", name, v,
		    id == O_INCIDENT_DATE || id == O_RECEIVED_DATE
			? " (YYYY-MM-DD or DD/MM/YYYY)"
			: "");
}

/* Pair banks with accounts and handles with platforms, then check that
 * the report is complete. */
static int finish_build(struct build *b)
{
	char in[2 * SDX_INPUT_MAX + 2];
	if (b->nbank != b->naccount) {
		snprintf(b->msg, sizeof b->msg,
			 "%zu bank and %zu account values: give each account "
			 "with its bank",
			 b->nbank, b->naccount);
		return -1;
	}
	for (size_t i = 0; i < b->nbank; i++) {
		snprintf(in, sizeof in, "%s:%s", b->banks[i], b->accounts[i]);
		if (add_ident(b, "bank account", SDX_KIND_BANK, SDX_ROLE_PAYEE,
			      in))
			return -1;
	}
	if (b->nplatform > 1 && b->nplatform != b->nhandle) {
		snprintf(b->msg, sizeof b->msg,
			 "%zu handle and %zu platform values: give one "
			 "platform, or one per handle",
			 b->nhandle, b->nplatform);
		return -1;
	}
	if (b->nplatform && !b->nhandle) {
		snprintf(b->msg, sizeof b->msg, "platform without handle");
		return -1;
	}
	/* without --platform, "@0933111222" (no Telegram name) is the
	 * channel's account of that number, as in scamdex-import */
	const char *chan_pf = sdx_channel_platform(b->r.channel);
	for (size_t i = 0; i < b->nhandle; i++) {
		const char *h = b->handles[i];
		const char *pf = b->nplatform
				     ? b->platforms[b->nplatform > 1 ? i : 0]
				     : chan_pf;
		if (pf &&
		    (b->nplatform || sdx_handle_is_number(h, strlen(h)))) {
			snprintf(in, sizeof in, "%s:%s", pf,
				 h[0] == '@' ? h + 1 : h);
			h = in;
		}
		if (add_ident(b, "handle", SDX_KIND_HANDLE, SDX_ROLE_CHAT, h))
			return -1;
	}
	if (b->r.n_idents == 0) {
		snprintf(b->msg, sizeof b->msg,
			 "no identifier: give --phone, --bank with --account, "
			 "--vietqr, --handle or --url");
		return -1;
	}
	if (!b->have_agency) {
		snprintf(b->msg, sizeof b->msg, "no agency: give --agency");
		return -1;
	}
	return 0;
}

/* One JSON value (string, number, or array of them for repeatable
 * fields) into set_field. */
static int set_json(struct build *b, int id, const char *key, json_t *v)
{
	char num[32];
	if (json_is_null(v))
		return 0;
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		if (id != O_PHONE && id != O_VIETQR && id != O_URL &&
		    id != O_BANK && id != O_ACCOUNT && id != O_HANDLE &&
		    id != O_PLATFORM)
			return fail(b, "%s%s: %s", key, "",
				    "an array is not allowed here");
		json_array_foreach(v, i, e)
		{
			if (set_json(b, id, key, e))
				return -1;
		}
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return set_field(b, id, key, num);
	}
	if (!json_is_string(v))
		return fail(b, "%s%s: %s", key, "",
			    "expected a string or a number");
	return set_field(b, id, key, json_string_value(v));
}

/* The fields of one JSON object into b; path names it in messages. */
static int from_object(struct build *b, json_t *root, const char *path)
{
	int rc = 0;
	if (!json_is_object(root)) {
		snprintf(b->msg, sizeof b->msg, "%s: expected one JSON object",
			 path);
		rc = -1;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (rc)
			break;
		char name[32];
		size_t n = strlen(key);
		int id = 0;
		if (n < sizeof name) {
			for (size_t i = 0; i <= n; i++)
				name[i] = key[i] == '_' ? '-' : key[i];
			for (int f = 0; f < N_FIELDS; f++)
				if (!strcmp(fields[f], name))
					id = f + 1;
		}
		if (!id) {
			snprintf(b->msg, sizeof b->msg, "unknown field '%s'",
				 key);
			rc = -1;
		} else {
			rc = set_json(b, id, key, v);
		}
	}
	return rc;
}

static int from_json(struct build *b, const char *path)
{
	json_error_t jerr;
	json_t *root =
	    !strcmp(path, "-")
		? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr)
		: json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		const char *name = strcmp(path, "-") ? path : "standard input";
		if (jerr.line < 1) /* could not read it at all */
			snprintf(b->msg, sizeof b->msg, "%s", jerr.text);
		else
			snprintf(b->msg, sizeof b->msg,
				 "%s: line %d column %d: %s", name, jerr.line,
				 jerr.column, jerr.text);
		return -1;
	}
	b->json = root;
	return from_object(b, root, path);
}

int cli_report_from_json(json_t *root, sdx_report *out, char *msg, size_t size)
{
	struct build *b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(msg, size, "out of memory");
		return -1;
	}
	sdx_report_init(&b->r);
	int rc = from_object(b, root, "the body") || finish_build(b) ? -1 : 0;
	if (rc)
		snprintf(msg, size, "%s", b->msg);
	else
		*out = b->r;
	free(b);
	return rc;
}

/* A field's flag (id p->o->n) into the build p->o->to. */
static int field_opt(const struct cli_args *p)
{
	struct build *b = p->o->to;
	char flag[32];
	b->nflags++;
	snprintf(flag, sizeof flag, "--%s", p->o->name);
	if (set_field(b, (int)p->o->n, flag, p->val) == 0)
		return 0;
	cli_usage_error(&cmd, "%s", b->msg);
	return -1;
}

int cmd_report(int argc, char **argv)
{
	static struct build b; /* large (narrative): not on the stack */
	memset(&b, 0, sizeof b);
	sdx_report_init(&b.r);
	const char *json_path = NULL;
	int strict = 0;
	struct cli_opt opts[N_FIELDS + 3] = {
	    [N_FIELDS] = CLI_STR("json", &json_path),
	    [N_FIELDS + 1] = CLI_FLAG("strict", &strict),
	};
	for (int f = 0; f < N_FIELDS; f++)
		opts[f] = (struct cli_opt)CLI_CALL(fields[f], field_opt, &b,
						   (unsigned long)f + 1);
	int st = cli_args_parse(&cmd, opts, NULL, argc, argv);
	if (st != CLI_GO)
		return st;
	if (json_path && b.nflags)
		return cli_usage_error(&cmd,
				       "--json takes every field from the "
				       "object; give no other flags");
	int bad = json_path && from_json(&b, json_path);
	if (!bad)
		bad = finish_build(&b);
	json_decref(b.json);
	if (bad) {
		if (json_path) {
			fprintf(stderr, "scamdex report: %s\n", b.msg);
			return EXIT_USAGE;
		}
		return cli_usage_error(&cmd, "%s", b.msg);
	}
	/* an unknown category or channel: kept as other with its label,
	 * or refused with --strict */
	const char *what[2] = {"category", "channel"};
	const char *label[2] = {b.r.category_label, b.r.channel_label};
	for (int i = 0; i < 2; i++) {
		if (!label[i][0])
			continue;
		if (strict)
			return cli_usage_error(&cmd, "unknown %s '%s'", what[i],
					       label[i]);
		fprintf(stderr,
			"scamdex report: warning: unknown %s '%s' kept as "
			"other (--strict refuses it)\n",
			what[i], label[i]);
	}
	sdx_db *db;
	int rc = cli_db_open(&cmd, CLI_DB_WRITE, &db);
	if (rc)
		return rc;
	uint8_t id[16];
	int added = 0;
	rc = sdx_report_add(db, &b.r, id, &added);
	sdx_db_close(db);
	if (rc)
		return cli_db_error(&cmd, "adding the report", rc);
	char hex[33];
	sdx_id_to_hex(id, hex);
	if (added)
		printf("added %s\n", hex);
	else
		printf("exists %s (already in the database, nothing "
		       "changed)\n",
		       hex);
	return EXIT_CLEAN;
}
