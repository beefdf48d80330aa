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
 * verified even if the file changes between the passes, and memory and
 * transaction size stay bounded. Pass 2 neither checks the sender's
 * signature over the file nor validates bodies again (an add's audience
 * comes from pass 1); it digests and chains each body and checks each
 * segment signature again (what a batch commits must be what pass 1
 * verified), and the store decodes each body to apply it. Repeating
 * an interrupted import is safe (what is held is skipped). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle_io.h"
#include "codec.h"
#include "grow.h"

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
#define BATCH sdx_import_batch
#define SDX_SYNC_PROG "scamdex-sync"

/* Where the walk is: all pass 2 needs to resume where pass 1 stopped
 * applying. */
typedef struct place {
	uint64_t offset; /* file offset of the next item */
	uint64_t ops, origins;
	size_t n_seen; /* entries of walk.seen */
	/* the open run */
	int in_run;
	char origin[SDX_OFFICE_MAX + 1];
	uint8_t origin_pk[32];
	uint64_t first, next, held, sig_held;
	uint8_t chain[32];
	/* chain(held), where the run holds seq held and goes beyond it */
	uint8_t held_chain[32];
	int check_held;
	int gapped;
	/* a police database met a redacted op of this run it does not
	 * hold: it and the rest of the run are not applied (redacted is not
	 * held; a police bundle brings them) */
	int withheld;
	/* the origin's digest secret: held here, or from the bundle's
	 * secret item (secret_new, kept with the first police-marked body
	 * applied: secret_saved) */
	uint8_t secret[32];
	int has_secret, secret_item, secret_new, secret_saved;
} place;

typedef struct walk {
	sdx_db *db;
	const char *accept_for;	     /* an office other than this one whose
					bundles are taken (NULL: none) */
	const sdx_import_opts *opts; /* the refusal callback (or NULL) */
	int role;		     /* this database's */
	int import;		     /* not just verifying */
	int pass2;
	uint64_t total_ops; /* operations in the bundle, counted by pass 1 */
	int applying;	    /* ops and segment signatures go to w->apply */
	sdx_apply *apply;   /* the open batch (begun at its first use) */
	sdx_import_result *res;
	sdx_breader r;
	uint8_t sender_pk[32];
	size_t n_vv; /* entries of the header's vector (in r.vv) */
	/* the vector stored for the sender before the import */
	sdx_vv_entry *old;
	size_t n_old;
	/* origins seen in this bundle (one run each) */
	char (*seen)[SDX_OFFICE_MAX + 1];
	place p;
	/* where the first batch ended, kept by pass 1 when there is more */
	place resume;
	int resumed;
	/* after every BATCH-th operation, noted by pass 1: the chain, and
	 * the reports' identifiers and the bytes of bodies and identifiers
	 * so far (for sdx_apply_expect_idents) */
	struct checkpoint {
		uint8_t chain[32];
		uint64_t bytes, idents;
	} * cp;
	size_t n_cp, cap_cp;
	uint64_t bytes, idents; /* pass 1: so far */
	/* the audience of every operation after the first batch, 2 bits
	 * each, noted by pass 1: pass 2 does not decode bodies */
	uint8_t *aud;
	size_t cap_aud;
	/* pass 1 findings used later */
	int sig_newer;
	uint64_t committed; /* applied ops in committed batches */
	uint64_t gap_first, gap_held;
	char gap_origin[SDX_OFFICE_MAX + 1];
	/* the origins' signed heads, verified by pass 1, kept after the
	 * import when newer than the ones held */
	sdx_head *heads;
	size_t n_heads;
	int head_newer;
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
	if (info->role == SDX_OFFICE_NOROLE)
		return fail(w, SDX_EROLE,
			    "%s %s has no role (trusted before roles: run "
			    "'" SDX_SYNC_PROG
			    " trust add %s KEY --role police|bank')",
			    what, office, office);
	memcpy(pk, info->pubkey, 32);
	return 0;
}

/* Pass 1 only (pass 2 starts after the first batch). */
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
	if ((rc = sdx_db_office(w->db, office, sizeof office)))
		return fail(w, rc, "reading this office's id");
	if (strcmp(office, w->res->sender) == 0)
		return fail(w, SDX_EINVAL, "bundle was written by this office");
	if ((rc =
		 trusted_key(w, w->res->sender, w->sender_pk, &info, "sender")))
		return rc;
	if ((rc = sdx_db_role(w->db, &w->role)))
		return fail(w, rc, "reading this database's role: %s",
			    sdx_strerror(rc));
	if (w->role == SDX_OFFICE_NOROLE)
		return fail(w, SDX_EROLE,
			    "this database has no role (run '" SDX_SYNC_PROG
			    " init --office %s --role police|bank')",
			    office);
	if (it->audience == SDX_AUD_POLICE && w->role == SDX_OFFICE_BANK)
		return fail(w, SDX_EROLE,
			    "a police bundle is refused by a bank database");
	if (it->audience == SDX_AUD_POLICE && info.role != SDX_OFFICE_POLICE)
		return fail(w, SDX_EROLE,
			    "sender %s has role %s: a police bundle from it "
			    "is refused",
			    w->res->sender, sdx_office_role_name(info.role));
	if (!w->import)
		return 0;
	/* The vector stored for the sender, read before the write
	 * transaction. */
	rc = sdx_peer_get_vv(w->db, w->res->sender, w->old,
			     SDX_BUNDLE_ORIGINS_MAX, &w->n_old);
	if (rc)
		return fail(w, rc, "reading the vector of %s: %s",
			    w->res->sender, sdx_strerror(rc));
	if (w->n_old > SDX_BUNDLE_ORIGINS_MAX)
		w->n_old = SDX_BUNDLE_ORIGINS_MAX;
	return 0;
}

/* A bundle is for the office it names; another office takes it only
 * when told to (--accept-for). */
static int on_address(walk *w)
{
	char office[SDX_OFFICE_MAX + 1];
	int rc;
	memcpy(w->res->to, w->r.to, sizeof w->res->to);
	if ((rc = sdx_db_office(w->db, office, sizeof office)))
		return fail(w, rc, "reading this office's id");
	if (strcmp(w->r.to, office) == 0 ||
	    (w->accept_for && strcmp(w->r.to, w->accept_for) == 0)) {
		/* pass 2 applies from here, once pass 1 verified all */
		w->resume = w->p;
		w->resume.offset = sdx_br_tell(&w->r);
		w->resumed = w->import;
		return 0;
	}
	return fail(w, SDX_EADDRESS,
		    "addressed to %s, not to this office %s (--accept-for "
		    "%s takes it)",
		    w->r.to, office, w->r.to);
}

static int on_run(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	sdx_origin_info info;
	uint8_t c[32];
	int rc;
	if (p->in_run)
		return fail(w, SDX_EBUNDLE, "run of %s not closed", p->origin);
	memcpy(p->origin, it->name, it->name_len);
	p->origin[it->name_len] = '\0';
	for (size_t i = 0; i < p->n_seen; i++)
		if (strcmp(w->seen[i], p->origin) == 0)
			return fail(w, SDX_EBUNDLE, "second run of origin %s",
				    p->origin);
	if (p->n_seen == SDX_BUNDLE_ORIGINS_MAX)
		return fail(w, SDX_EBUNDLE, "too many origins");
	strcpy(w->seen[p->n_seen++], p->origin);
	if ((rc = trusted_key(w, p->origin, p->origin_pk, &info, "origin")))
		return rc;
	if (it->seq < 1)
		return fail(w, SDX_EBUNDLE, "run of %s starts at seq 0",
			    p->origin);
	p->held = info.seq;
	p->sig_held = info.sig_seq;
	/* Where our log reaches the run's start, its history must match. */
	if (it->seq == 1) {
		sdx_chain_start(p->origin, c);
		rc = 0;
	} else if (info.seq >= it->seq - 1) {
		rc = sdx_oplog_chain(w->db, p->origin, it->seq - 1, c);
	} else {
		rc = SDX_ENOTFOUND;
	}
	if (rc && rc != SDX_ENOTFOUND)
		return fail(w, rc, "reading the chain of %s: %s", p->origin,
			    sdx_strerror(rc));
	if (!rc && memcmp(c, it->bytes, 32) != 0)
		return fail(w, SDX_ESIGNATURE,
			    "origin %s: history differs from ours before seq "
			    "%llu",
			    p->origin, (unsigned long long)it->seq);
	/* Where the run also holds our last op and goes on, its chain
	 * there must be ours too (on_op checks it): the store, told that
	 * chains are verified, takes the next op's chain as given. */
	p->check_held = info.seq >= it->seq && info.seq < UINT64_MAX;
	memcpy(p->held_chain, info.chain, 32);
	memcpy(p->chain, it->bytes, 32);
	p->first = p->next = it->seq;
	p->gapped = 0;
	p->withheld = 0;
	p->secret_item = p->secret_new = p->secret_saved = 0;
	rc = sdx_digest_secret_get(w->db, p->origin, p->secret);
	if (rc && rc != SDX_ENOTFOUND)
		return fail(w, rc, "reading the digest secret of %s: %s",
			    p->origin, sdx_strerror(rc));
	p->has_secret = rc == 0;
	p->in_run = 1;
	return 0;
}

/* [8, origin, secret] right after the run item of origin, in a police
 * bundle: the key of the digests of the origin's police-only
 * operations. Not signed by itself: a wrong secret gives wrong digests,
 * which the origin's signed chain refuses. */
static int on_secret(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	if (w->res->audience != SDX_AUD_POLICE)
		return fail(w, SDX_EBUNDLE, "a digest secret in a bank bundle");
	if (!p->in_run || p->next != p->first || p->secret_item ||
	    it->name_len != strlen(p->origin) ||
	    memcmp(it->name, p->origin, it->name_len) != 0)
		return fail(w, SDX_EBUNDLE,
			    "a digest secret not right after its origin's run "
			    "item");
	p->secret_item = 1;
	if (p->has_secret) {
		if (memcmp(p->secret, it->bytes, 32) != 0)
			return fail(w, SDX_ESIGNATURE,
				    "origin %s: digest secret differs from the "
				    "one held here",
				    p->origin);
		return 0;
	}
	memcpy(p->secret, it->bytes, 32);
	p->has_secret = p->secret_new = 1;
	return 0;
}

/* An op body must decode as its type says; pass 1 checks it so that
 * pass 2 cannot fail half-way on content. An add's audience is read
 * from the report, a retraction's, dispute's or resolution's from its
 * key 4: the log keeps it, and it decides what a later export to a bank
 * redacts, even here where the report itself may never arrive. */
static int marked(walk *w, const sdx_bitem *it, int audience)
{
	if (!it->mark ||
	    (it->mark & SDX_MARK_POLICE ? SDX_AUD_POLICE : SDX_AUD_BANK) ==
		audience)
		return 0;
	return fail(
	    w, SDX_EBUNDLE, "origin %s seq %llu: its mark says %s, its body %s",
	    w->p.origin, (unsigned long long)it->seq,
	    it->mark & SDX_MARK_POLICE ? "police-only" : "bank-visible",
	    audience == SDX_AUD_POLICE ? "police-only" : "bank-visible");
}

static int check_body(walk *w, const sdx_bitem *it, int *audience)
{
	int rc;
	if (it->type == SDX_OP_ADD) {
		codec_report_view v;
		if ((rc = codec_report_view_decode(it->bytes, it->len, &v)))
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: not a report",
				    w->p.origin, (unsigned long long)it->seq);
		if (v.audience == SDX_AUD_POLICE &&
		    w->res->audience == SDX_AUD_BANK)
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: a police-only report "
				    "in a bank bundle",
				    w->p.origin, (unsigned long long)it->seq);
		/* what the store will keep of it until the batch commits */
		w->idents += v.n_idents;
		for (size_t i = 0; i < v.n_idents; i++)
			w->bytes += 1 + v.idents[i].canonical.len;
		*audience = v.audience;
		return marked(w, it, v.audience);
	} else if (it->type == SDX_OP_ALLOW || it->type == SDX_OP_DISALLOW) {
		codec_allow_op a;
		if ((rc = codec_allow_op_decode(it->bytes, it->len, &a)))
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: malformed %s",
				    w->p.origin, (unsigned long long)it->seq,
				    sdx_op_type_name(it->type));
		return marked(w, it, SDX_AUD_BANK);
	} else {
		codec_state_op o;
		if ((rc = codec_state_op_decode(it->bytes, it->len, &o)))
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: malformed %s",
				    w->p.origin, (unsigned long long)it->seq,
				    sdx_op_type_name(it->type));
		if (o.audience == SDX_AUD_POLICE &&
		    w->res->audience == SDX_AUD_BANK)
			return fail(w, SDX_EBUNDLE,
				    "origin %s seq %llu: a police-only %s in a "
				    "bank bundle",
				    w->p.origin, (unsigned long long)it->seq,
				    sdx_op_type_name(it->type));
		*audience = o.audience;
		return marked(w, it, o.audience);
	}
	return 0;
}

static int note_checkpoint(walk *w)
{
	if (sdx_grow(&w->cp, &w->cap_cp, w->n_cp + 1, sizeof *w->cp, 64))
		return fail(w, SDX_ENOMEM, "out of memory");
	memcpy(w->cp[w->n_cp].chain, w->p.chain, 32);
	w->cp[w->n_cp].idents = w->idents;
	w->cp[w->n_cp++].bytes = w->bytes;
	return 0;
}

/* The audience of the i-th operation after the first batch, 2 bits. */
static int note_audience(walk *w, uint64_t i, int audience)
{
	size_t byte = (size_t)(i / 4);
	size_t had = w->cap_aud;
	if (sdx_grow(&w->aud, &w->cap_aud, byte + 1, 1, 4096))
		return fail(w, SDX_ENOMEM, "out of memory");
	if (w->cap_aud > had)
		memset(w->aud + had, 0, w->cap_aud - had);
	w->aud[byte] |= (uint8_t)(audience << (i % 4 * 2));
	return 0;
}

/* What pass 1 noted; -1 (refused by the store) past its end. */
static int noted_audience(const walk *w, uint64_t i)
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
static int batch_open(walk *w, uint64_t i)
{
	size_t ops, idents, bytes;
	int rc;
	if (w->apply)
		return 0;
	if ((rc = sdx_apply_begin(w->db, &w->apply)))
		return fail(w, rc, "starting a transaction: %s",
			    sdx_strerror(rc));
	if ((rc = sdx_apply_verified(w->apply)) ||
	    (rc = sdx_apply_source(w->apply, read_back, w)))
		return fail(w, rc, "starting a transaction: %s",
			    sdx_strerror(rc));
	batch_size(w, i, &ops, &idents, &bytes);
	/* a hint: without room for it, the store still grows step by step
	 * and says SDX_EFULL only for a write that does not fit */
	rc = ops ? sdx_apply_expect_idents(w->apply, ops, idents, bytes) : 0;
	if (rc && rc != SDX_EFULL)
		return fail(w, rc, "starting a transaction: %s",
			    sdx_strerror(rc));
	return 0;
}

static void batch_drop(walk *w)
{
	if (w->apply)
		sdx_apply_abort(w->apply);
	w->apply = NULL;
}

/* After every operation that is applied. At the end of a batch: in
 * pass 1 (the first batch), stop applying and keep the place for
 * pass 2; the batch commits once the whole file has verified. In pass
 * 2, commit the batch if its chain is the one pass 1 verified. */
static int batch_end(walk *w)
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
		return fail(w, SDX_EBUNDLE,
			    "the bundle changed while it was imported");
	rc = w->apply ? sdx_apply_commit(w->apply) : 0;
	w->apply = NULL;
	if (rc)
		return fail(w, rc, "committing: %s", sdx_strerror(rc));
	w->committed = w->res->applied;
	return 0;
}

static int on_op(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	sdx_op op;
	int rc, applied = 0;
	if (!p->in_run)
		return fail(w, SDX_EBUNDLE, "operation outside a run");
	if (it->seq != p->next)
		return fail(w, SDX_EBUNDLE,
			    "origin %s: seq %llu where %llu was due", p->origin,
			    (unsigned long long)it->seq,
			    (unsigned long long)p->next);
	/* Only police-only operations travel as digests, and only to banks:
	 * a digest in a police bundle would pass for the operation held. */
	if (it->kind == SDX_BI_REDACTED && w->res->audience == SDX_AUD_POLICE)
		return fail(w, SDX_EBUNDLE,
			    "origin %s seq %llu: a redacted operation in a "
			    "police bundle",
			    p->origin, (unsigned long long)it->seq);
	if (p->check_held && it->seq == p->held + 1 &&
	    memcmp(p->chain, p->held_chain, 32) != 0)
		return fail(w, SDX_ESIGNATURE,
			    "origin %s: history differs from ours at seq %llu",
			    p->origin, (unsigned long long)p->held);
	/* The mark is signed with the chain: an operation its origin
	 * marked bank-visible never travels as a digest (a relay hiding it
	 * from a bank), nor a police-only one in clear to a bank. */
	if (it->kind == SDX_BI_REDACTED && it->mark == SDX_MARK_V2)
		return fail(w, SDX_EBUNDLE,
			    "origin %s seq %llu: a redacted operation that "
			    "its origin marked bank-visible",
			    p->origin, (unsigned long long)it->seq);
	if (it->kind == SDX_BI_OP && (it->mark & SDX_MARK_POLICE) &&
	    w->res->audience == SDX_AUD_BANK)
		return fail(w, SDX_EBUNDLE,
			    "origin %s seq %llu: a police-only %s in a bank "
			    "bundle",
			    p->origin, (unsigned long long)it->seq,
			    sdx_op_type_name(it->type));
	if (it->kind == SDX_BI_REDACTED) {
		memcpy(op.digest, it->bytes, 32);
	} else if (it->mark & SDX_MARK_POLICE) {
		if (!p->has_secret)
			return fail(w, SDX_EBUNDLE,
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
	sdx_chain_next(p->chain, it->type | it->mark, op.digest, p->chain);
	p->next++;
	w->res->ops = ++p->ops;
	op.mark = it->mark;
	op.audience =
	    it->kind == SDX_BI_REDACTED || (it->mark & SDX_MARK_POLICE)
		? SDX_AUD_POLICE
		: SDX_AUD_BANK;
	if (!w->pass2) {
		if (it->kind == SDX_BI_OP &&
		    (rc = check_body(w, it, &op.audience)))
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
			return fail(w, rc,
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
	if (op.body && op.body >= w->r.buf && op.body < w->r.buf + w->r.end)
		rc = sdx_apply_op_at(w->apply, &op,
				     w->r.base + (uint64_t)(op.body - w->r.buf),
				     &applied);
	else
		rc = sdx_apply_op(w->apply, &op, &applied);
	if (rc == SDX_EGAP) {
		p->gapped = 1;
		return batch_end(w);
	}
	/* pass 1 decoded every body: one that no longer decodes is the
	 * file changing under the import */
	if (rc == SDX_ECORRUPT && w->pass2 && it->kind == SDX_BI_OP)
		return fail(w, SDX_EBUNDLE,
			    "the bundle changed while it was imported");
	if (rc)
		return fail(w, rc, "applying %s seq %llu: %s", p->origin,
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

/* The segment signature must be by the key the origin had for its last
 * seq: a key it replaced (trust replace, rekey) signs only segments up to
 * the seq it was replaced after, so what a thief signed after that is
 * refused, whoever relays it. */
static int segment_check(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	sdx_key_period kp[SDX_KEYS_MAX];
	uint8_t pk[32];
	size_t nk = 0;
	int rc = sdx_origin_key_for(w->db, p->origin, it->seq, pk);
	if (rc)
		return fail(w, rc, "reading the key of %s: %s", p->origin,
			    sdx_strerror(rc));
	if (sdx_segment_verify(pk, p->origin, it->seq, p->chain, it->bytes) ==
	    0)
		return 0;
	if (sdx_origin_keys(w->db, p->origin, kp, SDX_KEYS_MAX, &nk) == 0)
		for (size_t i = 0; i < nk && i < SDX_KEYS_MAX; i++)
			if (kp[i].upto < it->seq &&
			    sdx_segment_verify(kp[i].pubkey, p->origin, it->seq,
					       p->chain, it->bytes) == 0)
				return fail(
				    w, SDX_ESIGNATURE,
				    "origin %s: seq %llu..%llu signed with a "
				    "key replaced after seq %llu (trust "
				    "replace): refused",
				    p->origin, (unsigned long long)p->first,
				    (unsigned long long)it->seq,
				    (unsigned long long)kp[i].upto);
	return fail(w, SDX_ESIGNATURE,
		    "origin %s: signature over seq %llu..%llu does not "
		    "verify",
		    p->origin, (unsigned long long)p->first,
		    (unsigned long long)it->seq);
}

static int on_segsig(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	int rc;
	if (!p->in_run)
		return fail(w, SDX_EBUNDLE, "segment signature outside a run");
	if (p->next == p->first || it->seq != p->next - 1)
		return fail(w, SDX_EBUNDLE,
			    "origin %s: signature for seq %llu closes a run "
			    "ending at %llu",
			    p->origin, (unsigned long long)it->seq,
			    (unsigned long long)(p->next - 1));
	if ((rc = segment_check(w, it)))
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
		return fail(w, rc, "storing the signature of %s: %s", p->origin,
			    sdx_strerror(rc));
	return 0;
}

/* An origin's signed head (pass 1): verified with the key the origin
 * had for that seq (a forged one refuses the bundle); kept when the
 * origin is trusted, not this office, and not dated ahead of this
 * database's clock by more than two days. */
static int on_head(walk *w, const sdx_bitem *it)
{
	char office[SDX_OFFICE_MAX + 1];
	sdx_head h, old;
	uint8_t pk[32];
	int rc;
	if (w->pass2)
		return 0;
	if (w->p.n_seen)
		return fail(w, SDX_EBUNDLE, "a head after the runs");
	if (w->n_heads == SDX_BUNDLE_ORIGINS_MAX)
		return fail(w, SDX_EBUNDLE, "too many heads");
	memset(&h, 0, sizeof h);
	memcpy(h.origin, it->name, it->name_len);
	h.seq = it->seq;
	memcpy(h.chain, it->bytes, 32);
	h.clock = it->clock;
	memcpy(h.sig, it->sig, 64);
	for (size_t i = 0; i < w->n_heads; i++)
		if (!strcmp(w->heads[i].origin, h.origin))
			return fail(w, SDX_EBUNDLE, "second head of origin %s",
				    h.origin);
	rc = sdx_origin_key_for(w->db, h.origin, h.seq, pk);
	if (rc == SDX_ENOTFOUND)
		return 0; /* not trusted here: it cannot be checked */
	if (rc)
		return fail(w, rc, "reading the key of %s: %s", h.origin,
			    sdx_strerror(rc));
	if (sdx_head_verify(pk, &h) != 0) {
		sdx_key_period kp[SDX_KEYS_MAX];
		size_t nk = 0;
		if (sdx_origin_keys(w->db, h.origin, kp, SDX_KEYS_MAX, &nk) ==
		    0)
			for (size_t i = 0; i < nk && i < SDX_KEYS_MAX; i++)
				if (kp[i].upto < h.seq &&
				    sdx_head_verify(kp[i].pubkey, &h) == 0)
					return fail(
					    w, SDX_ESIGNATURE,
					    "origin %s: head of seq "
					    "%llu signed with a key "
					    "replaced after seq %llu "
					    "(trust replace): refused",
					    h.origin, (unsigned long long)h.seq,
					    (unsigned long long)kp[i].upto);
		return fail(w, SDX_ESIGNATURE,
			    "origin %s: head of seq %llu does not verify",
			    h.origin, (unsigned long long)h.seq);
	}
	if ((rc = sdx_db_office(w->db, office, sizeof office)))
		return fail(w, rc, "reading this office's id");
	if (!strcmp(office, h.origin) ||
	    h.clock > (uint64_t)time(NULL) + 2 * 86400)
		return 0;
	w->heads[w->n_heads++] = h;
	rc = sdx_head_get(w->db, h.origin, &old);
	if (rc == SDX_ENOTFOUND ||
	    (!rc && (h.clock > old.clock ||
		     (h.clock == old.clock && h.seq > old.seq))))
		w->head_newer = 1;
	else if (rc)
		return fail(w, rc, "reading the head of %s: %s", h.origin,
			    sdx_strerror(rc));
	return 0;
}

/* After the import: keep the newer heads (a crash before loses them
 * until the next bundle brings them again). */
static int keep_heads(walk *w)
{
	for (size_t i = 0; i < w->n_heads; i++) {
		int rc = sdx_head_put(w->db, &w->heads[i], NULL);
		if (rc)
			return fail(w, rc, "storing the head of %s: %s",
				    w->heads[i].origin, sdx_strerror(rc));
	}
	return 0;
}

static int walk_file(walk *w)
{
	sdx_bitem it;
	int rc;
	while ((rc = sdx_br_next(&w->r, &it)) == 0) {
		switch (it.kind) {
		case SDX_BI_HEADER:
			rc = on_header(w, &it);
			break;
		case SDX_BI_ADDRESS:
			rc = on_address(w);
			break;
		case SDX_BI_RUN:
			rc = on_run(w, &it);
			break;
		case SDX_BI_OP:
		case SDX_BI_REDACTED:
			rc = on_op(w, &it);
			break;
		case SDX_BI_SECRET:
			rc = on_secret(w, &it);
			break;
		case SDX_BI_SEGSIG:
			rc = on_segsig(w, &it);
			break;
		case SDX_BI_HEAD:
			rc = on_head(w, &it);
			break;
		case SDX_BI_CHECKSUM:
			if (w->p.in_run)
				rc = fail(w, SDX_EBUNDLE,
					  "run of %s not closed", w->p.origin);
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
		return fail(w, rc, "%s", w->r.why);
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
	if ((rc = sdx_br_open(&w->r, path))) {
		fail(w, rc, "%s", w->r.why);
		goto out;
	}
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
			fail(w, rc, "committing: %s", sdx_strerror(rc));
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
		fail(w, rc, "storing the vector of %s: %s", res->sender,
		     sdx_strerror(rc));
		goto out;
	}
	rc = sdx_apply_commit(w->apply);
	w->apply = NULL;
	if (rc) {
		fail(w, rc, "committing: %s", sdx_strerror(rc));
		res->applied = w->committed;
		goto out;
	}
	if ((rc = keep_heads(w)))
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
