/* prepare.c: turn an sdx_report into what the store writes: its
 * canonical CBOR body (with the received date), its id (XXH3-128 of the
 * body without it) and a decoded view. Runs once per report added. */
#include "store.h"

#include "hash.h"

static int valid_origin(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

int prepare(struct sdx_db *db, const sdx_report *r, int32_t today,
	    struct prepared *p)
{
	if (!r)
		return SDX_EINVAL;
	int rc = codec_report_view_from(r, &p->v);
	if (rc)
		return rc;
	if (p->v.origin.len == 0) {
		p->v.origin.p = db->office;
		p->v.origin.len = strlen(db->office);
	} else if (!valid_origin(r->origin)) {
		return SDX_EINVAL;
	}
	if (p->v.received_date == SDX_DATE_NONE)
		p->v.received_date = today;
	return codec_report_view_encode_id(&p->v, p->body, sizeof p->body,
					   &p->len, sdx_hash128, p->id);
}
