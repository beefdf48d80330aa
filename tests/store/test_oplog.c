/* test_oplog.c: the operation log and applying operations between
 * databases: round trip, duplicates, gaps, broken chains, a retraction
 * that arrives before its report, last-writer-wins, redaction, origins,
 * trust and peers. */
#include "helpers.h"

struct opcopy {
	char origin[SDX_OFFICE_MAX + 1];
	uint64_t seq;
	int type, audience, redacted, mark;
	uint8_t digest[32], chain[32];
	uint8_t *body;
	size_t len;
};

struct oplist {
	struct opcopy *ops;
	int n, cap;
	/* the origin's digest secret, as a police peer's bundle brings it */
	char origin[SDX_OFFICE_MAX + 1];
	uint8_t secret[32];
	int has_secret;
};

static int grab(const sdx_op *op, void *ctx)
{
	struct oplist *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->ops = realloc(l->ops, (size_t)l->cap * sizeof *l->ops);
		cr_assert_not_null(l->ops);
	}
	struct opcopy *c = &l->ops[l->n++];
	snprintf(c->origin, sizeof c->origin, "%s", op->origin);
	c->seq = op->seq;
	c->type = op->type;
	c->mark = op->mark;
	c->audience = op->audience;
	c->redacted = op->body == NULL;
	memcpy(c->digest, op->digest, 32);
	memcpy(c->chain, op->chain, 32);
	c->len = op->body ? op->body_len : 0;
	c->body = malloc(c->len + 1);
	if (c->len)
		memcpy(c->body, op->body, c->len);
	return 0;
}

static sdx_op as_op(const struct opcopy *c)
{
	sdx_op op = {c->origin,
		     c->seq,
		     c->type,
		     c->audience,
		     c->redacted ? NULL : c->body,
		     c->len,
		     {0},
		     {0},
		     c->mark};
	memcpy(op.digest, c->digest, 32);
	memcpy(op.chain, c->chain, 32);
	return op;
}

static void scan(sdx_db *db, const char *origin, uint64_t after,
		 struct oplist *l)
{
	l->n = l->cap = 0;
	l->ops = NULL;
	snprintf(l->origin, sizeof l->origin, "%s", origin);
	l->has_secret = sdx_digest_secret_get(db, origin, l->secret) == 0;
	int rc = sdx_oplog_scan(db, origin, after, grab, l);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
}

static void free_ops(struct oplist *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->ops[i].body);
	free(l->ops);
	l->ops = NULL;
	l->n = l->cap = 0;
}

/* apply l to db; returns how many were applied */
static int apply_all(sdx_db *db, struct oplist *l)
{
	sdx_apply *a;
	int rc = sdx_apply_begin(db, &a), n = 0;
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	if (l->has_secret)
		cr_assert_eq(sdx_apply_digest_secret(a, l->origin, l->secret),
			     0);
	for (int i = 0; i < l->n; i++) {
		sdx_op op = as_op(&l->ops[i]);
		int applied = -1;
		rc = sdx_apply_op(a, &op, &applied);
		cr_assert_eq(rc, 0, "op %d: %s", i, sdx_strerror(rc));
		n += applied;
	}
	cr_assert_eq(sdx_apply_commit(a), 0);
	return n;
}

static sdx_db *office(const char *name)
{
	sdx_db *db = fresh_db(NULL);
	cr_assert_eq(sdx_db_set_office(db, name), 0);
	return db;
}

/* Office `name` holding n extortion reports in one batch, a third each
 * from PA05, PC02 and PC03, on n / 3 phone numbers (+8491..., each
 * reported once by every agency), narratives "i text". */
static sdx_db *office_with_reports(const char *name, int n, const char *text)
{
	static const char *agency[] = {"PA05", "PC02", "PC03"};
	sdx_db *db = office(name);
	sdx_batch *bt;
	cr_assert_eq(sdx_batch_begin(db, &bt), 0);
	for (int i = 0; i < n; i++) {
		sdx_report r;
		char num[32];
		mkreport(&r, agency[i / (n / 3)], SDX_CAT_EXTORTION,
			 "2026-11-20");
		snprintf(num, sizeof num, "+8491%07d", i % (n / 3));
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
		snprintf(r.narrative, sizeof r.narrative, "%d %s", i, text);
		cr_assert_eq(sdx_batch_add(bt, &r, NULL, NULL), 0);
	}
	cr_assert_eq(sdx_batch_commit(bt), 0);
	return db;
}

/* db trusts office `peer` as police (a key of zeros: these tests apply
 * ops through sdx_apply_op, without bundles), so its allowlist entries
 * are taken (scamdex-sync(1), AUTHORITY). */
static void trust_police(sdx_db *db, const char *peer)
{
	uint8_t key[32] = {0};
	cr_assert_eq(sdx_trust_set(db, peer, key, SDX_OFFICE_POLICE), 0);
}

static void same_check(sdx_db *a, sdx_db *b, sdx_kind kind, const char *c)
{
	sdx_check_result x = check_ok(a, kind, c), y = check_ok(b, kind, c);
	cr_assert_eq(x.verdict, y.verdict, "%s", c);
	cr_assert_eq(x.reports, y.reports, "%s", c);
	cr_assert_eq(x.retracted, y.retracted, "%s", c);
	cr_assert_eq(x.agencies, y.agencies, "%s", c);
	cr_assert_eq(x.categories, y.categories, "%s", c);
	cr_assert_eq(x.first_seen, y.first_seen, "%s", c);
	cr_assert_eq(x.last_seen, y.last_seen, "%s", c);
	cr_assert_eq(x.disputed, y.disputed, "%s", c);
	cr_assert_eq(x.flags, y.flags, "%s", c);
	cr_assert_eq(x.grade, y.grade, "%s", c);
}

static void populate(sdx_db *a, uint8_t ids[3][16])
{
	sdx_report r;
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-20");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	addid(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE, "970436:0011004012345");
	add_ok(a, &r, ids[0]);
	mkreport(&r, "Bank A", SDX_CAT_EXTORTION, "2026-11-25");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(a, &r, ids[1]);
	mkreport(&r, "PA05", SDX_CAT_PHISHING, "2026-11-21");
	r.audience = SDX_AUD_POLICE;
	addid(&r, SDX_KIND_DOMAIN, SDX_ROLE_LINK, "vcb-xac-thuc.example");
	add_ok(a, &r, ids[2]);
	cr_assert_eq(
	    sdx_report_retract(a, ids[1], "duplicate", "Bank A", SDX_DATE_NONE),
	    0);
	cr_assert_eq(sdx_report_dispute(a, ids[0], "owner objects", "owner",
					SDX_DATE_NONE),
		     0);
	cr_assert_eq(
	    sdx_allow(a, SDX_KIND_PHONE, "+842439396100", "hotline", "MPS"), 0);
}

Test(oplog, scan_lists_every_change)
{
	sdx_db *a = office("A");
	uint8_t ids[3][16];
	populate(a, ids);
	struct oplist l;
	scan(a, "A", 0, &l);
	cr_assert_eq(l.n, 6);
	static const char *const types[] = {"add",     "add",	  "add",
					    "retract", "dispute", "allow"};
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(l.ops[i].seq, (uint64_t)i + 1);
		cr_assert_str_eq(sdx_op_type_name(l.ops[i].type), types[i]);
	}
	cr_assert_eq(l.ops[2].audience, SDX_AUD_POLICE);
	cr_assert_eq(l.ops[0].audience, SDX_AUD_BANK);
	/* an ADD body decodes to the report, with its id */
	sdx_report r;
	cr_assert_eq(sdx_report_decode(l.ops[0].body, l.ops[0].len, &r), 0);
	cr_assert_eq(memcmp(r.id, ids[0], 16), 0);
	cr_assert_str_eq(r.origin, "A");
	cr_assert_eq(r.n_idents, 2);
	/* the chain links every op */
	uint8_t ch[32], d[32];
	sdx_chain_start("A", ch);
	cr_assert(l.has_secret);
	for (int i = 0; i < l.n; i++) {
		/* marked since 2026-12-07: the police-only report (op 3) is
		 * digested with A's secret, every other op plainly */
		cr_assert_eq(l.ops[i].mark,
			     SDX_MARK_V2 | (i == 2 ? SDX_MARK_POLICE : 0));
		if (i == 2)
			sdx_digest_keyed(l.ops[i].body, l.ops[i].len, l.secret,
					 d);
		else
			sdx_digest(l.ops[i].body, l.ops[i].len, d);
		cr_assert_eq(memcmp(d, l.ops[i].digest, 32), 0);
		sdx_chain_next(ch, l.ops[i].type | l.ops[i].mark, d, ch);
		cr_assert_eq(memcmp(ch, l.ops[i].chain, 32), 0);
	}
	uint8_t got[32];
	cr_assert_eq(sdx_oplog_chain(a, "A", 6, got), 0);
	cr_assert_eq(memcmp(got, ch, 32), 0);
	cr_assert_eq(sdx_oplog_chain(a, "A", 7, got), SDX_ENOTFOUND);
	sdx_origin_info oi;
	cr_assert_eq(sdx_origin_get(a, "A", &oi), 0);
	cr_assert_eq(oi.seq, 6);
	cr_assert_eq(memcmp(oi.chain, ch, 32), 0);
	free_ops(&l);
	scan(a, "A", 4, &l);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.ops[0].seq, 5);
	free_ops(&l);
	scan(a, "nobody", 0, &l);
	cr_assert_eq(l.n, 0);
	sdx_db_close(a);
}

Test(oplog, round_trip_converges)
{
	sdx_db *a = office("A"), *b = office("B");
	trust_police(b, "A");
	uint8_t ids[3][16];
	populate(a, ids);
	struct oplist l;
	scan(a, "A", 0, &l);
	cr_assert_eq(apply_all(b, &l), 6);
	/* applying again changes nothing */
	cr_assert_eq(apply_all(b, &l), 0);
	same_check(a, b, SDX_KIND_PHONE, "+84795555373");
	same_check(a, b, SDX_KIND_BANK, "970436:0011004012345");
	same_check(a, b, SDX_KIND_DOMAIN, "vcb-xac-thuc.example");
	same_check(a, b, SDX_KIND_PHONE, "+842439396100");
	sdx_check_result c = check_ok(b, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(c.reports, 1);
	cr_assert_eq(c.retracted, 1);
	cr_assert_eq(c.disputed, 1);
	cr_assert_eq(check_ok(b, SDX_KIND_PHONE, "+842439396100").verdict,
		     SDX_VERDICT_OFFICIAL);
	sdx_origin_info x, y;
	cr_assert_eq(sdx_origin_get(a, "A", &x), 0);
	cr_assert_eq(sdx_origin_get(b, "A", &y), 0);
	cr_assert_eq(y.seq, 6);
	cr_assert_eq(memcmp(x.chain, y.chain, 32), 0);
	cr_assert_eq(memcmp(x.fingerprint, y.fingerprint, 16), 0);
	/* B relays A's ops unchanged */
	struct oplist l2;
	scan(b, "A", 0, &l2);
	cr_assert_eq(l2.n, 6);
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(l2.ops[i].len, l.ops[i].len);
		cr_assert_eq(
		    memcmp(l2.ops[i].body, l.ops[i].body, l.ops[i].len), 0);
	}
	size_t mism = 9;
	cr_assert_eq(sdx_verify(b, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	free_ops(&l);
	free_ops(&l2);
	sdx_db_close(a);
	sdx_db_close(b);
}

Test(oplog, gap_and_broken_chain)
{
	sdx_db *a = office("A"), *b = office("B");
	uint8_t ids[3][16];
	populate(a, ids);
	struct oplist l;
	scan(a, "A", 0, &l);
	sdx_apply *ap;
	cr_assert_eq(sdx_apply_begin(b, &ap), 0);
	sdx_op op = as_op(&l.ops[1]);
	int applied = -1;
	cr_assert_eq(sdx_apply_op(ap, &op, &applied), SDX_EGAP);
	cr_assert_eq(applied, 0);
	op = as_op(&l.ops[0]);
	op.chain[0] ^= 1;
	cr_assert_eq(sdx_apply_op(ap, &op, &applied), SDX_ESIGNATURE);
	op = as_op(&l.ops[0]);
	l.ops[0].body[l.ops[0].len - 1] ^= 1; /* body no longer matches */
	cr_assert_eq(sdx_apply_op(ap, &op, &applied), SDX_ESIGNATURE);
	l.ops[0].body[l.ops[0].len - 1] ^= 1;
	cr_assert_eq(sdx_apply_op(ap, &op, &applied), 0);
	cr_assert_eq(applied, 1);
	sdx_apply_abort(ap);
	/* aborted: nothing held */
	sdx_origin_info oi;
	cr_assert_eq(sdx_origin_get(b, "A", &oi), SDX_ENOTFOUND);
	cr_assert_eq(check_ok(b, SDX_KIND_PHONE, "+84795555373").reports, 0);
	free_ops(&l);
	sdx_db_close(a);
	sdx_db_close(b);
}

Test(oplog, retraction_before_its_report)
{
	sdx_db *a = office("A"), *b = office("B"), *c = office("C");
	sdx_report r;
	uint8_t id[16];
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-20");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(a, &r, id);
	struct oplist la, lb;
	scan(a, "A", 0, &la);
	apply_all(b, &la);
	/* only the report's origin retracts it (once B trusts A: a report
	 * naming an origin that is no peer is a local label, B's own) */
	trust_police(b, "A");
	cr_assert_eq(sdx_report_retract(b, id, "false accusation", "PA05",
					SDX_DATE_NONE),
		     SDX_EROLE);
	cr_assert_eq(sdx_report_retract(a, id, "false accusation", "PA05",
					SDX_DATE_NONE),
		     0);
	free_ops(&la);
	scan(a, "A", 0, &la);
	cr_assert_eq(la.n, 2);
	/* C hears A's retraction with the report (B relays both) */
	apply_all(b, &la);
	scan(b, "A", 0, &lb);
	cr_assert_eq(lb.n, 2);
	cr_assert_eq(apply_all(c, &lb), 2);
	sdx_check_result x = check_ok(c, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(x.verdict, SDX_VERDICT_RETRACTED);
	cr_assert_eq(x.reports, 0);
	cr_assert_eq(x.retracted, 1);
	same_check(b, c, SDX_KIND_PHONE, "+84795555373");
	sdx_report out;
	cr_assert_eq(sdx_report_get(c, id, SDX_AUD_BANK, &out), 0);
	cr_assert_eq(out.state, SDX_RSTATE_RETRACTED);
	cr_assert_str_eq(out.state_note, "false accusation");
	size_t mism = 9;
	cr_assert_eq(sdx_verify(c, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	free_ops(&la);
	free_ops(&lb);
	sdx_db_close(a);
	sdx_db_close(b);
	sdx_db_close(c);
}

Test(oplog, allow_last_writer_wins_in_any_order)
{
	sdx_db *a = office("A"), *b = office("B");
	const char *x = "+842439396100";
	trust_police(a, "B");
	trust_police(b, "A");
	cr_assert_eq(sdx_allow(a, SDX_KIND_PHONE, x, NULL, NULL), 0);
	cr_assert_eq(sdx_allow(b, SDX_KIND_PHONE, x, NULL, NULL), 0);
	cr_assert_eq(sdx_disallow(b, SDX_KIND_PHONE, x, NULL, NULL), 0);
	struct oplist la, lb;
	scan(a, "A", 0, &la);
	scan(b, "B", 0, &lb);
	apply_all(a, &lb);
	apply_all(b, &la);
	/* same date: ("B", 2) is the last writer; both say not official */
	same_check(a, b, SDX_KIND_PHONE, x);
	cr_assert_eq(check_ok(a, SDX_KIND_PHONE, x).verdict,
		     SDX_VERDICT_UNKNOWN);
	sdx_origin_info fa, fb;
	cr_assert_eq(sdx_origin_get(a, "B", &fa), 0);
	cr_assert_eq(sdx_origin_get(b, "B", &fb), 0);
	cr_assert_eq(memcmp(fa.fingerprint, fb.fingerprint, 16), 0);
	free_ops(&la);
	free_ops(&lb);
	sdx_db_close(a);
	sdx_db_close(b);
}

Test(oplog, redacted_op_advances_the_sequence)
{
	sdx_db *a = office("A"), *b = office("B");
	trust_police(b, "A");
	uint8_t ids[3][16];
	populate(a, ids);
	struct oplist l;
	scan(a, "A", 0, &l);
	l.ops[2].redacted = 1; /* the police-only report */
	cr_assert_eq(apply_all(b, &l), 6);
	cr_assert_eq(
	    check_ok(b, SDX_KIND_DOMAIN, "vcb-xac-thuc.example").reports, 0);
	struct oplist l2;
	scan(b, "A", 0, &l2);
	cr_assert_eq(l2.n, 6);
	cr_assert_eq(l2.ops[2].redacted, 1);
	cr_assert_eq(memcmp(l2.ops[2].chain, l.ops[2].chain, 32), 0);
	free_ops(&l);
	free_ops(&l2);
	sdx_db_close(a);
	sdx_db_close(b);
}

static int count_origin(const sdx_origin_info *o, void *ctx)
{
	char *s = ctx;
	strcat(s, o->origin);
	strcat(s, o->trusted ? "+ " : " ");
	return 0;
}

struct peerseen {
	char s[256];
};

static int peer_cb(const char *peer, const sdx_vv_entry *vv, size_t n,
		   void *ctx)
{
	struct peerseen *p = ctx;
	char line[128];
	snprintf(line, sizeof line, "%s:%zu:%s=%llu ", peer, n,
		 n ? vv[0].origin : "",
		 n ? (unsigned long long)vv[0].seq : 0ull);
	strcat(p->s, line);
	return 0;
}

Test(oplog, origins_trust_signatures_peers)
{
	sdx_db *a = office("A");
	uint8_t ids[3][16];
	populate(a, ids);
	uint8_t key[32], sig[64];
	memset(key, 7, 32);
	memset(sig, 9, 64);
	cr_assert_eq(sdx_trust_add(a, "C", key), 0);
	char s[256] = "";
	cr_assert_eq(sdx_origins(a, count_origin, s), 0);
	cr_assert_str_eq(s, "A C+ ");
	sdx_origin_info oi;
	cr_assert_eq(sdx_origin_get(a, "C", &oi), 0);
	cr_assert_eq(oi.trusted, 1);
	cr_assert_eq(oi.seq, 0);
	cr_assert_eq(memcmp(oi.pubkey, key, 32), 0);
	cr_assert_eq(sdx_trust_remove(a, "C"), 0);
	cr_assert_eq(sdx_origin_get(a, "C", &oi), 0);
	cr_assert_eq(oi.trusted, 0);

	cr_assert_eq(sdx_origin_set_signature(a, "A", 9, sig), SDX_EINVAL);
	cr_assert_eq(sdx_origin_set_signature(a, "A", 5, sig), 0);
	sig[0] = 1;
	cr_assert_eq(sdx_origin_set_signature(a, "A", 4, sig), 0); /* older */
	cr_assert_eq(sdx_origin_get(a, "A", &oi), 0);
	cr_assert_eq(oi.sig_seq, 5);
	cr_assert_eq(oi.sig[0], 9);

	sdx_vv_entry vv[2] = {{"A", 6}, {"B", 3}}, got[4];
	size_t n = 9;
	cr_assert_eq(sdx_peer_get_vv(a, "B", got, 4, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(sdx_peer_set_vv(a, "B", vv, 2), 0);
	cr_assert_eq(sdx_peer_get_vv(a, "B", got, 1, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(got[0].origin, "A");
	cr_assert_eq(got[0].seq, 6);
	sdx_apply *ap;
	cr_assert_eq(sdx_apply_begin(a, &ap), 0);
	cr_assert_eq(sdx_apply_peer_vv(ap, "D", vv + 1, 1), 0);
	cr_assert_eq(sdx_apply_signature(ap, "A", 6, sig), 0);
	cr_assert_eq(sdx_apply_commit(ap), 0);
	struct peerseen p = {""};
	cr_assert_eq(sdx_peers(a, peer_cb, &p), 0);
	cr_assert_str_eq(p.s, "B:2:A=6 D:1:B=3 ");
	cr_assert_eq(sdx_origin_get(a, "A", &oi), 0);
	cr_assert_eq(oi.sig_seq, 6);
	sdx_db_close(a);
}

/* A adds a report; B adds the same one naming A as origin but with
 * another received date: the same id (ida), two bodies. */
static void one_report_two_bodies(sdx_db *a, sdx_db *b, uint8_t ida[16])
{
	sdx_report r;
	uint8_t idb[16];
	mkreport(&r, "PA05", SDX_CAT_EXTORTION, "2026-11-20");
	addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, "+84795555373");
	add_ok(a, &r, ida);
	strcpy(r.origin, "A");
	r.received_date = day("2026-11-27");
	add_ok(b, &r, idb);
	cr_assert_eq(memcmp(ida, idb, 16), 0,
		     "the received date is not hashed");
}

/* B already holds A's report under the same id but with another received
 * date (B entered it itself, naming A as origin). Receiving A's ADD must
 * keep A's exact body in B's log, so that B relays it unchanged and its
 * digest still holds; the report is counted once. */
Test(oplog, received_add_of_a_report_held_with_another_body)
{
	sdx_db *a = office("A"), *b = office("B");
	uint8_t ida[16];
	one_report_two_bodies(a, b, ida);
	struct oplist l, l2;
	scan(a, "A", 0, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(apply_all(b, &l), 1);
	cr_assert_eq(check_ok(b, SDX_KIND_PHONE, "+84795555373").reports, 1);
	scan(b, "A", 0, &l2);
	cr_assert_eq(l2.n, 1);
	cr_assert_eq(l2.ops[0].len, l.ops[0].len);
	cr_assert_eq(memcmp(l2.ops[0].body, l.ops[0].body, l.ops[0].len), 0);
	size_t mism = 9;
	cr_assert_eq(sdx_verify(b, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	free_ops(&l);
	free_ops(&l2);
	sdx_db_close(a);
	sdx_db_close(b);
}

/* sdx_apply_expect grows a tiny map before the first op; after one it is
 * refused; the session still applies everything. */
Test(oplog, expect_grows_the_map_before_the_first_op)
{
	sdx_db *a = office("A");
	for (int i = 0; i < 60; i++) {
		sdx_report r;
		char num[32];
		mkreport(&r, i < 30 ? "PA05" : "PC02", SDX_CAT_EXTORTION,
			 "2026-11-20");
		snprintf(num, sizeof num, "+8491%07d", i % 20);
		addid(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, num);
		snprintf(r.narrative, sizeof r.narrative, "report %d", i);
		add_ok(a, &r, NULL);
	}
	struct oplist l;
	scan(a, "A", 0, &l);
	cr_assert_eq(l.n, 60);
	size_t bytes = 0;
	for (int i = 0; i < l.n; i++)
		bytes += l.ops[i].len;
	sdx_db_set_initial_mapsize(64 << 10);
	sdx_db *b = office("B");
	sdx_apply *s;
	cr_assert_eq(sdx_apply_begin(b, &s), 0);
	int rc = sdx_apply_expect(s, (size_t)l.n, bytes);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	int applied = 0;
	for (int i = 0; i < l.n; i++) {
		sdx_op op = as_op(&l.ops[i]);
		int one = 0;
		rc = sdx_apply_op(s, &op, &one);
		cr_assert_eq(rc, 0, "op %d: %s", i, sdx_strerror(rc));
		applied += one;
	}
	cr_assert_eq(sdx_apply_expect(s, 1, 1), SDX_EINVAL);
	cr_assert_eq(sdx_apply_commit(s), 0);
	cr_assert_eq(applied, 60);
	sdx_check_result c = check_ok(b, SDX_KIND_PHONE, "+84910000007");
	cr_assert_eq(c.reports, 3);
	cr_assert_eq(c.agencies, 2);
	size_t mism = 9;
	cr_assert_eq(sdx_verify(b, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	free_ops(&l);
	sdx_db_close(a);
	sdx_db_close(b);
}

/* A session told the ops are verified applies them exactly as a checking
 * one does (same chain and fingerprint), still refuses gaps and skips
 * duplicates, and no longer recomputes digests: that is the caller's. */
Test(oplog, verified_session_skips_only_the_digest_work)
{
	sdx_db *a = office("A"), *b = office("B"), *c = office("C");
	uint8_t ids[3][16];
	trust_police(b, "A");
	trust_police(c, "A");
	populate(a, ids);
	struct oplist l;
	scan(a, "A", 0, &l);
	cr_assert_eq(apply_all(b, &l), 6);
	sdx_apply *s;
	cr_assert_eq(sdx_apply_begin(c, &s), 0);
	cr_assert_eq(sdx_apply_verified(s), 0);
	int applied = -1;
	sdx_op gap = as_op(&l.ops[1]);
	cr_assert_eq(sdx_apply_op(s, &gap, &applied), SDX_EGAP);
	for (int i = 0; i < l.n; i++) {
		sdx_op op = as_op(&l.ops[i]);
		cr_assert_eq(sdx_apply_op(s, &op, &applied), 0);
		cr_assert_eq(applied, 1);
	}
	sdx_op again = as_op(&l.ops[0]);
	cr_assert_eq(sdx_apply_op(s, &again, &applied), 0);
	cr_assert_eq(applied, 0);
	cr_assert_eq(sdx_apply_commit(s), 0);
	sdx_origin_info x, y;
	cr_assert_eq(sdx_origin_get(b, "A", &x), 0);
	cr_assert_eq(sdx_origin_get(c, "A", &y), 0);
	cr_assert_eq(y.seq, 6);
	cr_assert_eq(memcmp(x.chain, y.chain, 32), 0);
	cr_assert_eq(memcmp(x.fingerprint, y.fingerprint, 16), 0);
	same_check(b, c, SDX_KIND_PHONE, "+84795555373");
	/* a checking session refuses a bad digest... */
	sdx_db *d = office("D"), *e = office("E");
	struct opcopy bad = l.ops[0];
	bad.digest[0] ^= 1;
	sdx_op op = as_op(&bad);
	cr_assert_eq(sdx_apply_begin(d, &s), 0);
	cr_assert_eq(sdx_apply_op(s, &op, &applied), SDX_ESIGNATURE);
	sdx_apply_abort(s);
	/* ...a verified one takes the caller's word, and verify finds it */
	cr_assert_eq(sdx_apply_begin(e, &s), 0);
	cr_assert_eq(sdx_apply_verified(s), 0);
	cr_assert_eq(sdx_apply_op(s, &op, &applied), 0);
	cr_assert_eq(sdx_apply_commit(s), 0);
	size_t mism = 0;
	cr_assert_eq(sdx_verify(e, NULL, NULL, &mism), 0);
	cr_assert_gt(mism, 0);
	free_ops(&l);
	sdx_db_close(a);
	sdx_db_close(b);
	sdx_db_close(c);
	sdx_db_close(d);
	sdx_db_close(e);
}

/* A session that fills the map again and again without a size hint runs
 * its steps again from the replay log; past 16 MiB that log waits in a
 * file (spill.c). 30,000 ops of ~700 bytes: ~21 MiB of log. */
Test(oplog, full_map_replays_a_log_kept_in_a_file)
{
	static char narrative[601];
	memset(narrative, 'x', 600);
	sdx_db *a = office_with_reports("A", 30000, narrative);
	struct oplist l;
	scan(a, "A", 0, &l);
	cr_assert_eq(l.n, 30000);
	sdx_db_set_initial_mapsize(64 << 10);
	sdx_db *b = office("B");
	cr_assert_eq(apply_all(b, &l), 30000);
	sdx_check_result c = check_ok(b, SDX_KIND_PHONE, "+84910009999");
	cr_assert_eq(c.reports, 3);
	cr_assert_eq(c.agencies, 3);
	same_check(a, b, SDX_KIND_PHONE, "+84910000000");
	size_t mism = 9;
	cr_assert_eq(sdx_verify(b, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	free_ops(&l);
	sdx_db_close(a);
	sdx_db_close(b);
}

/* The bodies as a bundle file holds them, for sdx_apply_source: `file`
 * is what a read finds at an offset; `reads` counts them. */
struct source {
	uint8_t *file;
	size_t len;
	size_t *at; /* op i's body at file + at[i] */
	int reads;
};

static int source_read(void *ctx, uint64_t where, uint8_t *buf, size_t len)
{
	struct source *s = ctx;
	if (where + len > s->len)
		return SDX_EIO;
	memcpy(buf, s->file + where, len);
	s->reads++;
	return 0;
}

static void source_of(struct source *s, const struct oplist *l)
{
	s->len = 0;
	s->reads = 0;
	s->at = malloc((size_t)l->n * sizeof *s->at);
	for (int i = 0; i < l->n; i++)
		s->len += l->ops[i].len;
	s->file = malloc(s->len + 1);
	cr_assert(s->at && s->file);
	size_t off = 0;
	for (int i = 0; i < l->n; i++) {
		s->at[i] = off;
		memcpy(s->file + off, l->ops[i].body, l->ops[i].len);
		off += l->ops[i].len;
	}
}

/* l applied to db by sdx_apply_op_at, each body's place in s; returns
 * the first failure (0: committed). */
static int apply_at(sdx_db *db, struct oplist *l, struct source *s)
{
	sdx_apply *a;
	int rc = sdx_apply_begin(db, &a);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(sdx_apply_verified(a), 0);
	cr_assert_eq(sdx_apply_source(a, source_read, s), 0);
	for (int i = 0; i < l->n; i++) {
		sdx_op op = as_op(&l->ops[i]);
		int applied = -1;
		if ((rc = sdx_apply_op_at(a, &op, s->at[i], &applied))) {
			sdx_apply_abort(a);
			return rc;
		}
		cr_assert_eq(applied, 1, "op %d", i);
	}
	cr_assert_eq(sdx_apply_source(a, source_read, s), SDX_EINVAL);
	return sdx_apply_commit(a);
}

/* A session told where its bodies are (sdx_apply_source) keeps only
 * that in its replay log: a full map, again and again (a 64 KiB map, no
 * size hint), applies it again with the bodies read from the source,
 * each op once: the same reports and summaries, verify clean. */
Test(oplog, full_map_reads_bodies_again_from_the_source)
{
	sdx_db *a = office_with_reports("A", 3000, "report");
	struct oplist l;
	struct source s;
	scan(a, "A", 0, &l);
	cr_assert_eq(l.n, 3000);
	source_of(&s, &l);
	sdx_db_set_initial_mapsize(64 << 10);
	sdx_db *b = office("B");
	cr_assert_eq(apply_at(b, &l, &s), 0);
	cr_assert_gt(s.reads, 0, "the map never filled");
	sdx_check_result c = check_ok(b, SDX_KIND_PHONE, "+84910000999");
	cr_assert_eq(c.reports, 3);
	cr_assert_eq(c.agencies, 3);
	same_check(a, b, SDX_KIND_PHONE, "+84910000000");
	sdx_origin_info info;
	cr_assert_eq(sdx_origin_get(b, "A", &info), 0);
	cr_assert_eq(info.seq, 3000);
	size_t mism = 9;
	cr_assert_eq(sdx_verify(b, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	/* the file changed after the session read a body (one byte of the
	 * first op's): applying it again finds the body's digest differs and
	 * fails; nothing is committed */
	s.file[s.at[0] + s.len / 3000 / 2] ^= 1;
	s.reads = 0;
	sdx_db_set_initial_mapsize(64 << 10);
	sdx_db *d = office("D");
	cr_assert_eq(apply_at(d, &l, &s), SDX_ESIGNATURE);
	cr_assert_eq(s.reads, 1);
	cr_assert_eq(sdx_origin_get(d, "A", &info), SDX_ENOTFOUND);
	c = check_ok(d, SDX_KIND_PHONE, "+84910000999");
	cr_assert_eq(c.reports, 0);
	free(s.file);
	free(s.at);
	free_ops(&l);
	sdx_db_close(a);
	sdx_db_close(b);
	sdx_db_close(d);
}

/* core/store/session.c (an import's mapped private copy) */
int sdx_apply_stable(sdx_apply *a, const uint8_t *base, size_t len);

/* Bodies the caller keeps unchanged until the commit (an import's
 * private copy, sdx_apply_stable) are kept by their place there, not
 * copied: applied again and again on a full map, with some bodies from
 * the stable bytes and some from elsewhere, every report stands as
 * the origin's, verify clean. */
Test(oplog, stable_bodies_through_full_maps)
{
	sdx_db *a = office_with_reports("A", 3000, "report");
	struct oplist l;
	struct source s;
	scan(a, "A", 0, &l);
	source_of(&s, &l);
	/* a map with room (the bodies come from the stable bytes at the
	 * commit), then a 64 KiB one (applied again from the source) */
	for (int small = 0; small < 2; small++) {
		s.reads = 0;
		if (small)
			sdx_db_set_initial_mapsize(64 << 10);
		sdx_db *b = office(small ? "C" : "B");
		sdx_apply *ap;
		cr_assert_eq(sdx_apply_begin(b, &ap), 0);
		cr_assert_eq(sdx_apply_verified(ap), 0);
		cr_assert_eq(sdx_apply_source(ap, source_read, &s), 0);
		cr_assert_eq(sdx_apply_stable(ap, s.file, s.len), 0);
		for (int i = 0; i < l.n; i++) {
			sdx_op op = as_op(&l.ops[i]);
			int applied = -1;
			if (i % 3) /* the rest from the op list's copies */
				op.body = s.file + s.at[i];
			cr_assert_eq(
			    sdx_apply_op_at(ap, &op, s.at[i], &applied), 0);
			cr_assert_eq(applied, 1, "op %d", i);
		}
		cr_assert_eq(sdx_apply_commit(ap), 0);
		if (small)
			cr_assert_gt(s.reads, 0, "the map never filled");
		else
			cr_assert_eq(s.reads, 0, "the map filled");
		same_check(a, b, SDX_KIND_PHONE, "+84910000000");
		same_check(a, b, SDX_KIND_PHONE, "+84910000999");
		size_t mism = 9;
		cr_assert_eq(sdx_verify(b, NULL, NULL, &mism), 0);
		cr_assert_eq(mism, 0);
		sdx_origin_info x, y;
		cr_assert_eq(sdx_origin_get(a, "A", &x), 0);
		cr_assert_eq(sdx_origin_get(b, "A", &y), 0);
		cr_assert_eq(y.seq, 3000);
		cr_assert_eq(memcmp(x.fingerprint, y.fingerprint, 16), 0);
		/* every body stands as the origin's: relayed unchanged */
		struct oplist l2;
		scan(b, "A", 0, &l2);
		cr_assert_eq(l2.n, 3000);
		for (int i = 0; i < l.n; i++)
			cr_assert(l2.ops[i].len == l.ops[i].len &&
				      !memcmp(l2.ops[i].body, l.ops[i].body,
					      l.ops[i].len),
				  "op %d", i);
		free_ops(&l2);
		sdx_db_close(b);
	}
	free(s.file);
	free(s.at);
	free_ops(&l);
	sdx_db_close(a);
}

/* Two origins' ADDs of one report (same id, different received dates) in
 * one session: one report is stored, and each op, relayed, still has its
 * own body (the second one's log entry keeps its copy). B's names A as
 * origin: held, refused (its signer is B), so only A's is applied. */
Test(oplog, twin_adds_in_one_session)
{
	sdx_db *a = office("A"), *b = office("B"), *c = office("C");
	uint8_t ida[16];
	one_report_two_bodies(a, b, ida);
	struct oplist la, lb, l2;
	scan(a, "A", 0, &la);
	scan(b, "B", 0, &lb);
	cr_assert_neq(
	    la.ops[0].len == lb.ops[0].len &&
		!memcmp(la.ops[0].body, lb.ops[0].body, la.ops[0].len),
	    1, "the bodies differ (received date)");
	sdx_apply *s;
	int applied, n = 0;
	cr_assert_eq(sdx_apply_begin(c, &s), 0);
	sdx_op op = as_op(&lb.ops[0]); /* B's first: its body stands */
	cr_assert_eq(sdx_apply_op(s, &op, &applied), 0);
	n += applied;
	op = as_op(&la.ops[0]);
	cr_assert_eq(sdx_apply_op(s, &op, &applied), 0);
	n += applied;
	cr_assert_eq(sdx_apply_commit(s), 0);
	cr_assert_eq(n, 3); /* B's refused (2), A's applied (1) */
	sdx_check_result ck = check_ok(c, SDX_KIND_PHONE, "+84795555373");
	cr_assert_eq(ck.reports, 1);
	static sdx_report got;
	cr_assert_eq(sdx_report_get(c, ida, SDX_AUD_POLICE, &got), 0);
	/* A's body stands: B's, first in the session, was refused */
	cr_assert_neq(got.received_date, day("2026-11-27"));
	scan(c, "A", 0, &l2);
	cr_assert_eq(l2.n, 1);
	cr_assert_eq(l2.ops[0].len, la.ops[0].len);
	cr_assert_eq(memcmp(l2.ops[0].body, la.ops[0].body, la.ops[0].len), 0);
	free_ops(&l2);
	scan(c, "B", 0, &l2);
	cr_assert_eq(l2.ops[0].len, lb.ops[0].len);
	cr_assert_eq(memcmp(l2.ops[0].body, lb.ops[0].body, lb.ops[0].len), 0);
	size_t mism = 9;
	cr_assert_eq(sdx_verify(c, NULL, NULL, &mism), 0);
	cr_assert_eq(mism, 0);
	free_ops(&la);
	free_ops(&lb);
	free_ops(&l2);
	sdx_db_close(a);
	sdx_db_close(b);
	sdx_db_close(c);
}
