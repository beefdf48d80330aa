/* cmd_links.c: scamdex links: the identifiers connected to one through
 * shared reports, as a list, JSON Lines, or a Graphviz graph. */
#include <jansson.h>
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

enum { O_KIND = 1, O_DEPTH, O_LIMIT, O_AUDIENCE, O_DOT, O_JSON };
static const struct cli_opt opts[] = {
    {"kind", 1, O_KIND},   {"depth", 1, O_DEPTH},
    {"limit", 1, O_LIMIT}, {"audience", 1, O_AUDIENCE},
    {"dot", 0, O_DOT},	   {"json", 0, O_JSON},
    {NULL, 0, 0},
};

static void print_text(const struct render_links *g)
{
	char hex[33], safe[SDX_CANON_MAX];
	for (size_t i = 0; i < g->n; i++) {
		const struct render_edge *e = &g->edges[i];
		sdx_id_to_hex(e->report, hex);
		/* a received identifier never drives the terminal */
		printf("%u  %-7s %-32s %-7s report %s", e->depth,
		       sdx_kind_name(e->kind),
		       cli_safe(e->canonical, safe, sizeof safe),
		       sdx_role_name(e->role), hex);
		if (e->category)
			printf("  %s", sdx_category_name(e->category));
		putchar('\n');
	}
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
	enum { F_TEXT, F_JSON, F_DOT } fmt = F_TEXT;
	sdx_kind kind = SDX_KIND_AUTO;
	int audience = SDX_AUD_POLICE, a;
	unsigned long depth = 2, limit = 100;
	const char *input = NULL;
	struct cli_args p;
	cli_args_init(&p, &cmd, opts, argc, argv);
	while ((a = cli_args_next(&p)) != CLI_ARG_END) {
		switch (a) {
		case CLI_ARG_ERROR:
			return EXIT_USAGE;
		case CLI_ARG_HELP:
			return EXIT_CLEAN;
		case CLI_ARG_POS:
			if (input)
				return cli_usage_error(
				    &cmd, "one ID only; extra '%s'", p.val);
			input = p.val;
			break;
		case O_KIND:
			if (cli_parse_kind(&p, &kind))
				return EXIT_USAGE;
			break;
		case O_DEPTH:
			if (cli_parse_uint(&p, 16, &depth))
				return EXIT_USAGE;
			break;
		case O_LIMIT:
			if (cli_parse_uint(&p, 1000000, &limit))
				return EXIT_USAGE;
			break;
		case O_AUDIENCE:
			if (cli_parse_audience(&p, &audience))
				return EXIT_USAGE;
			break;
		case O_DOT:
		case O_JSON:
			if (fmt != F_TEXT)
				return cli_usage_error(
				    &cmd, "choose one of --dot and --json");
			fmt = a == O_DOT ? F_DOT : F_JSON;
			break;
		}
	}
	if (!input)
		return cli_usage_error(&cmd, "no ID given");
	char canonical[SDX_CANON_MAX], safe[SDX_CANON_MAX];
	int rc = cli_identifier(&cmd, kind, input, &kind, canonical);
	if (rc)
		return rc;
	sdx_db *db;
	rc = cli_db_open(&cmd, CLI_DB_LOOKUP, &db);
	if (rc)
		return rc;
	struct who who;
	if (access_local(&cmd, db, &who) != 0) {
		sdx_db_close(db);
		return EXIT_USAGE;
	}
	audience = role_audience(who.role, audience);
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
		printf("no links for %s %s\n", sdx_kind_name(kind),
		       cli_safe(canonical, safe, sizeof safe));
	else
		print_text(&g);
	sdx_db_close(db);
	render_links_free(&g);
	if (g.truncated)
		fprintf(stderr,
			"scamdex links: stopped at %lu identifiers; raise "
			"--limit to see more\n",
			limit);
	return rc ? EXIT_SYSTEM : EXIT_CLEAN;
}
