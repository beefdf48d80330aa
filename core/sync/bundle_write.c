/* bundle_write.c: writing a bundle item by item. Items are encoded into
 * one buffer; a full buffer is hashed (checksum and signature) and
 * written, so memory stays at the buffer's size whatever the bundle's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"

#define WBUF (1u << 20)

int sdx_bw_open(sdx_bwriter *w, FILE *f)
{
	int rc;
	memset(w, 0, sizeof *w);
	w->f = f;
	w->cap = WBUF;
	if (!(w->buf = malloc(w->cap)))
		return w->err = SDX_ENOMEM;
	if ((rc = sdx_sum_new(&w->sum)) || (rc = sdx_sigstream_new(&w->sig)))
		return w->err = rc;
	return 0;
}

static int write_out(sdx_bwriter *w, const uint8_t *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		return w->err = errno == ENOSPC ? SDX_EFULL : SDX_EIO;
	w->bytes += n;
	return 0;
}

static int flush(sdx_bwriter *w)
{
	if (w->err)
		return w->err;
	sdx_sum_update(w->sum, w->buf, w->len);
	sdx_sigstream_update(w->sig, w->buf, w->len);
	if (write_out(w, w->buf, w->len))
		return w->err;
	w->len = 0;
	return 0;
}

/* Encode with `n = expr` into the free part of the buffer; flush and
 * retry once when it does not fit. */
#define EMIT(w, expr_with_b_cap)                                               \
	do {                                                                   \
		size_t n_;                                                     \
		if ((w)->err)                                                  \
			return (w)->err;                                       \
		for (int try_ = 0;; try_++) {                                  \
			uint8_t *b = (w)->buf + (w)->len;                      \
			size_t cap = (w)->cap - (w)->len;                      \
			n_ = (expr_with_b_cap);                                \
			if (n_)                                                \
				break;                                         \
			if (try_ || flush(w))                                  \
				return (w)->err ? (w)->err                     \
						: ((w)->err = SDX_ETOOLONG);   \
		}                                                              \
		(w)->len += n_;                                                \
		return 0;                                                      \
	} while (0)

static int bw_address(sdx_bwriter *w, const char *to)
{
	EMIT(w, sdx_benc_address(b, cap, to));
}

static int bw_header(sdx_bwriter *w, const char *sender, int audience,
		     uint64_t created, const sdx_vv_entry *vv, size_t n)
{
	EMIT(w, sdx_benc_header(b, cap, sender, audience, created, vv, n));
}

int sdx_bw_header(sdx_bwriter *w, const char *sender, const char *to,
		  int audience, uint64_t created, const sdx_vv_entry *vv,
		  size_t n)
{
	int rc = bw_header(w, sender, audience, created, vv, n);
	return rc ? rc : bw_address(w, to);
}

int sdx_bw_run(sdx_bwriter *w, const char *origin, uint64_t first,
	       const uint8_t prev[32])
{
	EMIT(w, sdx_benc_run(b, cap, origin, first, prev));
}

int sdx_bw_op(sdx_bwriter *w, uint64_t seq, int type, const uint8_t *body,
	      size_t len)
{
	if (len > SDX_BUNDLE_BODY_MAX)
		return w->err = SDX_ETOOLONG;
	EMIT(w, sdx_benc_op(b, cap, seq, type, body, len));
}

int sdx_bw_redacted(sdx_bwriter *w, uint64_t seq, int type,
		    const uint8_t digest[32])
{
	EMIT(w, sdx_benc_redacted(b, cap, seq, type, digest));
}

int sdx_bw_secret(sdx_bwriter *w, const char *origin, const uint8_t secret[32])
{
	EMIT(w, sdx_benc_secret(b, cap, origin, secret));
}

int sdx_bw_segsig(sdx_bwriter *w, uint64_t seq, const uint8_t sig[64])
{
	EMIT(w, sdx_benc_segsig(b, cap, seq, sig));
}

int sdx_bw_head(sdx_bwriter *w, const sdx_head *h)
{
	EMIT(w, sdx_benc_head(b, cap, h));
}

int sdx_bw_finish(sdx_bwriter *w, const sdx_key *key)
{
	uint8_t sum[16], sig[64], item[SDX_BITEM_SMALL];
	size_t n;
	int rc;
	if (flush(w))
		return w->err;
	/* The checksum covers everything before it; the signature covers
	 * the checksum item too. */
	sdx_sum_digest(w->sum, sum);
	n = sdx_benc_checksum(item, sizeof item, sum);
	sdx_sigstream_update(w->sig, item, n);
	if (write_out(w, item, n))
		return w->err;
	if ((rc = sdx_sigstream_sign(w->sig, key, sig)))
		return w->err = rc;
	n = sdx_benc_signature(item, sizeof item, sig);
	if (write_out(w, item, n))
		return w->err;
	if (fflush(w->f) != 0)
		return w->err = errno == ENOSPC ? SDX_EFULL : SDX_EIO;
	return 0;
}

void sdx_bw_close(sdx_bwriter *w)
{
	free(w->buf);
	sdx_sum_free(w->sum);
	sdx_sigstream_free(w->sig);
	w->buf = NULL;
	w->sum = NULL;
	w->sig = NULL;
}
