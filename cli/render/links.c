/* links.c: the links walk kept as edges, each edge as JSON ('scamdex
 * links --json', GET /v1/links?format=json) and the whole as a Graphviz
 * graph ('scamdex links --dot', GET /v1/links?format=dot|svg). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

struct walk {
	struct render_links *g;
	int error;
};

static int add_edge(struct render_links *g, const sdx_link *l)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		struct render_edge *e = realloc(g->edges, cap * sizeof *e);
		if (!e)
			return SDX_ENOMEM;
		g->edges = e;
		g->cap = cap;
	}
	struct render_edge *e = &g->edges[g->n++];
	e->kind = l->kind;
	snprintf(e->canonical, sizeof e->canonical, "%s", l->canonical);
	e->role = l->role;
	memcpy(e->report, l->report_id, 16);
	e->category = l->report_category;
	e->depth = l->depth;
	return 0;
}

static int on_link(const sdx_link *l, void *arg)
{
	struct walk *w = arg;
	w->error = add_edge(w->g, l);
	return w->error != 0;
}

/* The start's own reports join the picture, also those that name no
 * other identifier (the walk reports only what it discovers). */
static int on_start_report(const sdx_report *r, void *arg)
{
	struct walk *w = arg;
	sdx_link l = {w->g->kind, w->g->canonical, SDX_ROLE_NONE,
		      {0},	  r->category,	   0};
	memcpy(l.report_id, r->id, 16);
	return on_link(&l, w);
}

int render_links_walk(sdx_db *db, struct render_links *g, sdx_kind kind,
		      const char *canonical, unsigned depth, size_t limit,
		      int audience, int with_start)
{
	memset(g, 0, sizeof *g);
	g->kind = kind;
	snprintf(g->canonical, sizeof g->canonical, "%s", canonical);
	g->depth = depth;
	g->audience = audience;
	struct walk w = {g, 0};
	int rc = sdx_links(db, kind, canonical, depth, limit, audience, on_link,
			   &w, &g->truncated);
	if (w.error)
		rc = w.error;
	if (rc == 0 && with_start) {
		rc = sdx_show(db, kind, canonical, audience, on_start_report,
			      &w);
		if (w.error)
			rc = w.error;
	}
	return rc;
}

void render_links_free(struct render_links *g)
{
	free(g->edges);
	g->edges = NULL;
	g->n = g->cap = 0;
}

json_t *render_link_json(const struct render_edge *e)
{
	char hex[33];
	sdx_id_to_hex(e->report, hex);
	json_t *s = json_string(e->canonical);
	return json_pack(
	    "{s:i, s:s, s:o, s:s, s:s, s:o}", "depth", (int)e->depth, "kind",
	    sdx_kind_name(e->kind), "canonical",
	    s ? s : json_string("\xef\xbf\xbd"), "role", sdx_role_name(e->role),
	    "report", hex, "category",
	    e->category ? json_string(sdx_category_name(e->category))
			: json_null());
}

/* A DOT double-quoted string: quotes and backslashes escaped, a newline
 * as DOT's \n line break, other control characters dropped. */
static void dot_str(struct cli_buf *b, const char *s)
{
	cli_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\n') {
			cli_buf_puts(b, "\\n");
			continue;
		}
		if (ch == '"' || ch == '\\')
			cli_buf_putc(b, '\\');
		if (ch >= 0x20 && ch != 0x7f)
			cli_buf_putc(b, (char)ch);
	}
	cli_buf_putc(b, '"');
}

static void dot_ident_id(struct cli_buf *b, sdx_kind kind,
			 const char *canonical)
{
	char id[SDX_CANON_MAX + 16];
	snprintf(id, sizeof id, "%s %s", sdx_kind_name(kind), canonical);
	dot_str(b, id);
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

static int seen_ident(const struct render_links *g, size_t upto,
		      const struct render_edge *e)
{
	for (size_t i = 0; i < upto; i++)
		if (g->edges[i].kind == e->kind &&
		    !strcmp(g->edges[i].canonical, e->canonical))
			return 1;
	return 0;
}

static int seen_report(const struct render_links *g, size_t upto,
		       const struct render_edge *e)
{
	for (size_t i = 0; i < upto; i++)
		if (!memcmp(g->edges[i].report, e->report, 16))
			return 1;
	return 0;
}

static int is_node(const struct render_links *g, sdx_kind kind,
		   const char *canonical)
{
	if (kind == g->kind && !strcmp(canonical, g->canonical))
		return 1;
	for (size_t i = 0; i < g->n; i++)
		if (g->edges[i].kind == kind &&
		    !strcmp(g->edges[i].canonical, canonical))
			return 1;
	return 0;
}

/* The links walk names each identifier once, through the report that
 * found it; the picture needs every identifier a report names, so each
 * report is read and joined to every identifier of the graph it names. */
static void dot_report_edges(sdx_db *db, const struct render_links *g, size_t i,
			     sdx_report *r, struct cli_buf *b)
{
	const struct render_edge *e = &g->edges[i];
	char hex[33];
	sdx_id_to_hex(e->report, hex);
	if (sdx_report_get(db, e->report, g->audience, r) != 0) {
		/* not readable: at least the edge the walk gave */
		r->n_idents = 1;
		r->idents[0].kind = e->kind;
		r->idents[0].role = e->role;
		snprintf(r->idents[0].canonical, SDX_CANON_MAX, "%s",
			 e->canonical);
	}
	for (size_t k = 0; k < r->n_idents; k++) {
		const sdx_ident *id = &r->idents[k];
		if (!is_node(g, id->kind, id->canonical))
			continue;
		cli_buf_puts(b, "\t\"report ");
		cli_buf_puts(b, hex);
		cli_buf_puts(b, "\" -- ");
		dot_ident_id(b, id->kind, id->canonical);
		cli_buf_puts(b, " [label=\"");
		cli_buf_puts(b, sdx_role_name(id->role));
		cli_buf_puts(b, "\"];\n");
	}
}

static void dot_node_style(struct cli_buf *b, sdx_kind k)
{
	if ((unsigned)k >= SDX_KIND_COUNT)
		k = SDX_KIND_AUTO;
	cli_buf_puts(b, ", shape=");
	cli_buf_puts(b, kind_style[k].shape);
	cli_buf_puts(b, ", fillcolor=\"");
	cli_buf_puts(b, kind_style[k].fill);
	cli_buf_putc(b, '"');
}

int render_links_dot(sdx_db *db, const struct render_links *g,
		     struct cli_buf *b)
{
	char hex[33], label[SDX_CANON_MAX + 64];
	sdx_report *r = malloc(sizeof *r);
	if (!r)
		return -1;
	cli_buf_puts(b, "graph scamdex {\n"
			"\tgraph [rankdir=LR, fontname=\"Helvetica\", "
			"labelloc=t, label=");
	snprintf(label, sizeof label, "scamdex links: %s %s (depth %u)",
		 sdx_kind_name(g->kind), g->canonical, g->depth);
	dot_str(b, label);
	cli_buf_puts(b, "];\n"
			"\tnode [fontname=\"Helvetica\", fontsize=10, "
			"style=filled];\n"
			"\tedge [fontname=\"Helvetica\", fontsize=9, "
			"color=\"#555555\"];\n");
	/* the start first, drawn heavier, even when nothing links to it */
	cli_buf_putc(b, '\t');
	dot_ident_id(b, g->kind, g->canonical);
	cli_buf_puts(b, " [label=");
	snprintf(label, sizeof label, "%s\n%s", g->canonical,
		 sdx_kind_name(g->kind));
	dot_str(b, label);
	dot_node_style(b, g->kind);
	cli_buf_puts(b, ", penwidth=3];\n");
	for (size_t i = 0; i < g->n; i++) {
		const struct render_edge *e = &g->edges[i];
		if ((e->kind == g->kind &&
		     !strcmp(e->canonical, g->canonical)) ||
		    seen_ident(g, i, e))
			continue;
		cli_buf_putc(b, '\t');
		dot_ident_id(b, e->kind, e->canonical);
		snprintf(label, sizeof label, "%s\n%s", e->canonical,
			 sdx_kind_name(e->kind));
		cli_buf_puts(b, " [label=");
		dot_str(b, label);
		dot_node_style(b, e->kind);
		cli_buf_puts(b, "];\n");
	}
	for (size_t i = 0; i < g->n; i++) {
		const struct render_edge *e = &g->edges[i];
		char date[11] = "";
		if (seen_report(g, i, e))
			continue;
		sdx_id_to_hex(e->report, hex);
		/* a report by its date, category and agency, as an analyst
		 * reads the picture */
		if (sdx_report_get(db, e->report, g->audience, r) != 0)
			sdx_report_init(r);
		sdx_date_format(r->incident_date, date);
		snprintf(label, sizeof label, "report %.8s\n%s%s%s\n%.60s", hex,
			 date, date[0] && e->category ? " " : "",
			 e->category ? sdx_category_name(e->category) : "",
			 r->agency);
		cli_buf_puts(b, "\t\"report ");
		cli_buf_puts(b, hex);
		cli_buf_puts(b, "\" [label=");
		dot_str(b, label);
		cli_buf_puts(b, ", shape=note, fillcolor=\"#e5e7e9\"];\n");
	}
	for (size_t i = 0; i < g->n; i++)
		if (!seen_report(g, i, &g->edges[i]))
			dot_report_edges(db, g, i, r, b);
	cli_buf_puts(b, "}\n");
	free(r);
	return 0;
}
