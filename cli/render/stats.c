/* stats.c: the totals as one JSON object ('scamdex stats --json',
 * GET /v1/stats). */
#include <jansson.h>

#include "render.h"

int render_stat_json(const sdx_stat *s, void *arg)
{
	json_t *root = arg;
	json_t *d = json_object_get(root, s->dimension);
	if (!d) {
		d = json_object();
		if (json_object_set_new(root, s->dimension, d))
			return SDX_ENOMEM;
	}
	json_t *k = json_string(s->key); /* NULL on bad UTF-8 */
	json_object_set_new(d, k ? s->key : "\xef\xbf\xbd",
			    json_integer((json_int_t)s->count));
	json_decref(k);
	return 0;
}
