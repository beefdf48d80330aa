/* sync_import.c: verifying and applying a bundle. Pass 1 walks the whole
 * file and checks everything (framing, checksum, sender's signature,
 * trust, every origin's chain and segment signature, every body's
 * encoding) without writing, and notes the chain value every BATCH
 * operations. Pass 2 walks it again and applies it in write transactions
 * of BATCH operations: a batch commits only once the chain at its end
 * equals the one pass 1 verified, so what commits is exactly what was
 * verified even if the file changes between the passes, and memory and
 * transaction size stay bounded. Repeating an interrupted import is safe
 * (what is held is skipped). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "codec.h"

/* Operations per write transaction in pass 2 (tests make it small). */
size_t sdx_import_batch = 65536;
/* Called between the passes (tests change the file there). */
void (*sdx_import_between)(const char *path);
#define BATCH sdx_import_batch

typedef struct walk {
	sdx_db *db;
	int pass2;
	sdx_apply *apply; /* pass 2: the open batch */
	sdx_import_result *res;
	sdx_breader r;
	uint8_t sender_pk[32];
	size_t n_vv; /* entries of the header's vector (in r.vv) */
	/* pass 1's header, which pass 2's must equal (pass 2 does not hash
	 * the file again: its header is checked against this, its
	 * operations against the chains and segment signatures) */
	sdx_vv_entry *vv1;
	size_t n_vv1;
	int audience1;
	uint64_t created1;
	char sender1[SDX_OFFICE_MAX + 1];
	/* origins seen in this bundle (one run each) */
	char (*seen)[SDX_OFFICE_MAX + 1];
	size_t n_seen;
	/* the open run */
	int in_run;
	char origin[SDX_OFFICE_MAX + 1];
	uint8_t origin_pk[32];
	uint64_t first, next, held, sig_held;
	uint8_t chain[32];
	int gapped;
	/* chain after every BATCH-th operation, noted by pass 1 */
	uint8_t (*cp)[32];
	size_t n_cp, cap_cp;
	/* pass 1 findings used by pass 2 */
	int sig_newer;
	uint64_t committed; /* applied ops in committed batches */
	uint64_t gap_first, gap_held;
	char gap_origin[SDX_OFFICE_MAX + 1];
} walk;

__attribute__((format(printf, 3, 4))) static int fail(walk *w, int rc,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->res->reason, sizeof w->res->reason, fmt, ap);
	va_end(ap);
	w->res->offset = w->r.offset;
	return rc;
}

static int trusted_key(walk *w, const char *office, uint8_t pk[32],
		       sdx_origin_info *info, const char *what)
{
	int rc = sdx_origin_get(w->db, office, info);
	if (rc == SDX_ENOTFOUND || (!rc && !info->trusted))
		return fail(w, SDX_EUNTRUSTED, "%s %s is not trusted", what,
			    office);
	if (rc)
		return fail(w, rc, "reading origin %s: %s", office,
			    sdx_strerror(rc));
	memcpy(pk, info->pubkey, 32);
	return 0;
}

static int on_header(walk *w, const sdx_bitem *it)
{
	char office[SDX_OFFICE_MAX + 1];
	sdx_origin_info info;
	int rc;
	memcpy(w->res->sender, it->name, it->name_len);
	w->res->sender[it->name_len] = '\0';
	w->res->audience = it->audience;
	w->res->created = it->created;
	w->n_vv = it->n_vv;
	if (w->pass2 &&
	    (strcmp(w->res->sender, w->sender1) != 0 || it->n_vv != w->n_vv1 ||
	     it->audience != w->audience1 || it->created != w->created1 ||
	     memcmp(w->vv1, w->r.vv, it->n_vv * sizeof *w->vv1) != 0))
		return fail(w, SDX_EBUNDLE,
			    "the bundle changed while it was imported");
	if ((rc = sdx_db_office(w->db, office, sizeof office)))
		return fail(w, rc, "reading this office's id");
	if (strcmp(office, w->res->sender) == 0)
		return fail(w, SDX_EINVAL, "bundle was written by this office");
	return trusted_key(w, w->res->sender, w->sender_pk, &info, "sender");
}

static int on_run(walk *w, const sdx_bitem *it)
{
	sdx_origin_info info;
	uint8_t c[32];
	int rc;
	if (w->in_run)
		return fail(w, SDX_EBUNDLE, "run of %s not closed", w->origin);
	memcpy(w->origin, it->name, it->name_len);
	w->origin[it->name_len] = '\0';
	for (size_t i = 0; i < w->n_seen; i++)
		if (strcmp(w->seen[i], w->origin) == 0)
			return fail(w, SDX_EBUNDLE, "second run of origin %s",
				    w->origin);
	if (w->n_seen == SDX_BUNDLE_ORIGINS_MAX)
		return fail(w, SDX_EBUNDLE, "too many origins");
	strcpy(w->seen[w->n_seen++], w->origin);
	if ((rc = trusted_key(w, w->origin, w->origin_pk, &info, "origin")))
		return rc;
	if (it->seq < 1)
		return fail(w, SDX_EBUNDLE, "run of %s starts at seq 0",
			    w->origin);
	w->held = info.seq;
	w->sig_held = info.sig_seq;
	/* Where our log reaches the run's start, its history must match. */
	if (it->seq == 1) {
		sdx_chain_start(w->origin, c);
		rc = 0;
	} else if (info.seq >= it->seq - 1) {
		rc = sdx_oplog_chain(w->db, w->origin, it->seq - 1, c);
	} else {
		rc = SDX_ENOTFOUND;
	}
	if (rc && rc != SDX_ENOTFOUND)
		return fail(w, rc, "reading the chain of %s: %s", w->origin,
			    sdx_strerror(rc));
	if (!rc && memcmp(c, it->bytes, 32) != 0)
		return fail(w, SDX_ESIGNATURE,
			    "origin %s: history differs from ours before seq "
			    "%llu",
			    w->origin, (unsigned long long)it->seq);
	memcpy(w->chain, it->bytes, 32);
	w->first = w->next = it->seq;
	w->gapped = 0;
	w->in_run = 1;
	return 0;
}

/* An op body must decode as its type says; pass 1 checks it so that
 * pass 2 cannot fail half-way on content. An add's audience is read
 * from the report: the log keeps it, and it decides what a later export
 * to a bank redacts. */
static int check_body(walk *w, const sdx_bitem *it, int *audience)
{
	int rc;
	if (it->type == SDX_OP_ADD) {
		codec_report_view v;
		if ((rc = codec_report_view_decode(it->bytes, it->len, &v)))
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: not a report",
				    w->origin, (unsigned long long)it->seq);
		if (v.audience == SDX_AUD_POLICE &&
		    w->res->audience == SDX_AUD_BANK)
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: a police-only report "
				    "in a bank bundle",
				    w->origin, (unsigned long long)it->seq);
		*audience = v.audience;
	} else if (it->type == SDX_OP_ALLOW || it->type == SDX_OP_DISALLOW) {
		codec_allow_op a;
		if ((rc = codec_allow_op_decode(it->bytes, it->len, &a)))
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: malformed %s",
				    w->origin, (unsigned long long)it->seq,
				    sdx_op_type_name(it->type));
	} else {
		codec_state_op o;
		if ((rc = codec_state_op_decode(it->bytes, it->len, &o)))
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: malformed %s",
				    w->origin, (unsigned long long)it->seq,
				    sdx_op_type_name(it->type));
	}
	return 0;
}

static int note_checkpoint(walk *w)
{
	if (w->n_cp == w->cap_cp) {
		size_t cap = w->cap_cp ? 2 * w->cap_cp : 64;
		uint8_t(*cp)[32] = realloc(w->cp, cap * sizeof *cp);
		if (!cp)
			return fail(w, SDX_ENOMEM, "out of memory");
		w->cp = cp;
		w->cap_cp = cap;
	}
	memcpy(w->cp[w->n_cp++], w->chain, 32);
	return 0;
}

/* Pass 2, after every BATCH-th operation: commit what pass 1 verified. */
static int batch_end(walk *w)
{
	size_t k;
	int rc;
	if (w->res->ops % BATCH != 0)
		return 0;
	k = (size_t)(w->res->ops / BATCH) - 1;
	if (k >= w->n_cp || memcmp(w->cp[k], w->chain, 32) != 0)
		return fail(w, SDX_EBUNDLE,
			    "the bundle changed while it was imported");
	rc = sdx_apply_commit(w->apply);
	w->apply = NULL;
	if (rc)
		return fail(w, rc, "committing: %s", sdx_strerror(rc));
	w->committed = w->res->applied;
	if ((rc = sdx_apply_begin(w->db, &w->apply)))
		return fail(w, rc, "starting a transaction: %s",
			    sdx_strerror(rc));
	return 0;
}

static int on_op(walk *w, const sdx_bitem *it)
{
	uint8_t digest[32];
	sdx_op op;
	int rc, applied = 0;
	if (!w->in_run)
		return fail(w, SDX_EBUNDLE, "operation outside a run");
	if (it->seq != w->next)
		return fail(w, SDX_EBUNDLE,
			    "origin %s: seq %llu where %llu was due", w->origin,
			    (unsigned long long)it->seq,
			    (unsigned long long)w->next);
	if (it->kind == SDX_BI_REDACTED) {
		memcpy(digest, it->bytes, 32);
	} else {
		sdx_digest(it->bytes, it->len, digest);
	}
	sdx_chain_next(w->chain, it->type, digest, w->chain);
	w->next++;
	w->res->ops++;
	memset(&op, 0, sizeof op);
	op.audience =
	    it->kind == SDX_BI_REDACTED ? SDX_AUD_POLICE : SDX_AUD_BANK;
	if (it->kind == SDX_BI_OP && (rc = check_body(w, it, &op.audience)))
		return rc;
	if (!w->pass2) {
		if (w->res->ops % BATCH == 0 && (rc = note_checkpoint(w)))
			return rc;
		return 0;
	}
	if (w->gapped)
		return batch_end(w);
	op.origin = w->origin;
	op.seq = it->seq;
	op.type = it->type;
	op.body = it->kind == SDX_BI_REDACTED ? NULL : it->bytes;
	op.body_len = it->kind == SDX_BI_REDACTED ? 0 : it->len;
	memcpy(op.digest, digest, 32);
	memcpy(op.chain, w->chain, 32);
	rc = sdx_apply_op(w->apply, &op, &applied);
	if (rc == SDX_EGAP) {
		w->gapped = 1;
		return batch_end(w);
	}
	if (rc)
		return fail(w, rc, "applying %s seq %llu: %s", w->origin,
			    (unsigned long long)it->seq, sdx_strerror(rc));
	if (applied) {
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
	int rc;
	if (!w->in_run)
		return fail(w, SDX_EBUNDLE, "segment signature outside a run");
	if (w->next == w->first || it->seq != w->next - 1)
		return fail(w, SDX_EBUNDLE,
			    "origin %s: signature for seq %llu closes a run "
			    "ending at %llu",
			    w->origin, (unsigned long long)it->seq,
			    (unsigned long long)(w->next - 1));
	if (sdx_segment_verify(w->origin_pk, w->origin, it->seq, w->chain,
			       it->bytes) != 0)
		return fail(w, SDX_ESIGNATURE,
			    "origin %s: signature over seq %llu..%llu does not "
			    "verify",
			    w->origin, (unsigned long long)w->first,
			    (unsigned long long)it->seq);
	w->in_run = 0;
	w->res->origins++;
	if (!w->pass2) {
		if (it->seq > w->sig_held)
			w->sig_newer = 1;
		if (w->held + 1 < w->first) {
			if (!w->gap_origin[0]) {
				strcpy(w->gap_origin, w->origin);
				w->gap_first = w->first;
				w->gap_held = w->held;
			}
			w->res->gap += w->next - w->first;
		}
		return 0;
	}
	if (w->gapped)
		return 0;
	if ((rc = sdx_apply_signature(w->apply, w->origin, it->seq, it->bytes)))
		return fail(w, rc, "storing the signature of %s: %s", w->origin,
			    sdx_strerror(rc));
	return 0;
}

static int walk_file(walk *w)
{
	sdx_bitem it;
	int rc;
	w->in_run = 0;
	w->n_seen = 0;
	w->res->origins = w->res->ops = 0;
	while ((rc = sdx_br_next(&w->r, &it)) == 0) {
		switch (it.kind) {
		case SDX_BI_HEADER:
			rc = on_header(w, &it);
			break;
		case SDX_BI_RUN:
			rc = on_run(w, &it);
			break;
		case SDX_BI_OP:
		case SDX_BI_REDACTED:
			rc = on_op(w, &it);
			break;
		case SDX_BI_SEGSIG:
			rc = on_segsig(w, &it);
			break;
		case SDX_BI_CHECKSUM:
			if (w->in_run)
				rc = fail(w, SDX_EBUNDLE,
					  "run of %s not closed", w->origin);
			break;
		default:
			if (!w->pass2 &&
			    sdx_br_verify(&w->r, w->sender_pk, it.bytes) != 0)
				rc = fail(w, SDX_ESIGNATURE,
					  "sender %s: bundle signature does "
					  "not verify",
					  w->res->sender);
			break;
		}
		if (rc)
			return rc;
	}
	if (rc < 0)
		return fail(w, rc, "%s", w->r.why);
	return 0;
}

/* Does the sender announce anything beyond what we stored for it? */
static int vv_newer(walk *w, const sdx_vv_entry *old, size_t n_old,
		    size_t n_new)
{
	for (size_t i = 0; i < n_new; i++) {
		const sdx_vv_entry *e = &w->r.vv[i];
		uint64_t had = 0;
		for (size_t j = 0; j < n_old; j++)
			if (strcmp(old[j].origin, e->origin) == 0)
				had = old[j].seq;
		if (e->seq > had)
			return 1;
	}
	return 0;
}

static int import(sdx_db *db, const char *path, sdx_import_result *res,
		  int apply)
{
	walk *w;
	sdx_vv_entry *old = NULL;
	size_t n_old = 0, n_vv = 0;
	int rc;

	if (!res)
		return SDX_EINVAL;
	memset(res, 0, sizeof *res);
	if (!db || !path)
		return SDX_EINVAL;
	if (!(w = calloc(1, sizeof *w)) ||
	    !(w->seen = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *w->seen))) {
		free(w);
		return SDX_ENOMEM;
	}
	w->db = db;
	w->res = res;
	if ((rc = sdx_br_open(&w->r, path))) {
		fail(w, rc, "%s", w->r.why);
		goto out;
	}
	if ((rc = walk_file(w)))
		goto out;
	if (!apply)
		goto out;

	/* The vector stored for the sender, read before the write txn. */
	if (!(old = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *old))) {
		rc = SDX_ENOMEM;
		goto out;
	}
	rc = sdx_peer_get_vv(db, res->sender, old, SDX_BUNDLE_ORIGINS_MAX,
			     &n_old);
	if (rc) {
		fail(w, rc, "reading the vector of %s: %s", res->sender,
		     sdx_strerror(rc));
		goto out;
	}
	if (n_old > SDX_BUNDLE_ORIGINS_MAX)
		n_old = SDX_BUNDLE_ORIGINS_MAX;

	res->gap = 0;
	if (!(w->vv1 = malloc(w->n_vv * sizeof *w->vv1 + 1))) {
		rc = SDX_ENOMEM;
		goto out;
	}
	memcpy(w->vv1, w->r.vv, w->n_vv * sizeof *w->vv1);
	w->n_vv1 = w->n_vv;
	w->audience1 = res->audience;
	w->created1 = res->created;
	strcpy(w->sender1, res->sender);
	if (sdx_import_between)
		sdx_import_between(path);
	if ((rc = sdx_br_rewind(&w->r)))
		goto out;
	w->r.nohash = 1;
	w->pass2 = 1;
	if ((rc = sdx_apply_begin(db, &w->apply))) {
		fail(w, rc, "starting the transaction: %s", sdx_strerror(rc));
		goto out;
	}
	if ((rc = walk_file(w))) {
		sdx_apply_abort(w->apply);
		w->apply = NULL;
		/* earlier batches stay: verified operations, a prefix of
		 * each origin's run; importing again goes on from there */
		res->applied = w->committed;
		goto out;
	}
	/* The header's vector stays in the reader after the walk. */
	n_vv = w->n_vv;
	res->gap = res->ops - res->applied - res->duplicates;
	if (!res->applied && !w->sig_newer && !vv_newer(w, old, n_old, n_vv)) {
		sdx_apply_abort(w->apply); /* earlier batches changed nothing */
		res->replay = 1;
		snprintf(res->reason, sizeof res->reason,
			 "nothing new: an old or repeated bundle of %s",
			 res->sender);
		goto out;
	}
	if ((rc = sdx_apply_peer_vv(w->apply, res->sender, w->r.vv, n_vv))) {
		sdx_apply_abort(w->apply);
		fail(w, rc, "storing the vector of %s: %s", res->sender,
		     sdx_strerror(rc));
		goto out;
	}
	if ((rc = sdx_apply_commit(w->apply))) {
		fail(w, rc, "committing: %s", sdx_strerror(rc));
		res->applied = w->committed;
		goto out;
	}
	if (res->gap && w->gap_origin[0])
		snprintf(res->reason, sizeof res->reason,
			 "%llu operations skipped: %s seq %llu..%llu are "
			 "missing here; the next bundle brings them",
			 (unsigned long long)res->gap, w->gap_origin,
			 (unsigned long long)w->gap_held + 1,
			 (unsigned long long)w->gap_first - 1);
out:
	sdx_br_close(&w->r);
	free(w->seen);
	free(w->cp);
	free(w->vv1);
	free(w);
	free(old);
	return rc;
}

int sdx_bundle_import(sdx_db *db, const char *path, sdx_import_result *res)
{
	return import(db, path, res, 1);
}

int sdx_bundle_verify(sdx_db *db, const char *path, sdx_import_result *res)
{
	return import(db, path, res, 0);
}
