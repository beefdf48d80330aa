/* sync_import.c: verifying and applying a bundle. Pass 1 walks the whole
 * file and checks everything (framing, checksum, sender's signature,
 * roles, address, trust, every origin's chain and segment signature,
 * every body's encoding) and notes the chain value every BATCH
 * operations and every operation's audience; nothing touches the
 * database during it, so a forged bundle costs one read and writes
 * nothing. Pass 2 reads the file again from the first run (the walk's
 * state there, kept by pass 1) and applies it in write transactions of
 * BATCH operations: a batch commits only once the chain at its end
 * equals the one pass 1 verified (the last one after every segment
 * signature was verified again), so what commits is exactly what was
 * verified, and memory and transaction size stay bounded.
 *
 * The file both passes read is the import's private copy of the bundle
 * (import_copy.c), so pass 2 takes each operation's digest and chain
 * from pass 1 instead of hashing every body again. Without a copy it
 * reads the bundle itself, digests and chains each body again, and a
 * file changed between the passes commits nothing from the change on.
 * Pass 2 neither checks the sender's signature over the file nor
 * validates bodies again (an add's audience comes from pass 1); the
 * store decodes each body to apply it. Repeating an interrupted import
 * is safe (what is held is skipped).
 *
 * This file walks the file and applies operations and segment
 * signatures; import_items.c checks the other items, import_batch.c
 * keeps the write batches. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "import_walk.h"

/* Operations per write transaction (tests make it small). The store
 * keeps a batch's writes until it commits (about 180 bytes an operation,
 * past 16 MiB an array in an unlinked file next to the database: the
 * bodies and the replay log, see core/store/spill.c, and the per-report
 * arrays, core/store/bigmem.c), and commits a larger batch faster per
 * operation, since each batch rewrites the tables its reports land in
 * (5,077,947 operations: 65 CPU seconds in one batch, 95 in batches of
 * 1,048,576). */
size_t sdx_import_batch = SDX_IMPORT_BATCH;
/* Called between the passes (tests change the file there). */
void (*sdx_import_between)(const char *path);

__attribute__((format(printf, 3, 4))) int walk_fail(walk *w, int rc,
						    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->res->reason, sizeof w->res->reason, fmt, ap);
	va_end(ap);
	w->res->offset = w->r.offset;
	return rc;
}

static int on_op(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	sdx_op op;
	int rc, applied = 0;
	if (!p->in_run)
		return walk_fail(w, SDX_EBUNDLE, "operation outside a run");
	if (it->seq != p->next)
		return walk_fail(w, SDX_EBUNDLE,
				 "origin %s: seq %llu where %llu was due",
				 p->origin, (unsigned long long)it->seq,
				 (unsigned long long)p->next);
	/* Only police-only operations travel as digests, and only to banks:
	 * a digest in a police bundle would pass for the operation held. */
	if (it->kind == SDX_BI_REDACTED && w->res->audience == SDX_AUD_POLICE)
		return walk_fail(
		    w, SDX_EBUNDLE,
		    "origin %s seq %llu: a redacted operation in a "
		    "police bundle",
		    p->origin, (unsigned long long)it->seq);
	if (p->check_held && it->seq == p->held + 1 &&
	    memcmp(p->chain, p->held_chain, 32) != 0)
		return walk_fail(
		    w, SDX_ESIGNATURE,
		    "origin %s: history differs from ours at seq %llu",
		    p->origin, (unsigned long long)p->held);
	/* The mark is signed with the chain: an operation its origin
	 * marked bank-visible never travels as a digest (a relay hiding it
	 * from a bank), nor a police-only one in clear to a bank. */
	if (it->kind == SDX_BI_REDACTED && it->mark == SDX_MARK_V2)
		return walk_fail(
		    w, SDX_EBUNDLE,
		    "origin %s seq %llu: a redacted operation that "
		    "its origin marked bank-visible",
		    p->origin, (unsigned long long)it->seq);
	if (it->kind == SDX_BI_OP && (it->mark & SDX_MARK_POLICE) &&
	    w->res->audience == SDX_AUD_BANK)
		return walk_fail(
		    w, SDX_EBUNDLE,
		    "origin %s seq %llu: a police-only %s in a bank "
		    "bundle",
		    p->origin, (unsigned long long)it->seq,
		    sdx_op_type_name(it->type));
	if (w->pass2 && w->copy.fd >= 0) {
		/* the copy pass 1 verified: its values */
		if ((rc = copy_values_next(w, op.digest, p->chain)))
			return rc;
	} else if (it->kind == SDX_BI_REDACTED) {
		memcpy(op.digest, it->bytes, 32);
	} else if (it->mark & SDX_MARK_POLICE) {
		if (!p->has_secret)
			return walk_fail(w, SDX_EBUNDLE,
					 "origin %s seq %llu: police-only, but "
					 "neither the bundle nor this database "
					 "holds the digest secret of %s",
					 p->origin, (unsigned long long)it->seq,
					 p->origin);
		sdx_digest_keyed(it->bytes, it->len, p->secret, op.digest);
		if (!w->pass2)
			w->bytes += it->len;
	} else {
		sdx_digest(it->bytes, it->len, op.digest);
		if (!w->pass2)
			w->bytes += it->len;
	}
	if (!w->pass2 || w->copy.fd < 0)
		sdx_chain_next(p->chain, it->type | it->mark, op.digest,
			       p->chain);
	if (!w->pass2 && w->resumed && w->copy.fd >= 0 &&
	    (rc = copy_values_add(w, op.digest, p->chain)))
		return rc;
	p->next++;
	w->res->ops = ++p->ops;
	op.mark = it->mark;
	op.audience =
	    it->kind == SDX_BI_REDACTED || (it->mark & SDX_MARK_POLICE)
		? SDX_AUD_POLICE
		: SDX_AUD_BANK;
	if (!w->pass2) {
		if (it->kind == SDX_BI_OP &&
		    (rc = walk_check_body(w, it, &op.audience)))
			return rc;
		if (p->ops % BATCH == 0 && (rc = note_checkpoint(w)))
			return rc;
		if (!w->applying) {
			if (w->resumed)
				return note_audience(
				    w, p->ops - 1 - w->resume.ops, op.audience);
			return 0;
		}
	} else if (it->kind == SDX_BI_OP && it->type == SDX_OP_ADD &&
		   !it->mark) {
		op.audience = noted_audience(w, p->ops - 1 - w->resume.ops);
	}
	if (it->kind == SDX_BI_REDACTED && w->role == SDX_OFFICE_POLICE &&
	    it->seq > p->held)
		p->withheld = 1;
	if (p->withheld)
		w->res->withheld++;
	if (p->gapped || p->withheld)
		return batch_end(w);
	if ((rc = batch_open(w, p->ops - 1)))
		return rc;
	if (it->kind == SDX_BI_OP && (it->mark & SDX_MARK_POLICE) &&
	    p->secret_new && !p->secret_saved) {
		/* verified by this body's digest in the signed chain */
		if ((rc = sdx_apply_digest_secret(w->apply, p->origin,
						  p->secret)))
			return walk_fail(w, rc,
					 "storing the digest secret of %s: %s",
					 p->origin, sdx_strerror(rc));
		p->secret_saved = 1;
	}
	op.origin = p->origin;
	op.seq = it->seq;
	op.type = it->type;
	op.body = it->kind == SDX_BI_REDACTED ? NULL : it->bytes;
	op.body_len = it->kind == SDX_BI_REDACTED ? 0 : it->len;
	memcpy(op.chain, p->chain, 32);
	/* the body's place in the file: the store reads it again from there
	 * if it must apply the batch again */
	if (op.body && op.body >= w->r.buf && op.body < w->r.buf + w->r.end) {
		uint64_t where = w->r.base + (uint64_t)(op.body - w->r.buf);
		/* the same bytes in the mapped copy, which stays */
		if (w->copy.map && where + op.body_len <= w->copy.size)
			op.body = w->copy.map + where;
		rc = sdx_apply_op_at(w->apply, &op, where, &applied);
	} else {
		rc = sdx_apply_op(w->apply, &op, &applied);
	}
	if (rc == SDX_EGAP) {
		p->gapped = 1;
		return batch_end(w);
	}
	/* pass 1 decoded every body: one that no longer decodes is the
	 * file changing under the import */
	if (rc == SDX_ECORRUPT && w->pass2 && it->kind == SDX_BI_OP)
		return walk_fail(w, SDX_EBUNDLE,
				 "the bundle changed while it was imported");
	if (rc)
		return walk_fail(w, rc, "applying %s seq %llu: %s", p->origin,
				 (unsigned long long)it->seq, sdx_strerror(rc));
	if (applied == 2) {
		/* held, not applied: its origin had no authority for it */
		w->res->refused++;
		if (w->opts && w->opts->refused)
			w->opts->refused(w->opts->ctx, p->origin, it->seq,
					 it->type, sdx_apply_refusal(w->apply));
	} else if (applied) {
		w->res->applied++;
		if (!op.body)
			w->res->redacted++;
	} else {
		w->res->duplicates++;
	}
	return batch_end(w);
}

static int on_segsig(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	int rc;
	if (!p->in_run)
		return walk_fail(w, SDX_EBUNDLE,
				 "segment signature outside a run");
	if (p->next == p->first || it->seq != p->next - 1)
		return walk_fail(
		    w, SDX_EBUNDLE,
		    "origin %s: signature for seq %llu closes a run "
		    "ending at %llu",
		    p->origin, (unsigned long long)it->seq,
		    (unsigned long long)(p->next - 1));
	if ((rc = walk_segment_check(w, it)))
		return rc;
	p->in_run = 0;
	w->res->origins = ++p->origins;
	if (!w->pass2) {
		if (it->seq > p->sig_held)
			w->sig_newer = 1;
		if (p->held + 1 < p->first) {
			if (!w->gap_origin[0]) {
				strcpy(w->gap_origin, p->origin);
				w->gap_first = p->first;
				w->gap_held = p->held;
			}
			w->res->gap += p->next - p->first;
		}
	}
	if (!w->applying || p->gapped || p->withheld)
		return 0;
	if ((rc = batch_open(w, p->ops)))
		return rc;
	if ((rc = sdx_apply_signature(w->apply, p->origin, it->seq, it->bytes)))
		return walk_fail(w, rc, "storing the signature of %s: %s",
				 p->origin, sdx_strerror(rc));
	return 0;
}

static int walk_file(walk *w)
{
	sdx_bitem it;
	int rc;
	while ((rc = sdx_br_next(&w->r, &it)) == 0) {
		switch (it.kind) {
		case SDX_BI_HEADER:
			rc = walk_header(w, &it);
			break;
		case SDX_BI_ADDRESS:
			rc = walk_address(w);
			break;
		case SDX_BI_RUN:
			rc = walk_run(w, &it);
			break;
		case SDX_BI_OP:
		case SDX_BI_REDACTED:
			rc = on_op(w, &it);
			break;
		case SDX_BI_SECRET:
			rc = walk_secret(w, &it);
			break;
		case SDX_BI_SEGSIG:
			rc = on_segsig(w, &it);
			break;
		case SDX_BI_HEAD:
			rc = walk_head(w, &it);
			break;
		case SDX_BI_CHECKSUM:
			if (w->p.in_run)
				rc = walk_fail(w, SDX_EBUNDLE,
					       "run of %s not closed",
					       w->p.origin);
			break;
		default:
			if (!w->pass2 &&
			    sdx_br_verify(&w->r, w->sender_pk, it.bytes) != 0)
				rc = walk_fail(
				    w, SDX_ESIGNATURE,
				    "sender %s: bundle signature does "
				    "not verify",
				    w->res->sender);
			break;
		}
		if (rc)
			return rc;
	}
	if (rc < 0)
		return walk_fail(w, rc, "%s", w->r.why);
	return 0;
}

/* Does the sender announce anything beyond what we stored for it? */
static int vv_newer(walk *w, size_t n_new)
{
	for (size_t i = 0; i < n_new; i++) {
		const sdx_vv_entry *e = &w->r.vv[i];
		uint64_t had = 0;
		for (size_t j = 0; j < w->n_old; j++)
			if (strcmp(w->old[j].origin, e->origin) == 0)
				had = w->old[j].seq;
		if (e->seq > had)
			return 1;
	}
	return 0;
}

/* Pass 2: the operations after the first batch, from where it ended. */
static int pass2(walk *w)
{
	int rc;
	w->pass2 = 1;
	w->applying = 1;
	w->total_ops = w->res->ops;
	w->p = w->resume;
	w->res->ops = w->p.ops;
	w->res->origins = w->p.origins;
	if ((rc = sdx_br_seek(&w->r, w->p.offset)))
		return walk_fail(w, rc, "%s", w->r.why);
	if (w->copy.fd >= 0 && (rc = copy_values_rewind(w)))
		return rc;
	return walk_file(w);
}

static int import(sdx_db *db, const char *path, const sdx_import_opts *opts,
		  sdx_import_result *res, int apply)
{
	walk *w;
	int rc;

	if (!res)
		return SDX_EINVAL;
	memset(res, 0, sizeof *res);
	if (!db || !path)
		return SDX_EINVAL;
	if (!(w = calloc(1, sizeof *w)) ||
	    !(w->seen = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *w->seen)) ||
	    !(w->heads = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *w->heads)) ||
	    (apply &&
	     !(w->old = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *w->old)))) {
		if (w) {
			free(w->seen);
			free(w->heads);
		}
		free(w);
		return SDX_ENOMEM;
	}
	w->db = db;
	w->accept_for = opts ? opts->accept_for : NULL;
	w->opts = opts;
	w->res = res;
	w->import = apply;
	w->applying = 0; /* pass 1 verifies; nothing is applied before */
	w->copy.fd = -1;
	if ((rc = sdx_br_open(&w->r, path))) {
		walk_fail(w, rc, "%s", w->r.why);
		goto out;
	}
	if (apply)
		copy_make(w);
	/* Pass 1: verify everything; nothing touches the database. */
	if ((rc = walk_file(w))) {
		batch_drop(w);
		res->applied = res->duplicates = res->redacted = 0;
		res->withheld = res->refused = 0;
		goto out;
	}
	if (!apply)
		goto out;
	if (w->resumed) {
		/* verified whole: the first batch commits */
		rc = w->apply ? sdx_apply_commit(w->apply) : 0;
		w->apply = NULL;
		if (rc) {
			walk_fail(w, rc, "committing: %s", sdx_strerror(rc));
			res->applied = res->duplicates = res->redacted = 0;
			goto out;
		}
		w->committed = res->applied;
	}
	res->gap = 0;
	if (sdx_import_between)
		sdx_import_between(path);
	if (w->resumed && (rc = pass2(w))) {
		batch_drop(w);
		/* earlier batches stay: verified operations, a prefix of
		 * each origin's run; importing again goes on from there */
		res->applied = w->committed;
		goto out;
	}
	res->gap = res->ops - res->applied - res->duplicates - res->withheld -
		   res->refused;
	/* The header's vector stays in the reader after the walk. */
	if (!res->applied && !res->refused && !w->sig_newer && !w->head_newer &&
	    !vv_newer(w, w->n_vv)) {
		batch_drop(w); /* earlier batches changed nothing */
		res->replay = 1;
		snprintf(res->reason, sizeof res->reason,
			 "nothing new: an old or repeated bundle of %s",
			 res->sender);
		goto out;
	}
	if ((rc = batch_open(w, res->ops)))
		goto out;
	if ((rc = sdx_apply_peer_vv(w->apply, res->sender, w->r.vv, w->n_vv))) {
		batch_drop(w);
		walk_fail(w, rc, "storing the vector of %s: %s", res->sender,
			  sdx_strerror(rc));
		goto out;
	}
	rc = sdx_apply_commit(w->apply);
	w->apply = NULL;
	if (rc) {
		walk_fail(w, rc, "committing: %s", sdx_strerror(rc));
		res->applied = w->committed;
		goto out;
	}
	if ((rc = walk_keep_heads(w)))
		goto out;
	if (res->gap && w->gap_origin[0])
		snprintf(res->reason, sizeof res->reason,
			 "%llu operations skipped: %s seq %llu..%llu are "
			 "missing here; the next bundle brings them",
			 (unsigned long long)res->gap, w->gap_origin,
			 (unsigned long long)w->gap_held + 1,
			 (unsigned long long)w->gap_first - 1);
	if (res->refused) {
		size_t n = strlen(res->reason);
		snprintf(res->reason + n, sizeof res->reason - n,
			 "%s%llu refused (held, not applied: no authority)",
			 n ? "; " : "", (unsigned long long)res->refused);
	}
	if (res->withheld) {
		size_t n = strlen(res->reason);
		snprintf(res->reason + n, sizeof res->reason - n,
			 "%s%llu operations not held: police-only ones came "
			 "as digests (a police office's bundle brings them)",
			 n ? "; " : "", (unsigned long long)res->withheld);
	}
out:
	batch_drop(w); /* open only if a step failed; before the copy goes */
	copy_free(w);
	sdx_br_close(&w->r);
	free(w->seen);
	free(w->heads);
	free(w->old);
	free(w->cp);
	free(w->aud);
	free(w);
	return rc;
}

int sdx_bundle_import(sdx_db *db, const char *path, sdx_import_result *res)
{
	return import(db, path, NULL, res, 1);
}

int sdx_bundle_verify(sdx_db *db, const char *path, sdx_import_result *res)
{
	return import(db, path, NULL, res, 0);
}

int sdx_bundle_import_for(sdx_db *db, const char *path, const char *accept_for,
			  sdx_import_result *res)
{
	sdx_import_opts o = {accept_for, NULL, NULL};
	return import(db, path, &o, res, 1);
}

int sdx_bundle_verify_for(sdx_db *db, const char *path, const char *accept_for,
			  sdx_import_result *res)
{
	sdx_import_opts o = {accept_for, NULL, NULL};
	return import(db, path, &o, res, 0);
}

int sdx_bundle_import_opts(sdx_db *db, const char *path,
			   const sdx_import_opts *opts, sdx_import_result *res)
{
	return import(db, path, opts, res, 1);
}

int sdx_bundle_verify_opts(sdx_db *db, const char *path,
			   const sdx_import_opts *opts, sdx_import_result *res)
{
	return import(db, path, opts, res, 0);
}
