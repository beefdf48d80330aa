/* cmd_links.c: scamdex links: the identifiers connected to one through
 * shared reports, as a list, JSON Lines, or a Graphviz graph. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

/* An edge kept for the graph (the library's canonical pointer is valid
 * only during the callback). */
struct edge {
	sdx_kind kind;
	char canonical[SDX_CANON_MAX];
	sdx_role role;
	uint8_t report[16];
	int category;
	unsigned depth;
};

struct ctx {
	enum { F_TEXT, F_JSON, F_DOT } fmt;
	struct edge *edges;
	size_t n, cap;
	int error;
};

static int on_link(const sdx_link *l, void *arg)
{
	struct ctx *c = arg;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct edge *e = realloc(c->edges, cap * sizeof *e);
		if (!e) {
			c->error = SDX_ENOMEM;
			return 1;
		}
		c->edges = e;
		c->cap = cap;
	}
	struct edge *e = &c->edges[c->n++];
	e->kind = l->kind;
	snprintf(e->canonical, sizeof e->canonical, "%s", l->canonical);
	e->role = l->role;
	memcpy(e->report, l->report_id, 16);
	e->category = l->report_category;
	e->depth = l->depth;
	return 0;
}

/* --dot: the start's own reports join the picture, also those that name
 * no other identifier (the walk reports only what it discovers). */
struct start_ctx {
	struct ctx *c;
	sdx_kind kind;
	const char *canonical;
};

static int on_start_report(const sdx_report *r, void *arg)
{
	struct start_ctx *s = arg;
	sdx_link l = {s->kind, s->canonical, SDX_ROLE_NONE,
		      {0},     r->category,  0};
	memcpy(l.report_id, r->id, 16);
	return on_link(&l, s->c);
}

static void print_text(const struct ctx *c)
{
	char hex[33];
	for (size_t i = 0; i < c->n; i++) {
		const struct edge *e = &c->edges[i];
		sdx_id_to_hex(e->report, hex);
		printf("%u  %-7s %-32s %-7s report %s", e->depth,
		       sdx_kind_name(e->kind), e->canonical,
		       sdx_role_name(e->role), hex);
		if (e->category)
			printf("  %s", sdx_category_name(e->category));
		putchar('\n');
	}
}

static int print_json(const struct ctx *c)
{
	char hex[33];
	for (size_t i = 0; i < c->n; i++) {
		const struct edge *e = &c->edges[i];
		sdx_id_to_hex(e->report, hex);
		json_t *s = json_string(e->canonical);
		json_t *o = json_pack(
		    "{s:i, s:s, s:o, s:s, s:s, s:o}", "depth", (int)e->depth,
		    "kind", sdx_kind_name(e->kind), "canonical",
		    s ? s : json_string("\xef\xbf\xbd"), "role",
		    sdx_role_name(e->role), "report", hex, "category",
		    e->category ? json_string(sdx_category_name(e->category))
				: json_null());
		int rc = o ? cli_json_line(o) : -1;
		json_decref(o);
		if (rc)
			return -1;
	}
	return 0;
}

/* A DOT double-quoted string: quotes and backslashes escaped, a newline
 * as DOT's \n line break, other control characters dropped. */
static void dot_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\n') {
			fputs("\\n", stdout);
			continue;
		}
		if (ch == '"' || ch == '\\')
			putchar('\\');
		if (ch >= 0x20 && ch != 0x7f)
			putchar(ch);
	}
	putchar('"');
}

static void dot_ident_id(sdx_kind kind, const char *canonical)
{
	char id[SDX_CANON_MAX + 16];
	snprintf(id, sizeof id, "%s %s", sdx_kind_name(kind), canonical);
	dot_str(id);
}

/* Shape and fill per kind, so kinds tell apart in colour and in
 * black-and-white print. */
static const struct {
	const char *shape, *fill;
} kind_style[SDX_KIND_COUNT] = {
    [SDX_KIND_AUTO] = {"ellipse", "#ffffff"},
    [SDX_KIND_PHONE] = {"ellipse", "#aed6f1"},
    [SDX_KIND_BANK] = {"box", "#f9e79f"},
    [SDX_KIND_IBAN] = {"box3d", "#f5cba7"},
    [SDX_KIND_HANDLE] = {"hexagon", "#abebc6"},
    [SDX_KIND_DOMAIN] = {"component", "#f5b7b1"},
    [SDX_KIND_ACCOUNT] = {"box", "#f9e79f"},
};

static int seen_ident(const struct ctx *c, size_t upto, const struct edge *e)
{
	for (size_t i = 0; i < upto; i++)
		if (c->edges[i].kind == e->kind &&
		    !strcmp(c->edges[i].canonical, e->canonical))
			return 1;
	return 0;
}

static int seen_report(const struct ctx *c, size_t upto, const struct edge *e)
{
	for (size_t i = 0; i < upto; i++)
		if (!memcmp(c->edges[i].report, e->report, 16))
			return 1;
	return 0;
}

static int is_node(const struct ctx *c, sdx_kind kind, const char *canonical,
		   sdx_kind start_kind, const char *start)
{
	if (kind == start_kind && !strcmp(canonical, start))
		return 1;
	for (size_t i = 0; i < c->n; i++)
		if (c->edges[i].kind == kind &&
		    !strcmp(c->edges[i].canonical, canonical))
			return 1;
	return 0;
}

/* The links walk names each identifier once, through the report that
 * found it; the picture needs every identifier a report names, so each
 * report is read and joined to every identifier of the graph it names. */
static void dot_report_edges(sdx_db *db, const struct ctx *c, size_t i,
			     int audience, sdx_kind kind, const char *canonical)
{
	static sdx_report r;
	const struct edge *e = &c->edges[i];
	char hex[33];
	sdx_id_to_hex(e->report, hex);
	if (sdx_report_get(db, e->report, audience, &r) != 0) {
		/* not readable: at least the edge the walk gave */
		r.n_idents = 1;
		r.idents[0].kind = e->kind;
		r.idents[0].role = e->role;
		snprintf(r.idents[0].canonical, SDX_CANON_MAX, "%s",
			 e->canonical);
	}
	for (size_t k = 0; k < r.n_idents; k++) {
		const sdx_ident *id = &r.idents[k];
		if (!is_node(c, id->kind, id->canonical, kind, canonical))
			continue;
		printf("\t\"report %s\" -- ", hex);
		dot_ident_id(id->kind, id->canonical);
		printf(" [label=\"%s\"];\n", sdx_role_name(id->role));
	}
}

static void print_dot(sdx_db *db, const struct ctx *c, sdx_kind kind,
		      const char *canonical, unsigned depth, int audience)
{
	char hex[33], label[SDX_CANON_MAX + 64];
	printf("graph scamdex {\n"
	       "\tgraph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, "
	       "label=");
	snprintf(label, sizeof label, "scamdex links: %s %s (depth %u)",
		 sdx_kind_name(kind), canonical, depth);
	dot_str(label);
	printf("];\n"
	       "\tnode [fontname=\"Helvetica\", fontsize=10, "
	       "style=filled];\n"
	       "\tedge [fontname=\"Helvetica\", fontsize=9, "
	       "color=\"#555555\"];\n");
	/* the start first, drawn heavier, even when nothing links to it */
	printf("\t");
	dot_ident_id(kind, canonical);
	printf(" [label=");
	snprintf(label, sizeof label, "%s\n%s", canonical, sdx_kind_name(kind));
	dot_str(label);
	printf(", shape=%s, fillcolor=\"%s\", penwidth=3];\n",
	       kind_style[kind].shape, kind_style[kind].fill);
	for (size_t i = 0; i < c->n; i++) {
		const struct edge *e = &c->edges[i];
		if ((e->kind == kind && !strcmp(e->canonical, canonical)) ||
		    seen_ident(c, i, e))
			continue;
		sdx_kind k = (unsigned)e->kind < SDX_KIND_COUNT ? e->kind
								: SDX_KIND_AUTO;
		printf("\t");
		dot_ident_id(e->kind, e->canonical);
		snprintf(label, sizeof label, "%s\n%s", e->canonical,
			 sdx_kind_name(e->kind));
		printf(" [label=");
		dot_str(label);
		printf(", shape=%s, fillcolor=\"%s\"];\n", kind_style[k].shape,
		       kind_style[k].fill);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct edge *e = &c->edges[i];
		if (seen_report(c, i, e))
			continue;
		sdx_id_to_hex(e->report, hex);
		printf("\t\"report %s\" [label=\"report %.8s\\n%s\", "
		       "shape=note, fillcolor=\"#e5e7e9\"];\n",
		       hex, hex,
		       e->category ? sdx_category_name(e->category) : "");
	}
	for (size_t i = 0; i < c->n; i++)
		if (!seen_report(c, i, &c->edges[i]))
			dot_report_edges(db, c, i, audience, kind, canonical);
	printf("}\n");
}

int cmd_links(int argc, char **argv)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
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
			if (c.fmt != F_TEXT)
				return cli_usage_error(
				    &cmd, "choose one of --dot and --json");
			c.fmt = a == O_DOT ? F_DOT : F_JSON;
			break;
		}
	}
	if (!input)
		return cli_usage_error(&cmd, "no ID given");
	char canonical[SDX_CANON_MAX];
	int rc = cli_identifier(&cmd, kind, input, &kind, canonical);
	if (rc)
		return rc;
	sdx_db *db;
	rc = cli_db_open(&cmd, CLI_DB_READ, &db);
	if (rc)
		return rc;
	int truncated = 0;
	rc = sdx_links(db, kind, canonical, (unsigned)depth, (size_t)limit,
		       audience, on_link, &c, &truncated);
	if (c.error)
		rc = c.error;
	if (rc != 0) {
		sdx_db_close(db);
		free(c.edges);
		return cli_db_error(&cmd, canonical, rc);
	}
	if (c.fmt == F_DOT) {
		struct start_ctx sc = {&c, kind, canonical};
		rc = sdx_show(db, kind, canonical, audience, on_start_report,
			      &sc);
		if (c.error)
			rc = c.error;
		if (rc != 0) {
			sdx_db_close(db);
			free(c.edges);
			return cli_db_error(&cmd, canonical, rc);
		}
		print_dot(db, &c, kind, canonical, (unsigned)depth, audience);
	} else if (c.fmt == F_JSON)
		rc = print_json(&c);
	else if (c.n == 0)
		printf("no links for %s %s\n", sdx_kind_name(kind), canonical);
	else
		print_text(&c);
	sdx_db_close(db);
	free(c.edges);
	if (truncated)
		fprintf(stderr,
			"scamdex links: stopped at %lu identifiers; raise "
			"--limit to see more\n",
			limit);
	return rc ? EXIT_SYSTEM : EXIT_CLEAN;
}
