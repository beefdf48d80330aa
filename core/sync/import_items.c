/* import_items.c: pass 1's checks of a bundle's items other than
 * operations: the header (sender trusted, roles), the address, each
 * origin's run (trusted, its history ours where they meet), its digest
 * secret, each body's encoding and mark, segment signatures (by the key
 * the origin had then) and signed heads. See sync_import.c. */
#include <string.h>
#include <time.h>

#include "codec.h"
#include "import_walk.h"

static int trusted_key(walk *w, const char *office, uint8_t pk[32],
		       sdx_origin_info *info, const char *what)
{
	int rc = sdx_origin_get(w->db, office, info);
	if (rc == SDX_ENOTFOUND || (!rc && !info->trusted))
		return walk_fail(w, SDX_EUNTRUSTED, "%s %s is not trusted",
				 what, office);
	if (rc)
		return walk_fail(w, rc, "reading origin %s: %s", office,
				 sdx_strerror(rc));
	if (info->role == SDX_OFFICE_NOROLE)
		return walk_fail(w, SDX_EROLE,
				 "%s %s has no role (trusted before roles: run "
				 "'" SDX_SYNC_PROG
				 " trust add %s KEY --role police|bank')",
				 what, office, office);
	memcpy(pk, info->pubkey, 32);
	return 0;
}

/* Pass 1 only (pass 2 starts after the first batch). */
int walk_header(walk *w, const sdx_bitem *it)
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
		return walk_fail(w, rc, "reading this office's id");
	if (strcmp(office, w->res->sender) == 0)
		return walk_fail(w, SDX_EINVAL,
				 "bundle was written by this office");
	if ((rc =
		 trusted_key(w, w->res->sender, w->sender_pk, &info, "sender")))
		return rc;
	if ((rc = sdx_db_role(w->db, &w->role)))
		return walk_fail(w, rc, "reading this database's role: %s",
				 sdx_strerror(rc));
	if (w->role == SDX_OFFICE_NOROLE)
		return walk_fail(
		    w, SDX_EROLE,
		    "this database has no role (run '" SDX_SYNC_PROG
		    " init --office %s --role police|bank')",
		    office);
	if (it->audience == SDX_AUD_POLICE && w->role == SDX_OFFICE_BANK)
		return walk_fail(
		    w, SDX_EROLE,
		    "a police bundle is refused by a bank database");
	if (it->audience == SDX_AUD_POLICE && info.role != SDX_OFFICE_POLICE)
		return walk_fail(
		    w, SDX_EROLE,
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
		return walk_fail(w, rc, "reading the vector of %s: %s",
				 w->res->sender, sdx_strerror(rc));
	if (w->n_old > SDX_BUNDLE_ORIGINS_MAX)
		w->n_old = SDX_BUNDLE_ORIGINS_MAX;
	return 0;
}

/* A bundle is for the office it names; another office takes it only
 * when told to (--accept-for). */
int walk_address(walk *w)
{
	char office[SDX_OFFICE_MAX + 1];
	int rc;
	memcpy(w->res->to, w->r.to, sizeof w->res->to);
	if ((rc = sdx_db_office(w->db, office, sizeof office)))
		return walk_fail(w, rc, "reading this office's id");
	if (strcmp(w->r.to, office) == 0 ||
	    (w->accept_for && strcmp(w->r.to, w->accept_for) == 0)) {
		/* pass 2 applies from here, once pass 1 verified all */
		w->resume = w->p;
		w->resume.offset = sdx_br_tell(&w->r);
		w->resumed = w->import;
		return 0;
	}
	return walk_fail(w, SDX_EADDRESS,
			 "addressed to %s, not to this office %s (--accept-for "
			 "%s takes it)",
			 w->r.to, office, w->r.to);
}

int walk_run(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	sdx_origin_info info;
	uint8_t c[32];
	int rc;
	if (p->in_run)
		return walk_fail(w, SDX_EBUNDLE, "run of %s not closed",
				 p->origin);
	memcpy(p->origin, it->name, it->name_len);
	p->origin[it->name_len] = '\0';
	for (size_t i = 0; i < p->n_seen; i++)
		if (strcmp(w->seen[i], p->origin) == 0)
			return walk_fail(w, SDX_EBUNDLE,
					 "second run of origin %s", p->origin);
	if (p->n_seen == SDX_BUNDLE_ORIGINS_MAX)
		return walk_fail(w, SDX_EBUNDLE, "too many origins");
	strcpy(w->seen[p->n_seen++], p->origin);
	if ((rc = trusted_key(w, p->origin, p->origin_pk, &info, "origin")))
		return rc;
	if (it->seq < 1)
		return walk_fail(w, SDX_EBUNDLE, "run of %s starts at seq 0",
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
		return walk_fail(w, rc, "reading the chain of %s: %s",
				 p->origin, sdx_strerror(rc));
	if (!rc && memcmp(c, it->bytes, 32) != 0)
		return walk_fail(
		    w, SDX_ESIGNATURE,
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
		return walk_fail(w, rc, "reading the digest secret of %s: %s",
				 p->origin, sdx_strerror(rc));
	p->has_secret = rc == 0;
	p->in_run = 1;
	return 0;
}

/* [8, origin, secret] right after the run item of origin, in a police
 * bundle: the key of the digests of the origin's police-only
 * operations. Not signed by itself: a wrong secret gives wrong digests,
 * which the origin's signed chain refuses. */
int walk_secret(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	if (w->res->audience != SDX_AUD_POLICE)
		return walk_fail(w, SDX_EBUNDLE,
				 "a digest secret in a bank bundle");
	if (!p->in_run || p->next != p->first || p->secret_item ||
	    it->name_len != strlen(p->origin) ||
	    memcmp(it->name, p->origin, it->name_len) != 0)
		return walk_fail(
		    w, SDX_EBUNDLE,
		    "a digest secret not right after its origin's run "
		    "item");
	p->secret_item = 1;
	if (p->has_secret) {
		if (memcmp(p->secret, it->bytes, 32) != 0)
			return walk_fail(
			    w, SDX_ESIGNATURE,
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
	return walk_fail(
	    w, SDX_EBUNDLE, "origin %s seq %llu: its mark says %s, its body %s",
	    w->p.origin, (unsigned long long)it->seq,
	    it->mark & SDX_MARK_POLICE ? "police-only" : "bank-visible",
	    audience == SDX_AUD_POLICE ? "police-only" : "bank-visible");
}

int walk_check_body(walk *w, const sdx_bitem *it, int *audience)
{
	int rc;
	if (it->type == SDX_OP_ADD) {
		codec_report_view v;
		if ((rc = codec_report_view_decode(it->bytes, it->len, &v)))
			return walk_fail(
			    w, SDX_EBUNDLE, "origin %s seq %llu: not a report",
			    w->p.origin, (unsigned long long)it->seq);
		if (v.audience == SDX_AUD_POLICE &&
		    w->res->audience == SDX_AUD_BANK)
			return walk_fail(
			    w, SDX_EBUNDLE,
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
			return walk_fail(
			    w, SDX_EBUNDLE, "origin %s seq %llu: malformed %s",
			    w->p.origin, (unsigned long long)it->seq,
			    sdx_op_type_name(it->type));
		return marked(w, it, SDX_AUD_BANK);
	} else {
		codec_state_op o;
		if ((rc = codec_state_op_decode(it->bytes, it->len, &o)))
			return walk_fail(
			    w, SDX_EBUNDLE, "origin %s seq %llu: malformed %s",
			    w->p.origin, (unsigned long long)it->seq,
			    sdx_op_type_name(it->type));
		if (o.audience == SDX_AUD_POLICE &&
		    w->res->audience == SDX_AUD_BANK)
			return walk_fail(
			    w, SDX_EBUNDLE,
			    "origin %s seq %llu: a police-only %s in a "
			    "bank bundle",
			    w->p.origin, (unsigned long long)it->seq,
			    sdx_op_type_name(it->type));
		*audience = o.audience;
		return marked(w, it, o.audience);
	}
	return 0;
}

/* The segment signature must be by the key the origin had for its last
 * seq: a key it replaced (trust replace, rekey) signs only segments up to
 * the seq it was replaced after, so what a thief signed after that is
 * refused, whoever relays it. */
int walk_segment_check(walk *w, const sdx_bitem *it)
{
	place *p = &w->p;
	sdx_key_period kp[SDX_KEYS_MAX];
	uint8_t pk[32];
	size_t nk = 0;
	int rc = sdx_origin_key_for(w->db, p->origin, it->seq, pk);
	if (rc)
		return walk_fail(w, rc, "reading the key of %s: %s", p->origin,
				 sdx_strerror(rc));
	if (sdx_segment_verify(pk, p->origin, it->seq, p->chain, it->bytes) ==
	    0)
		return 0;
	if (sdx_origin_keys(w->db, p->origin, kp, SDX_KEYS_MAX, &nk) == 0)
		for (size_t i = 0; i < nk && i < SDX_KEYS_MAX; i++)
			if (kp[i].upto < it->seq &&
			    sdx_segment_verify(kp[i].pubkey, p->origin, it->seq,
					       p->chain, it->bytes) == 0)
				return walk_fail(
				    w, SDX_ESIGNATURE,
				    "origin %s: seq %llu..%llu signed with a "
				    "key replaced after seq %llu (trust "
				    "replace): refused",
				    p->origin, (unsigned long long)p->first,
				    (unsigned long long)it->seq,
				    (unsigned long long)kp[i].upto);
	return walk_fail(w, SDX_ESIGNATURE,
			 "origin %s: signature over seq %llu..%llu does not "
			 "verify",
			 p->origin, (unsigned long long)p->first,
			 (unsigned long long)it->seq);
}

/* An origin's signed head (pass 1): verified with the key the origin
 * had for that seq (a forged one refuses the bundle); kept when the
 * origin is trusted, not this office, and not dated ahead of this
 * database's clock by more than two days. */
int walk_head(walk *w, const sdx_bitem *it)
{
	char office[SDX_OFFICE_MAX + 1];
	sdx_head h, old;
	uint8_t pk[32];
	int rc;
	if (w->pass2)
		return 0;
	if (w->p.n_seen)
		return walk_fail(w, SDX_EBUNDLE, "a head after the runs");
	if (w->n_heads == SDX_BUNDLE_ORIGINS_MAX)
		return walk_fail(w, SDX_EBUNDLE, "too many heads");
	memset(&h, 0, sizeof h);
	memcpy(h.origin, it->name, it->name_len);
	h.seq = it->seq;
	memcpy(h.chain, it->bytes, 32);
	h.clock = it->clock;
	memcpy(h.sig, it->sig, 64);
	for (size_t i = 0; i < w->n_heads; i++)
		if (!strcmp(w->heads[i].origin, h.origin))
			return walk_fail(w, SDX_EBUNDLE,
					 "second head of origin %s", h.origin);
	rc = sdx_origin_key_for(w->db, h.origin, h.seq, pk);
	if (rc == SDX_ENOTFOUND)
		return 0; /* not trusted here: it cannot be checked */
	if (rc)
		return walk_fail(w, rc, "reading the key of %s: %s", h.origin,
				 sdx_strerror(rc));
	if (sdx_head_verify(pk, &h) != 0) {
		sdx_key_period kp[SDX_KEYS_MAX];
		size_t nk = 0;
		if (sdx_origin_keys(w->db, h.origin, kp, SDX_KEYS_MAX, &nk) ==
		    0)
			for (size_t i = 0; i < nk && i < SDX_KEYS_MAX; i++)
				if (kp[i].upto < h.seq &&
				    sdx_head_verify(kp[i].pubkey, &h) == 0)
					return walk_fail(
					    w, SDX_ESIGNATURE,
					    "origin %s: head of seq "
					    "%llu signed with a key "
					    "replaced after seq %llu "
					    "(trust replace): refused",
					    h.origin, (unsigned long long)h.seq,
					    (unsigned long long)kp[i].upto);
		return walk_fail(w, SDX_ESIGNATURE,
				 "origin %s: head of seq %llu does not verify",
				 h.origin, (unsigned long long)h.seq);
	}
	if ((rc = sdx_db_office(w->db, office, sizeof office)))
		return walk_fail(w, rc, "reading this office's id");
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
		return walk_fail(w, rc, "reading the head of %s: %s", h.origin,
				 sdx_strerror(rc));
	return 0;
}

/* After the import: keep the newer heads (a crash before loses them
 * until the next bundle brings them again). */
int walk_keep_heads(walk *w)
{
	for (size_t i = 0; i < w->n_heads; i++) {
		int rc = sdx_head_put(w->db, &w->heads[i], NULL);
		if (rc)
			return walk_fail(w, rc, "storing the head of %s: %s",
					 w->heads[i].origin, sdx_strerror(rc));
	}
	return 0;
}
