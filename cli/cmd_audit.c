/* cmd_audit.c: scamdex audit: read the audit log (who looked up what,
 * when, from where, and what was answered), and prune it. */
#include <jansson.h>
#include <string.h>

#include "access.h"

static const struct cli_cmd cmd = {
    "audit",
    "usage: scamdex audit [--since DATE] [--who NAME] [--identifier X] "
    "[--json]\n"
    "       scamdex audit prune --before DATE\n",
    "The audit log: every look-up (check, show, links, stats; from the\n"
    "command line and from the service), oldest first: when, who (token\n"
    "name or unix user) with which role, from where, what was asked and\n"
    "what was answered. Text: one line per identifier looked up.\n"
    "\n"
    "  --since DATE      from DATE (YYYY-MM-DD, UTC) on\n"
    "  --who NAME        only look-ups by NAME\n"
    "  --identifier X    only look-ups of identifier X (any form)\n"
    "  --json            one JSON object per record, with \"at\"\n"
    "  --before DATE     prune: remove the records before DATE\n"
    "  -h, --help        this help\n",
};

struct ctx {
	const char *who;
	sdx_kind kind; /* --identifier, or AUTO */
	char canonical[SDX_CANON_MAX];
	int json;
	int error;
	uint64_t shown;
};

static void at_text(int64_t usec, char buf[40])
{
	char t[32];
	cli_time(usec / 1000000, t);
	/* "YYYY-MM-DD HH:MM:SS UTC" -> with microseconds */
	snprintf(buf, 40, "%.19s.%06lld", t, (long long)(usec % 1000000));
}

/* Text output: control characters never reach the terminal. */
static void put_safe(const char *s)
{
	char buf[1024];
	fputs(cli_safe(s, buf, sizeof buf), stdout);
}

static int item_matches(const struct ctx *c, json_t *it)
{
	if (!c->kind)
		return 1;
	const char *k = json_string_value(json_array_get(it, 0));
	const char *v = json_string_value(json_array_get(it, 1));
	return k && v && !strcmp(k, sdx_kind_name(c->kind)) &&
	       !strcmp(v, c->canonical);
}

static int on_record(int64_t usec, const void *rec, size_t len, void *arg)
{
	struct ctx *c = arg;
	json_t *o = audit_decode(rec, len);
	if (!o)
		return 0; /* not ours: skipped */
	const char *who = json_string_value(json_object_get(o, "who"));
	if (c->who && (!who || strcmp(who, c->who))) {
		json_decref(o);
		return 0;
	}
	json_t *items = json_object_get(o, "items");
	json_t *keep = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (item_matches(c, it))
			json_array_append(keep, it);
	}
	if (c->kind && json_array_size(keep) == 0) {
		json_decref(keep);
		json_decref(o);
		return 0;
	}
	char at[40];
	at_text(usec, at);
	if (c->json) {
		json_t *out = json_object();
		json_object_set_new(out, "at", json_string(at));
		json_object_update(out, o);
		json_object_set(out, "items", keep);
		if (cli_json_line(out) != 0)
			c->error = 1;
		json_decref(out);
	} else {
		const char *f[] = {"role", "via",      "from",
				   "op",   "audience", "flag"};
		const char *v[6];
		for (size_t k = 0; k < 6; k++)
			v[k] = json_string_value(json_object_get(o, f[k]));
		size_t n = json_array_size(keep);
		for (size_t k = 0; k < (n ? n : 1); k++) {
			printf("%s  ", at);
			put_safe(who ? who : "?");
			printf(" (%s) %s ", v[0] ? v[0] : "?",
			       v[1] ? v[1] : "?");
			put_safe(v[2] ? v[2] : "?");
			printf("  %s %s", v[3] ? v[3] : "?", v[4] ? v[4] : "?");
			json_t *e = json_array_get(keep, k);
			if (e) {
				const char *a =
				    json_string_value(json_array_get(e, 0));
				const char *b =
				    json_string_value(json_array_get(e, 1));
				const char *r =
				    json_string_value(json_array_get(e, 2));
				printf("  %s ", a ? a : "?");
				put_safe(b ? b : "?");
				printf(" %s", r ? r : "?");
			}
			if (v[5])
				printf("  FLAG %s", v[5]);
			putchar('\n');
		}
	}
	c->shown++;
	json_decref(keep);
	json_decref(o);
	if (ferror(stdout))
		c->error = 1;
	return c->error;
}

int cmd_audit(int argc, char **argv)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
	int32_t since = SDX_DATE_NONE, before = SDX_DATE_NONE;
	const char *ident = NULL, *verb = NULL;
	const struct cli_opt opts[] = {
	    CLI_DATE("since", &since),	   CLI_STR("who", &c.who),
	    CLI_STR("identifier", &ident), CLI_FLAG("json", &c.json),
	    CLI_DATE("before", &before),   {0},
	};
	static const char *const verbs[] = {"prune", NULL};
	struct cli_pos pos = {&verb, 1, NULL, verbs, 0};
	int st = cli_args_parse(&cmd, opts, &pos, argc, argv);
	if (st != CLI_GO)
		return st;
	if (verb && before == SDX_DATE_NONE)
		return cli_usage_error(&cmd, "prune needs --before DATE");
	if (!verb && before != SDX_DATE_NONE)
		return cli_usage_error(&cmd, "--before goes with prune");
	if (verb && (c.who || ident || c.json || since != SDX_DATE_NONE))
		return cli_usage_error(&cmd, "prune takes --before only");
	if (ident) {
		int rc = cli_identifier(&cmd, SDX_KIND_AUTO, ident, &c.kind,
					c.canonical);
		if (rc)
			return rc;
	}
	sdx_db *db;
	struct who who;
	int rc = access_open(&cmd, verb ? CLI_DB_WRITE : CLI_DB_LOOKUP,
			     "read the audit log", &db, &who);
	if (rc)
		return rc;
	if (verb) {
		uint64_t removed = 0;
		rc = sdx_audit_prune(db, (int64_t)before * 86400 * 1000000,
				     &removed);
		sdx_db_close(db);
		if (rc)
			return cli_db_error(&cmd, "pruning", rc);
		char d[11];
		sdx_date_format(before, d);
		printf("removed %llu audit record%s before %s\n",
		       (unsigned long long)removed, removed == 1 ? "" : "s", d);
		return EXIT_CLEAN;
	}
	rc = sdx_audit_scan(
	    db, since == SDX_DATE_NONE ? 0 : (int64_t)since * 86400 * 1000000,
	    on_record, &c);
	sdx_db_close(db);
	if (c.error)
		return EXIT_SYSTEM;
	if (rc)
		return cli_db_error(&cmd, "reading the audit log", rc);
	return EXIT_CLEAN;
}
