/* bundle_read.c: reading a bundle item by item over a buffered window of
 * the file. Keeps the checksum and the signature hash running over the
 * bytes read and enforces the framing: header first, then runs, then the
 * checksum, the signature and the end of the file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle_io.h"

#define RBUF (1u << 20) /* > any item: body max + header max */

int sdx_br_open(sdx_breader *r, const char *path)
{
	int rc;
	memset(r, 0, sizeof *r);
	if (!(r->f = fopen(path, "rb"))) {
		snprintf(r->why, sizeof r->why, "cannot open: %s",
			 strerror(errno));
		return SDX_EIO;
	}
	{
		struct stat st;
		if (fstat(fileno(r->f), &st) == 0 && st.st_size > 0)
			r->size = (uint64_t)st.st_size;
	}
	r->cap = RBUF;
	r->buf = malloc(r->cap);
	r->vv = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *r->vv);
	if (!r->buf || !r->vv)
		return SDX_ENOMEM;
	if ((rc = sdx_sum_new(&r->sum)) || (rc = sdx_sigstream_new(&r->sig)))
		return rc;
	return 0;
}

int sdx_br_rewind(sdx_breader *r)
{
	int rc;
	sdx_sum_free(r->sum);
	sdx_sigstream_free(r->sig);
	r->sum = NULL;
	r->sig = NULL;
	if ((rc = sdx_sum_new(&r->sum)) || (rc = sdx_sigstream_new(&r->sig)))
		return rc;
	r->pos = r->end = r->hashed = 0;
	r->base = r->offset = 0;
	r->eof = 0;
	r->state = 0;
	r->need_address = 0;
	r->why[0] = '\0';
	if (fseek(r->f, 0, SEEK_SET) != 0)
		return SDX_EIO;
	clearerr(r->f);
	return 0;
}

uint64_t sdx_br_tell(const sdx_breader *r)
{
	return r->base + r->pos;
}

int sdx_br_seek(sdx_breader *r, uint64_t offset)
{
	if (offset > (uint64_t)INT64_MAX ||
	    fseeko(r->f, (off_t)offset, SEEK_SET) != 0) {
		snprintf(r->why, sizeof r->why, "cannot seek: %s",
			 strerror(errno));
		return SDX_EIO;
	}
	clearerr(r->f);
	r->pos = r->end = r->hashed = 0;
	r->base = r->offset = offset;
	r->eof = 0;
	r->state = 1;
	r->need_address = 0;
	r->nohash = 1;
	r->why[0] = '\0';
	return 0;
}

void sdx_br_close(sdx_breader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r->vv);
	sdx_sum_free(r->sum);
	sdx_sigstream_free(r->sig);
	memset(r, 0, sizeof *r);
}

static void hash_to(sdx_breader *r, size_t upto)
{
	if (upto > r->hashed && !r->nohash) {
		sdx_sum_update(r->sum, r->buf + r->hashed, upto - r->hashed);
		sdx_sigstream_update(r->sig, r->buf + r->hashed,
				     upto - r->hashed);
	}
	r->hashed = upto;
}

/* Move the unread bytes to the front and read more. */
static int refill(sdx_breader *r)
{
	size_t n;
	if (r->state == 1)
		hash_to(r, r->pos);
	memmove(r->buf, r->buf + r->pos, r->end - r->pos);
	r->base += r->pos;
	r->end -= r->pos;
	r->pos = r->hashed = 0;
	n = fread(r->buf + r->end, 1, r->cap - r->end, r->f);
	r->end += n;
	if (n == 0) {
		if (ferror(r->f)) {
			snprintf(r->why, sizeof r->why, "read error: %s",
				 strerror(errno));
			return SDX_EIO;
		}
		r->eof = 1;
	}
	return 0;
}

static int fail(sdx_breader *r, int rc, uint64_t off, const char *why)
{
	r->offset = off;
	snprintf(r->why, sizeof r->why, "%s", why);
	return rc;
}

int sdx_br_next(sdx_breader *r, sdx_bitem *it)
{
	static const char *const unexpected[] = {
	    "a second header",
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    NULL,
	    "a signature before the checksum",
	    "a second address",
	    NULL,
	    NULL};
	const char *why = NULL;
	size_t used = 0, start;
	int rc;

	if (r->state == 3) {
		while (r->pos == r->end && !r->eof)
			if ((rc = refill(r)))
				return rc;
		if (r->pos != r->end)
			return fail(r, SDX_EBUNDLE, r->base + r->pos,
				    "data after the signature");
		return 1;
	}
	for (;;) {
		rc = sdx_bdec_item(r->buf + r->pos, r->end - r->pos, it, r->vv,
				   SDX_BUNDLE_ORIGINS_MAX, &used, &why);
		if (rc != 1)
			break;
		if (r->eof)
			return fail(r, SDX_EBUNDLE, r->base + r->end,
				    r->state == 0 && r->end == 0
					? "empty file"
					: "truncated bundle");
		if (r->pos == 0 && r->end == r->cap)
			return fail(r, SDX_EBUNDLE, r->base,
				    "item larger than any valid item");
		if ((rc = refill(r)))
			return rc;
	}
	start = r->pos;
	r->offset = r->base + start;
	if (rc < 0)
		return fail(r, rc, r->base + start + used,
			    r->state == 0 ? "not a scamdex bundle" : why);
	r->pos += used;
	switch (r->state) {
	case 0:
		if (it->kind != SDX_BI_HEADER)
			return fail(r, SDX_EBUNDLE, r->offset,
				    "not a scamdex bundle (no header)");
		if (it->format > SDX_BUNDLE_FORMAT)
			return fail(r, SDX_EVERSION, r->offset,
				    "bundle format newer than this program's");
		if (it->format < 1)
			return fail(r, SDX_EBUNDLE, r->offset,
				    "bad format version");
		if (it->format < SDX_BUNDLE_FORMAT_MIN)
			return fail(r, SDX_EVERSION, r->offset,
				    "bundle format 1 (not addressed, before "
				    "roles) is no longer read: the sender "
				    "must update scamdex");
		/* formats 2 and 3 are read: they have no heads */
		r->state = 1;
		r->need_address = 1;
		return 0;
	case 1:
		if (r->need_address) {
			if (it->kind != SDX_BI_ADDRESS)
				return fail(r, SDX_EBUNDLE, r->offset,
					    "no address after the header");
			memcpy(r->to, it->name, it->name_len);
			r->to[it->name_len] = '\0';
			r->need_address = 0;
			return 0;
		}
		if (it->kind == SDX_BI_HEADER || it->kind == SDX_BI_SIGNATURE ||
		    it->kind == SDX_BI_ADDRESS)
			return fail(r, SDX_EBUNDLE, r->offset,
				    unexpected[it->kind]);
		if (it->kind == SDX_BI_CHECKSUM) {
			uint8_t sum[16];
			hash_to(r, start);
			sdx_sum_digest(r->sum, sum);
			if (!r->nohash && memcmp(sum, it->bytes, 16) != 0)
				return fail(r, SDX_EBUNDLESUM, r->offset,
					    "checksum mismatch");
			/* the signature covers the checksum item too */
			if (!r->nohash)
				sdx_sigstream_update(r->sig, r->buf + start,
						     used);
			r->hashed = r->pos;
			r->state = 2;
		}
		return 0;
	default:
		if (it->kind != SDX_BI_SIGNATURE)
			return fail(r, SDX_EBUNDLE, r->offset,
				    "data after the checksum");
		r->hashed = r->pos;
		r->state = 3;
		return 0;
	}
}

int sdx_br_verify(sdx_breader *r, const uint8_t pubkey[32],
		  const uint8_t sig[64])
{
	if (r->state != 3)
		return SDX_EINVAL;
	if (sdx_sigstream_verify(r->sig, pubkey, sig) != 0)
		return fail(r, SDX_ESIGNATURE, r->offset,
			    "sender's signature does not verify");
	return 0;
}
