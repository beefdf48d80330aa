/* test_converge.c: five police offices (one of them the hub) and two
 * banks (bank-role databases: one fed by the hub, one by office 2 and by
 * the first bank) make random reports, retractions, disputes and
 * allowlist changes over several rounds and exchange bundles in random
 * order, with drops, duplicates and delays, directly and through the hub.
 * After a final full exchange every police database holds the same data
 * (canonical dumps, checks, fingerprints), the banks the same bank view
 * and fingerprints and no police-only report, and all verify clean.
 * Half-way, office 1 replaces its key (rekey) voiding its last two
 * operations at every peer (trust replace): bundles posted before still
 * arrive late, and those carrying its old-key segments after the void
 * point are refused whole; the operations come again, signed anew.
 * Seeded; several seeds. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "helpers.h"

#define N_POLICE 5 /* office 0 is the hub */
#define ROUNDS 6
#define MAX_IDS 1024
#define MAX_MAIL 256

static office P[N_POLICE], bank, bank2;
static uint8_t ids[MAX_IDS][16];
static size_t n_ids;

typedef struct mail {
	char path[256];
	office *to;
	int before_rekey; /* may carry office 1's old-key segments */
} mail;
static mail box[MAX_MAIL];
static size_t n_box;
static unsigned bundle_no;
static int rekeyed;	     /* office 1 replaced its key */
static unsigned refused_old; /* old-key bundles refused after that */

static void setup_offices(void)
{
	char name[16];
	for (int i = 0; i < N_POLICE; i++) {
		snprintf(name, sizeof name, "P%d-PA05", i);
		th_office(&P[i], name);
	}
	th_office_role(&bank, "BANK-VCB", SDX_OFFICE_BANK);
	th_office_role(&bank2, "BANK-BIDV", SDX_OFFICE_BANK);
	for (int i = 0; i < N_POLICE; i++) {
		for (int j = 0; j < N_POLICE; j++)
			if (i != j)
				th_trust(&P[i], &P[j]);
		th_trust(&bank, &P[i]);
		th_trust(&P[i], &bank);
		th_trust(&bank2, &P[i]);
		th_trust(&P[i], &bank2);
	}
	th_trust(&bank, &bank2);
	th_trust(&bank2, &bank);
	n_ids = 0;
	n_box = 0;
	bundle_no = 0;
	rekeyed = 0;
	refused_old = 0;
}

/* Office 1 rekeys, voiding its last two operations; every other office
 * and bank replaces its key. */
static void rotate_key(mail *later, size_t n_later)
{
	office *o = &P[1];
	sdx_origin_info me;
	sdx_void_result vr;
	sdx_key nk;
	uint64_t after;
	int rc;
	cr_assert_eq(sdx_origin_get(o->db, o->name, &me), 0);
	after = me.seq > 2 ? me.seq - 2 : 0;
	cr_assert_eq(sdx_keygen(o->name, &nk), 0);
	rc = sdx_rekey(o->db, nk.pubkey, after);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	o->key = nk;
	for (int i = 0; i < N_POLICE + 2; i++) {
		office *p = i < N_POLICE    ? &P[i]
			    : i == N_POLICE ? &bank
					    : &bank2;
		if (p == o)
			continue;
		rc = sdx_trust_replace(p->db, o->name, nk.pubkey, after, &vr);
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
		cr_assert_eq(th_verify(p), 0, "%s after trust replace",
			     p->name);
	}
	for (size_t i = 0; i < n_box; i++)
		box[i].before_rekey = 1;
	for (size_t i = 0; i < n_later; i++)
		later[i].before_rekey = 1;
	rekeyed = 1;
}

static void random_action(office *o, uint64_t *rng)
{
	uint64_t r = th_rand(rng) % 100;
	int rc;
	if (r < 55 || n_ids == 0) {
		uint8_t id[16];
		int aud = th_rand(rng) % 5 == 0 ? SDX_AUD_POLICE : SDX_AUD_BANK;
		if (th_add_report(o, rng, aud, id) && n_ids < MAX_IDS)
			memcpy(ids[n_ids++], id, 16);
		return;
	}
	if (r < 85) {
		/* a state change on a report this office holds */
		const uint8_t *id = ids[th_rand(rng) % n_ids];
		static sdx_report rep;
		if (sdx_report_get(o->db, id, SDX_AUD_POLICE, &rep) != 0)
			return;
		if (r < 70)
			rc = sdx_report_retract(o->db, id, "false accusation",
						o->name, SDX_DATE_NONE);
		else if (r < 78)
			rc = sdx_report_dispute(o->db, id, "owner objects",
						o->name, SDX_DATE_NONE);
		else
			rc = sdx_report_resolve(o->db, id, "report stands",
						o->name, SDX_DATE_NONE);
		/* SDX_EROLE: another origin's report (only its origin
		 * retracts or resolves it) */
		cr_assert(rc == 0 || rc == SDX_EEXISTS || rc == SDX_ENOTFOUND ||
			      rc == SDX_EROLE,
			  "%s", sdx_strerror(rc));
		return;
	}
	{
		const char *p = th_ident(th_rand(rng) % TH_IDENTS);
		rc = r < 93 ? sdx_allow(o->db, SDX_KIND_PHONE, p,
					"official hotline", o->name)
			    : sdx_disallow(o->db, SDX_KIND_PHONE, p,
					   "no longer official", o->name);
		cr_assert(rc == 0 || rc == SDX_EEXISTS || rc == SDX_ENOTFOUND,
			  "%s", sdx_strerror(rc));
	}
}

static void post(office *from, office *to, int audience)
{
	mail *m;
	int rc;
	cr_assert_lt(n_box, MAX_MAIL);
	m = &box[n_box++];
	snprintf(m->path, sizeof m->path, "%s/b%05u-%s-%s.sdxb", th_tmpdir(),
		 bundle_no++, from->name, to->name);
	m->to = to;
	m->before_rekey = 0;
	rc = th_export(from, to, audience, m->path, NULL);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
}

static void deliver(const mail *m)
{
	sdx_import_result res;
	int rc = sdx_bundle_import(m->to->db, m->path, &res);
	if (rekeyed && m->before_rekey && rc == SDX_ESIGNATURE) {
		/* office 1's old key after the void point, or a history
		 * that differs from the one held now */
		cr_assert(strstr(res.reason, "origin P1-PA05: ") == res.reason,
			  "%s", res.reason);
		refused_old++;
		return;
	}
	cr_assert_eq(rc, 0, "%s into %s: %s: %s", m->path, m->to->name,
		     sdx_strerror(rc), res.reason);
}

static void exchange_all(void)
{
	for (int i = 0; i < N_POLICE; i++)
		for (int j = 0; j < N_POLICE; j++) {
			if (i == j)
				continue;
			n_box = 0;
			post(&P[i], &P[j], SDX_AUD_POLICE);
			deliver(&box[0]);
		}
	n_box = 0;
	post(&P[0], &bank, SDX_AUD_BANK);
	deliver(&box[0]);
	n_box = 0;
	post(&bank, &P[0], SDX_AUD_POLICE);
	deliver(&box[0]);
	n_box = 0;
	post(&P[2], &bank2, SDX_AUD_POLICE); /* narrowed to bank by the role */
	deliver(&box[0]);
	n_box = 0;
	post(&bank, &bank2, SDX_AUD_BANK);
	deliver(&box[0]);
	n_box = 0;
	post(&bank2, &bank, SDX_AUD_BANK);
	deliver(&box[0]);
	n_box = 0;
}

static void run(uint64_t seed)
{
	uint64_t rng = seed;
	char *ref, *s;

	/* imports commit every few operations: batch boundaries everywhere */
	sdx_import_batch = 1 + seed % 5;

	setup_offices();
	for (int round = 0; round < ROUNDS; round++) {
		mail later[MAX_MAIL];
		size_t n_later = 0;
		for (int i = 0; i < N_POLICE; i++) {
			int k = 1 + (int)(th_rand(&rng) % 4);
			while (k--)
				random_action(&P[i], &rng);
		}
		for (int k = 0; k < 10; k++) {
			int a = (int)(th_rand(&rng) % N_POLICE);
			int b = (int)(th_rand(&rng) % N_POLICE);
			if (a == b)
				continue;
			if (th_rand(&rng) % 2 && a != 0 && b != 0) {
				post(&P[a], &P[0], SDX_AUD_POLICE);
				post(&P[0], &P[b], SDX_AUD_POLICE);
			} else {
				post(&P[a], &P[b], SDX_AUD_POLICE);
			}
		}
		post(&P[0], &bank, SDX_AUD_BANK);
		post(&bank, &P[0], SDX_AUD_POLICE);
		post(&P[2], &bank2, SDX_AUD_POLICE);
		post(&bank, &bank2, SDX_AUD_BANK);
		post(&bank2, &P[1], SDX_AUD_BANK);
		/* shuffle: delivered in any order */
		for (size_t i = n_box; i > 1; i--) {
			size_t j = th_rand(&rng) % i;
			mail t = box[i - 1];
			box[i - 1] = box[j];
			box[j] = t;
		}
		for (size_t i = 0; i < n_box; i++) {
			uint64_t r = th_rand(&rng) % 100;
			if (r < 15)
				continue; /* lost */
			if (r < 30 && n_later < MAX_MAIL) {
				later[n_later++] = box[i]; /* delayed */
				continue;
			}
			deliver(&box[i]);
			if (r > 88)
				deliver(&box[i]); /* twice */
		}
		memcpy(box, later, n_later * sizeof *later);
		n_box = n_later;
		if (round == ROUNDS / 2 - 1)
			rotate_key(box, 0);
	}
	cr_assert(rekeyed);
	/* the delayed ones arrive last, stale */
	for (size_t i = 0; i < n_box; i++)
		deliver(&box[i]);
	n_box = 0;

	exchange_all();
	exchange_all();

	ref = th_dump(&P[0], ids, n_ids, SDX_AUD_POLICE, 1);
	for (int i = 1; i < N_POLICE; i++) {
		s = th_dump(&P[i], ids, n_ids, SDX_AUD_POLICE, 1);
		cr_assert_str_eq(s, ref, "office %d differs (seed %llu)", i,
				 (unsigned long long)seed);
		free(s);
	}
	free(ref);
	ref = th_dump(&P[0], ids, n_ids, SDX_AUD_BANK, 0);
	s = th_dump(&bank, ids, n_ids, SDX_AUD_BANK, 0);
	cr_assert_str_eq(s, ref, "the bank differs (seed %llu)",
			 (unsigned long long)seed);
	free(s);
	s = th_dump(&bank2, ids, n_ids, SDX_AUD_BANK, 0);
	cr_assert_str_eq(s, ref, "the second bank differs (seed %llu)",
			 (unsigned long long)seed);
	free(s);
	free(ref);
	/* the banks hold no police-only report, not even asked as police */
	{
		static sdx_report rep;
		size_t police = 0;
		for (size_t i = 0; i < n_ids; i++) {
			if (sdx_report_get(P[0].db, ids[i], SDX_AUD_BANK,
					   &rep) == 0)
				continue;
			police++;
			cr_assert_eq(sdx_report_get(bank.db, ids[i],
						    SDX_AUD_POLICE, &rep),
				     SDX_ENOTFOUND);
			cr_assert_eq(sdx_report_get(bank2.db, ids[i],
						    SDX_AUD_POLICE, &rep),
				     SDX_ENOTFOUND);
		}
		cr_assert_gt(police, 0);
	}
	ref = th_fingerprints(&P[0]);
	cr_assert_gt(strlen(ref), 5 * 20);
	for (int i = 1; i < N_POLICE; i++) {
		s = th_fingerprints(&P[i]);
		cr_assert_str_eq(s, ref);
		free(s);
	}
	s = th_fingerprints(&bank);
	cr_assert_str_eq(s, ref);
	free(s);
	s = th_fingerprints(&bank2);
	cr_assert_str_eq(s, ref);
	free(s);
	for (int i = 0; i < N_POLICE; i++)
		cr_assert_eq(th_verify(&P[i]), 0, "office %d", i);
	cr_assert_eq(th_verify(&bank), 0);
	cr_assert_eq(th_verify(&bank2), 0);

	/* one more operation changes the fingerprints */
	{
		uint8_t id[16];
		cr_assert_eq(th_add_report(&P[3], &rng, SDX_AUD_BANK, id), 1);
	}
	s = th_fingerprints(&P[3]);
	cr_assert_str_neq(s, ref);
	free(s);
	free(ref);
	for (int i = 0; i < N_POLICE; i++)
		th_close(&P[i]);
	th_close(&bank);
	th_close(&bank2);
}

TestSuite(converge, .fini = th_cleanup, .timeout = 120);

Test(converge, seed_1)
{
	run(1);
}

Test(converge, seed_2)
{
	run(0x5eed2);
}

Test(converge, seed_3)
{
	run(20261128);
}

Test(converge, seed_4)
{
	run(77);
}

/* The same seq with different content gives a different fingerprint. */
Test(converge, changed_operation_changes_fingerprint)
{
	office x, y;
	uint64_t r1 = 1, r2 = 2;
	uint8_t id[16];
	char *fx, *fy;
	th_office_in(&x, "ZZ-PA05", "zz1");
	th_office_in(&y, "ZZ-PA05", "zz2");
	th_add_report(&x, &r1, SDX_AUD_BANK, id);
	th_add_report(&y, &r2, SDX_AUD_BANK, id);
	fx = th_fingerprints(&x);
	fy = th_fingerprints(&y);
	cr_assert_str_neq(fx, fy);
	cr_assert_eq(strncmp(fx, "origin ZZ-PA05 seq 1 fp ", 24), 0);
	cr_assert_eq(strncmp(fy, "origin ZZ-PA05 seq 1 fp ", 24), 0);
	free(fx);
	free(fy);
	th_close(&x);
	th_close(&y);
}
