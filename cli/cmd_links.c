/* cmd_links.c: scamdex links: the identifiers connected to one through
 * shared reports, as a list, JSON Lines, or a Graphviz graph. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cli.h"
#include "render/render.h"

static const struct cli_cmd cmd = {
    "links",
    "usage: scamdex links [--kind K] [--depth N] [--limit N] "
    "[--audience bank|police] [--dot|--json] ID\n",
    "The identifiers connected to ID through shared reports, breadth\n"
    "first: the number, the account and the Zalo handle used in the same\n"
    "extortion, and what those were used in.\n"
    "\n"
    "  --kind K          phone, bank, account, iban, handle or domain\n"
    "                    (default: detect)\n"
    "  --depth N         hops from ID (default 2; 1 = identifiers that\n"
    "                    share a report with ID)\n"
    "  --limit N         at most N identifiers (default 100; 0 = all)\n"
    "  --audience A      bank: leave out police-only reports\n"
    "  --dot             a Graphviz graph: scamdex links --dot ID | "
    "dot -Tsvg >g.svg\n"
    "  --json            one JSON object per edge\n"
    "  -h, --help        this help\n",
};

/* An identifier as text, into a NUL-terminated buffer. */
static const char *ident_text(struct cli_buf *b, sdx_kind kind,
			      const char *canonical)
{
	b->len = 0;
	render_identifier_text(b, kind, canonical);
	cli_buf_putc(b, '\0');
	if (!b->p)
		return canonical;
	/* a received identifier never drives the terminal */
	return cli_safe(b->p, b->p, b->len);
}

/* Edge i's identifier first appears at edge i (the walk is breadth
 * first: its depth is the smallest). */
static int first_of(const struct render_links *g, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (g->edges[j].kind == g->edges[i].kind &&
		    !strcmp(g->edges[j].canonical, g->edges[i].canonical))
			return 0;
	return 1;
}

/* Through which identifier one hop nearer an identifier at depth >= 2
 * is linked: one of the identifiers of the report that found it that is
 * at depth - 1. NULL if none is known. */
static const struct render_edge *via(sdx_db *db, const struct render_links *g,
				     const struct render_edge *e, sdx_report *r)
{
	if (e->depth < 2 || sdx_report_get(db, e->report, g->audience, r))
		return NULL;
	for (size_t k = 0; k < r->n_idents; k++)
		for (size_t j = 0; j < g->n; j++) {
			const struct render_edge *o = &g->edges[j];
			if (o->depth == e->depth - 1 &&
			    o->kind == r->idents[k].kind &&
			    !strcmp(o->canonical, r->idents[k].canonical))
				return o;
		}
	return NULL;
}

/* The start, then one line per linked identifier: its depth, kind,
 * identifier, how many reports link it, and at depth 2 and more through
 * which identifier. */
static void print_text(sdx_db *db, const struct render_links *g)
{
	struct cli_buf b = {0};
	sdx_report *r = malloc(sizeof *r);
	printf("%s  %s\n", ident_text(&b, g->kind, g->canonical),
	       render_kind_label(g->kind));
	for (size_t i = 0; i < g->n; i++) {
		const struct render_edge *e = &g->edges[i];
		if (!first_of(g, i))
			continue;
		/* how many of the graph's reports name it (the walk gives
		 * each identifier once, through the report that found it) */
		size_t reports = 0;
		for (size_t j = 0; r && j < g->n; j++) {
			int again = 0;
			for (size_t k = 0; k < j && !again; k++)
				again = !memcmp(g->edges[k].report,
						g->edges[j].report, 16);
			if (again || sdx_report_get(db, g->edges[j].report,
						    g->audience, r) != 0)
				continue;
			for (size_t k = 0; k < r->n_idents; k++)
				if (r->idents[k].kind == e->kind &&
				    !strcmp(r->idents[k].canonical,
					    e->canonical)) {
					reports++;
					break;
				}
		}
		printf("  %u  %s  %s  ", e->depth, render_kind_label(e->kind),
		       ident_text(&b, e->kind, e->canonical));
		if (render_lang() == RENDER_VI)
			printf("%zu tin báo", reports);
		else
			printf("%zu %s", reports,
			       reports == 1 ? "report" : "reports");
		const struct render_edge *v = r ? via(db, g, e, r) : NULL;
		if (v)
			printf("  %s %s", render_tr("via", "qua"),
			       ident_text(&b, v->kind, v->canonical));
		putchar('\n');
	}
	free(r);
	cli_buf_free(&b);
}

static int print_json(const struct render_links *g)
{
	for (size_t i = 0; i < g->n; i++) {
		json_t *o = render_link_json(&g->edges[i]);
		int rc = o ? cli_json_line(o) : -1;
		json_decref(o);
		if (rc)
			return -1;
	}
	return 0;
}

static int print_dot(sdx_db *db, const struct render_links *g)
{
	struct cli_buf b = {0};
	int rc = render_links_dot(db, g, &b);
	if (rc == 0 && b.len && fwrite(b.p, 1, b.len, stdout) != b.len)
		rc = -1;
	cli_buf_free(&b);
	return rc;
}

int cmd_links(int argc, char **argv)
{
	enum { F_TEXT, F_JSON, F_DOT };
	int fmt = F_TEXT, audience = SDX_AUD_POLICE;
	sdx_kind kind = SDX_KIND_AUTO;
	unsigned long depth = 2, limit = 100;
	const char *input = NULL;
	const struct cli_opt opts[] = {
	    CLI_KIND("kind", &kind),
	    CLI_UINT("depth", &depth, 16),
	    CLI_UINT("limit", &limit, 1000000),
	    CLI_AUDIENCE("audience", &audience),
	    CLI_ONE_OF("dot", &fmt, F_DOT),
	    CLI_ONE_OF("json", &fmt, F_JSON),
	    {0},
	};
	struct cli_pos pos = {&input, 1, "one ID only; extra", NULL, 0};
	int st = cli_args_parse(&cmd, opts, &pos, argc, argv);
	if (st != CLI_GO)
		return st;
	if (!input)
		return cli_usage_error(&cmd, "no ID given");
	char safe[SDX_CANON_MAX];
	int rc = cli_identifier_readings(&cmd, kind, input);
	if (rc)
		return rc;
	sdx_db *db;
	struct who who;
	rc = access_open(&cmd, CLI_DB_LOOKUP, NULL, &db, &who);
	if (rc)
		return rc;
	audience = role_audience(who.role, audience);
	/* the reading check answers with, as show takes it; an account at
	 * every bank links through each bank's account, not as one */
	sdx_interp it[SDX_INTERP_MAX];
	size_t n = 0, pick;
	if ((rc = cli_pick_reading(&cmd, db, audience, kind, input, 0, it, &n,
				   &pick)))
		return rc;
	const char *canonical = it[pick].result.canonical;
	kind = it[pick].result.kind;
	struct render_links g;
	rc = render_links_walk(db, &g, kind, canonical, (unsigned)depth,
			       (size_t)limit, audience, fmt == F_DOT);
	if (rc != 0) {
		sdx_db_close(db);
		render_links_free(&g);
		return cli_db_error(&cmd, canonical, rc);
	}
	char res[32];
	struct audit_rec rec;
	snprintf(res, sizeof res, "links:%zu", g.n);
	audit_begin(&rec, &who, "links", audience);
	audit_item(&rec, kind, canonical, strlen(canonical), res);
	audit_write(&cmd, db, &rec);
	audit_free(&rec);
	if (fmt == F_DOT)
		rc = print_dot(db, &g);
	else if (fmt == F_JSON)
		rc = print_json(&g);
	else if (g.n == 0)
		printf("%s %s %s\n",
		       render_tr("no links for", "không có liên kết nào của"),
		       render_kind_label(kind),
		       cli_safe(canonical, safe, sizeof safe));
	else
		print_text(db, &g);
	sdx_db_close(db);
	render_links_free(&g);
	if (g.truncated)
		fprintf(stderr,
			"scamdex links: stopped at %lu identifiers; raise "
			"--limit to see more\n",
			limit);
	return rc ? EXIT_SYSTEM : EXIT_CLEAN;
}
