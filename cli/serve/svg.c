/* svg.c: the links graph as SVG, laid out and rendered by Graphviz's
 * library (libgvc), in this process. A GVC context is not thread-safe:
 * one context, one render at a time. */
#include <gvc.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

static pthread_mutex_t gv_mtx = PTHREAD_MUTEX_INITIALIZER;
static GVC_t *gvc;

int svg_render(const char *dot, size_t len, struct cli_buf *out, char *msg,
	       size_t msgsize)
{
	int rc = -1;
	char *text = malloc(len + 1);
	if (!text) {
		snprintf(msg, msgsize, "out of memory");
		return -1;
	}
	memcpy(text, dot, len);
	text[len] = '\0';
	pthread_mutex_lock(&gv_mtx);
	if (!gvc)
		gvc = gvContext();
	Agraph_t *g = gvc ? agmemread(text) : NULL;
	if (!g) {
		snprintf(msg, msgsize, "graphviz could not read the graph");
	} else if (gvLayout(gvc, g, "dot") != 0) {
		snprintf(msg, msgsize, "graphviz layout failed");
	} else {
		char *data = NULL;
		unsigned int n = 0;
		if (gvRenderData(gvc, g, "svg", &data, &n) == 0 && data) {
			rc = cli_buf_put(out, data, n);
			if (rc)
				snprintf(msg, msgsize, "out of memory");
		} else {
			snprintf(msg, msgsize,
				 "graphviz has no svg renderer (plugins "
				 "not configured: run 'dot -c' as root)");
		}
		gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
	}
	if (g)
		agclose(g);
	pthread_mutex_unlock(&gv_mtx);
	free(text);
	return rc;
}
