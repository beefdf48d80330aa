/* import_batch.c: an import's write transactions of BATCH operations:
 * what pass 1 notes for them (the chain at every batch's end, every
 * operation's audience, the bytes and identifiers to expect), opening a
 * batch and committing it only when its chain is the one verified. See
 * sync_import.c. */
#include <string.h>
#include <unistd.h>

#include "grow.h"
#include "import_walk.h"

int note_checkpoint(walk *w)
{
	if (sdx_grow(&w->cp, &w->cap_cp, w->n_cp + 1, sizeof *w->cp, 64))
		return walk_fail(w, SDX_ENOMEM, "out of memory");
	memcpy(w->cp[w->n_cp].chain, w->p.chain, 32);
	w->cp[w->n_cp].idents = w->idents;
	w->cp[w->n_cp++].bytes = w->bytes;
	return 0;
}

/* The audience of the i-th operation after the first batch, 2 bits. */
int note_audience(walk *w, uint64_t i, int audience)
{
	size_t byte = (size_t)(i / 4);
	size_t had = w->cap_aud;
	if (sdx_grow(&w->aud, &w->cap_aud, byte + 1, 1, 4096))
		return walk_fail(w, SDX_ENOMEM, "out of memory");
	if (w->cap_aud > had)
		memset(w->aud + had, 0, w->cap_aud - had);
	w->aud[byte] |= (uint8_t)(audience << (i % 4 * 2));
	return 0;
}

/* What pass 1 noted; -1 (refused by the store) past its end. */
int noted_audience(const walk *w, uint64_t i)
{
	size_t byte = (size_t)(i / 4);
	if (byte >= w->cap_aud)
		return -1;
	return w->aud[byte] >> (i % 4 * 2) & 3;
}

/* How much the batch holding operation i (0-based) brings: pass 2
 * knows from pass 1, exactly (a short guess made the store grow the map
 * at the commit of a batch of a million operations, and so apply the
 * whole batch twice). Before pass 2 (only the sender's vector to write
 * after a bundle with no address) it is guessed from the file's size. */
static void batch_size(const walk *w, uint64_t i, size_t *ops, size_t *idents,
		       size_t *bytes)
{
	uint64_t k = i / BATCH, total = w->total_ops, b0, b1, i0, i1;
	if (!w->pass2) {
		/* an op item is 6 bytes or more; bodies are mostly under 512
		 * bytes (more only makes the store grow the map in steps) */
		*ops = BATCH;
		if (w->r.size / 6 < *ops)
			*ops = (size_t)(w->r.size / 6);
		*bytes = (size_t)w->r.size;
		if (*bytes / 512 > *ops)
			*bytes = *ops * 512;
		*idents = 2 * *ops;
		return;
	}
	*ops = total > k * BATCH ? (size_t)(total - k * BATCH) : 0;
	if (*ops > BATCH)
		*ops = BATCH;
	b0 = k >= 1 && k - 1 < w->n_cp ? w->cp[k - 1].bytes : 0;
	b1 = k < w->n_cp ? w->cp[k].bytes : w->bytes;
	*bytes = b1 > b0 ? (size_t)(b1 - b0) : 0;
	i0 = k >= 1 && k - 1 < w->n_cp ? w->cp[k - 1].idents : 0;
	i1 = k < w->n_cp ? w->cp[k].idents : w->idents;
	*idents = i1 > i0 ? (size_t)(i1 - i0) : 0;
}

/* A body again, from the file (a batch applied again on a grown map:
 * the store keeps where each body is, not a copy, and checks the bytes
 * read against the op's digest). */
static int read_back(void *ctx, uint64_t where, uint8_t *buf, size_t len)
{
	walk *w = ctx;
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fileno(w->r.f), buf + got, len - got,
				  (off_t)(where + got));
		if (n <= 0)
			return SDX_EIO;
		got += (size_t)n;
	}
	return 0;
}

/* Open the batch that will hold operation i (0-based), if not open:
 * digests and chains are verified here, and the store grows the map
 * once for the whole batch. */
int batch_open(walk *w, uint64_t i)
{
	size_t ops, idents, bytes;
	int rc;
	if (w->apply)
		return 0;
	if ((rc = sdx_apply_begin(w->db, &w->apply)))
		return walk_fail(w, rc, "starting a transaction: %s",
				 sdx_strerror(rc));
	if ((rc = sdx_apply_verified(w->apply)) ||
	    (rc = sdx_apply_source(w->apply, read_back, w)) ||
	    (w->copy.map &&
	     (rc = sdx_apply_stable(w->apply, w->copy.map, w->copy.size))))
		return walk_fail(w, rc, "starting a transaction: %s",
				 sdx_strerror(rc));
	batch_size(w, i, &ops, &idents, &bytes);
	/* a hint: without room for it, the store still grows step by step
	 * and says SDX_EFULL only for a write that does not fit */
	rc = ops ? sdx_apply_expect_idents(w->apply, ops, idents, bytes) : 0;
	if (rc && rc != SDX_EFULL)
		return walk_fail(w, rc, "starting a transaction: %s",
				 sdx_strerror(rc));
	return 0;
}

void batch_drop(walk *w)
{
	if (w->apply)
		sdx_apply_abort(w->apply);
	w->apply = NULL;
}

/* After every operation that is applied. At the end of a batch: in
 * pass 1 (the first batch), stop applying and keep the place for
 * pass 2; the batch commits once the whole file has verified. In pass
 * 2, commit the batch if its chain is the one pass 1 verified. */
int batch_end(walk *w)
{
	size_t k;
	int rc;
	if (w->p.ops % BATCH != 0)
		return 0;
	if (!w->pass2) {
		w->applying = 0;
		w->resume = w->p;
		w->resume.offset = sdx_br_tell(&w->r);
		w->resumed = 1;
		return 0;
	}
	k = (size_t)(w->p.ops / BATCH) - 1;
	if (k >= w->n_cp || memcmp(w->cp[k].chain, w->p.chain, 32) != 0)
		return walk_fail(w, SDX_EBUNDLE,
				 "the bundle changed while it was imported");
	rc = w->apply ? sdx_apply_commit(w->apply) : 0;
	w->apply = NULL;
	if (rc)
		return walk_fail(w, rc, "committing: %s", sdx_strerror(rc));
	w->committed = w->res->applied;
	return 0;
}
