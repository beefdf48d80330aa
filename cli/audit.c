/* audit.c: the audit log's records (one JSON object each, made into a
 * reused buffer: a batch of a million look-ups writes a million items)
 * and writing them from the CLI. The service queues them instead
 * (serve/). */
#include <string.h>

#include "access.h"

void audit_begin(struct audit_rec *r, const struct who *w, const char *op,
		 int audience)
{
	struct cli_buf h = {0};
	memset(r, 0, sizeof *r);
	cli_buf_puts(&h, "{\"who\":");
	cli_buf_json_str(&h, w->name, strlen(w->name));
	cli_buf_puts(&h, ",\"role\":\"");
	cli_buf_puts(&h, role_name(w->role));
	cli_buf_puts(&h, "\",\"via\":\"");
	cli_buf_puts(&h, w->via);
	cli_buf_puts(&h, "\",\"from\":");
	cli_buf_json_str(&h, w->from, strlen(w->from));
	cli_buf_puts(&h, ",\"op\":\"");
	cli_buf_puts(&h, op);
	cli_buf_puts(&h, "\",\"audience\":\"");
	cli_buf_puts(&h, sdx_audience_name(audience));
	cli_buf_puts(&h, "\",\"items\":[");
	size_t n = h.len < sizeof r->head ? h.len : sizeof r->head;
	if (h.p)
		memcpy(r->head, h.p, n);
	r->head_len = n;
	cli_buf_free(&h);
	cli_buf_put(&r->b, r->head, r->head_len);
	r->mark = r->b.len;
}

void audit_item_to(struct cli_buf *b, sdx_kind kind, const char *text,
		   size_t len, const char *result)
{
	if (!kind && len > 64)
		len = 64;
	cli_buf_puts(b, ",[\"");
	cli_buf_puts(b, kind ? sdx_kind_name(kind) : "invalid");
	cli_buf_puts(b, "\",");
	cli_buf_json_str(b, text, len);
	cli_buf_puts(b, ",\"");
	cli_buf_puts(b, result);
	cli_buf_puts(b, "\"]");
}

void audit_item(struct audit_rec *r, sdx_kind kind, const char *text,
		size_t len, const char *result)
{
	audit_item_to(&r->b, kind, text, len, result);
	r->n++;
}

void audit_items_add(struct audit_rec *r, const struct cli_buf *items, size_t n)
{
	if (items->len)
		cli_buf_put(&r->b, items->p, items->len);
	r->n += n;
}

void audit_finish(struct audit_rec *r, const char *flag, const char **out,
		  size_t *len)
{
	/* items were written each with a leading comma: drop the first */
	if (r->b.len > r->mark && r->b.p[r->mark] == ',')
		r->b.p[r->mark] = ' ';
	cli_buf_putc(&r->b, ']');
	if (flag) {
		cli_buf_puts(&r->b, ",\"flag\":\"");
		cli_buf_puts(&r->b, flag);
		cli_buf_putc(&r->b, '"');
	}
	cli_buf_putc(&r->b, '}');
	*out = r->b.p;
	*len = r->b.len;
	/* the next call starts over with the same head */
	r->b.len = 0;
	cli_buf_put(&r->b, r->head, r->head_len);
	r->mark = r->b.len;
	r->n = 0;
}

void audit_free(struct audit_rec *r)
{
	cli_buf_free(&r->b);
	r->n = 0;
}

int audit_write(const struct cli_cmd *cmd, sdx_db *db, struct audit_rec *r)
{
	static int warned;
	if (!r->n)
		return 0;
	const char *rec;
	size_t len;
	audit_finish(r, NULL, &rec, &len);
	/* audit_finish reset the buffer to the head, but its bytes past the
	 * head are still the record's: copy nothing, write it now */
	int rc = sdx_audit_append(db, 0, (const void *const *)&rec, &len, 1);
	if (rc && !warned) {
		warned = 1;
		fprintf(stderr,
			"scamdex %s: look-up not recorded in the audit log: "
			"%s\n",
			cmd->name, sdx_strerror(rc));
	}
	return rc;
}
