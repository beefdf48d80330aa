/* test_rekey.c: recovery from a stolen office key (scamdex-sync trust
 * replace, rekey). A thief holding a copy of HN-PA05's database and key
 * forges a court-confirmed report, a retraction of a genuine report and
 * an allowlist entry, and spreads them through a relay (DN) to HCM. HN
 * rekeys; HCM replaces HN's key voiding what came after seq 2: the
 * forged report is gone, the retraction and the allowlist entry undone,
 * every summary as in a control copy of HCM that never saw the forgery
 * (same dump, same fingerprints, verify clean), HN's genuine next
 * operation (the seq the forgery had taken) arrives and applies, and the
 * relay replaying what it holds is refused with its reason. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define FORGED_PHONE "+84912345678"

static office hn, thief, hcm, ctl, dn, qn;

static void reopen(office *o)
{
	int rc = sdx_db_open(o->dir, 0, &o->db);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
}

/* The thief: a copy of HN's database directory and of its key. */
static void steal(void)
{
	char cmd[512];
	sdx_db_close(hn.db);
	memset(&thief, 0, sizeof thief);
	strcpy(thief.name, hn.name);
	snprintf(thief.dir, sizeof thief.dir, "%s/thief", th_tmpdir());
	snprintf(cmd, sizeof cmd, "cp -a %s %s", hn.dir, thief.dir);
	cr_assert_eq(system(cmd), 0);
	thief.key = hn.key;
	thief.role = hn.role;
	reopen(&hn);
	reopen(&thief);
}

static int verdict(office *o, const char *phone)
{
	sdx_check_result c;
	sdx_norm_error err;
	int rc = sdx_check(o->db, SDX_KIND_PHONE, phone, strlen(phone),
			   SDX_DATE_NONE, &c, &err);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	return c.verdict;
}

static void forge_report(uint8_t id[16])
{
	static sdx_report r;
	sdx_norm_error err;
	int added = 0, rc;
	sdx_report_init(&r);
	strcpy(r.agency, "PA05 HN-PA05");
	strcpy(r.case_ref, "1/CAT-PA05");
	r.incident_date = 20100;
	r.received_date = 20101;
	r.category = 1;
	r.channel = 1;
	r.confirmation = SDX_CONF_COURT;
	strcpy(r.narrative, "forged with a stolen key");
	rc = sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
				  FORGED_PHONE, strlen(FORGED_PHONE), &err);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	rc = sdx_report_add(thief.db, &r, id, &added);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(added, 1);
}

/* The first identifier of report id. */
static void ident_of(office *o, const uint8_t id[16], char *out)
{
	static sdx_report r;
	int rc = sdx_report_get(o->db, id, SDX_AUD_POLICE, &r);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	strcpy(out, r.idents[0].canonical);
}

TestSuite(rekey, .fini = th_cleanup, .timeout = 60);

Test(rekey, stolen_key_forgeries_voided_genuine_op_arrives)
{
	uint8_t ids[4][16];
	char allowed[SDX_CANON_MAX + 1], *want, *got, *fp_before;
	uint64_t rng = 42;
	sdx_import_result res;
	sdx_void_result vr;
	sdx_key nk;
	static sdx_report r;
	char relayed[256];
	int rc;

	th_office(&hn, "HN-PA05");
	th_office(&hcm, "HCM-PA05");
	th_office_in(&ctl, "HCM-PA05", "hcm-control");
	th_office(&dn, "DN-PA05");
	th_trust(&hcm, &hn);
	th_trust(&hcm, &dn);
	th_trust(&ctl, &hn);
	th_trust(&ctl, &dn);
	th_trust(&dn, &hn);
	th_trust(&dn, &hcm);
	th_trust(&hn, &hcm);
	th_trust(&hn, &ctl);
	th_trust(&hn, &dn);

	/* two genuine reports of HN, everywhere */
	cr_assert_eq(th_add_report(&hn, &rng, SDX_AUD_BANK, ids[0]), 1);
	cr_assert_eq(th_add_report(&hn, &rng, SDX_AUD_BANK, ids[1]), 1);
	th_exchange(&hn, &hcm, SDX_AUD_POLICE, "hn-hcm-1.sdxb", &res);
	cr_assert_eq(res.applied, 2);
	th_exchange(&hn, &ctl, SDX_AUD_POLICE, "hn-ctl-1.sdxb", &res);
	th_exchange(&hn, &dn, SDX_AUD_POLICE, "hn-dn-1.sdxb", &res);
	fp_before = th_fingerprints(&hn);
	ident_of(&hn, ids[1], allowed);

	/* the thief forges seq 3, 4, 5 and spreads them through DN */
	steal();
	forge_report(ids[2]);
	rc = sdx_report_retract(thief.db, ids[0], "forged retraction",
				"PA05 HN-PA05", SDX_DATE_NONE);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	rc = sdx_allow(thief.db, SDX_KIND_PHONE, allowed, "forged allow",
		       "PA05 HN-PA05");
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	th_exchange(&thief, &dn, SDX_AUD_POLICE, "thief-dn.sdxb", &res);
	cr_assert_eq(res.applied, 3);
	snprintf(relayed, sizeof relayed, "%s/dn-hcm.sdxb", th_tmpdir());
	rc = th_export(&dn, &hcm, SDX_AUD_POLICE, relayed, NULL);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	rc = sdx_bundle_import(hcm.db, relayed, &res);
	cr_assert_eq(rc, 0, "%s: %s", sdx_strerror(rc), res.reason);
	cr_assert_eq(res.applied, 3);
	cr_assert_eq(verdict(&hcm, FORGED_PHONE), SDX_VERDICT_REPORTED);
	cr_assert_eq(verdict(&hcm, allowed), SDX_VERDICT_OFFICIAL);
	cr_assert_eq(sdx_report_get(hcm.db, ids[0], SDX_AUD_POLICE, &r), 0);
	cr_assert_eq(r.state & SDX_RSTATE_RETRACTED, SDX_RSTATE_RETRACTED);

	/* HN's genuine seq 3 is taken for "nothing new" at HCM */
	cr_assert_eq(th_add_report(&hn, &rng, SDX_AUD_BANK, ids[3]), 1);
	th_exchange(&hn, &hcm, SDX_AUD_POLICE, "hn-hcm-2.sdxb", &res);
	cr_assert_eq(res.applied, 0);
	cr_assert_eq(sdx_report_get(hcm.db, ids[3], SDX_AUD_POLICE, &r),
		     SDX_ENOTFOUND);

	/* HN rekeys: the old key is valid up to seq 2 */
	cr_assert_eq(sdx_keygen("HN-PA05", &nk), 0);
	cr_assert_eq(sdx_rekey(hn.db, nk.pubkey, 4), SDX_EINVAL);
	rc = sdx_rekey(hn.db, nk.pubkey, 2);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	hn.key = nk;

	/* every peer replaces HN's key */
	cr_assert_eq(sdx_trust_replace(hcm.db, "HCM-PA05", nk.pubkey, 2, &vr),
		     SDX_EINVAL);
	cr_assert_eq(
	    sdx_trust_replace(hcm.db, "HN-PA05", thief.key.pubkey, 2, &vr),
	    SDX_EEXISTS);
	rc = sdx_trust_replace(hcm.db, "HN-PA05", nk.pubkey, 2, &vr);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(vr.ops, 3);
	cr_assert_eq(vr.reports, 1);
	cr_assert_eq(vr.states, 2); /* the retracted report, the forged one */
	cr_assert_eq(vr.allows, 1);
	cr_assert_eq(vr.peers, 2); /* HN announced 3, DN 5 */
	rc = sdx_trust_replace(ctl.db, "HN-PA05", nk.pubkey, 2, &vr);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(vr.ops, 0);

	/* the old key still signs seq 1..2: a relay holding only those
	 * (the control copy, with HN's old signature over seq 2) forwards
	 * them to an office that learned of the replacement */
	th_office(&qn, "QN-PA05");
	rc = sdx_trust_set(qn.db, "HN-PA05", thief.key.pubkey,
			   SDX_OFFICE_POLICE);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	rc = sdx_trust_replace(qn.db, "HN-PA05", nk.pubkey, 2, &vr);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	th_trust(&qn, &ctl);
	th_trust(&ctl, &qn);
	th_exchange(&ctl, &qn, SDX_AUD_POLICE, "ctl-qn.sdxb", &res);
	cr_assert_eq(res.applied, 2, "%s", res.reason);
	got = th_fingerprints(&qn);
	cr_assert_str_eq(got, fp_before);
	free(got);

	/* as if the forgeries never came */
	cr_assert_eq(verdict(&hcm, FORGED_PHONE), SDX_VERDICT_UNKNOWN);
	cr_assert_eq(verdict(&hcm, allowed), SDX_VERDICT_REPORTED);
	cr_assert_eq(sdx_report_get(hcm.db, ids[2], SDX_AUD_POLICE, &r),
		     SDX_ENOTFOUND);
	cr_assert_eq(sdx_report_get(hcm.db, ids[0], SDX_AUD_POLICE, &r), 0);
	cr_assert_eq(r.state, 0);
	got = th_fingerprints(&hcm);
	cr_assert_str_eq(got, fp_before);
	free(got);
	cr_assert_eq(th_verify(&hcm), 0);
	want = th_dump(&ctl, ids, 4, SDX_AUD_POLICE, 1);
	got = th_dump(&hcm, ids, 4, SDX_AUD_POLICE, 1);
	cr_assert_str_eq(got, want);
	free(got);
	free(want);

	/* the relay replays the forged bundle: refused, nothing changes */
	rc = sdx_bundle_import(hcm.db, relayed, &res);
	cr_assert_eq(rc, SDX_ESIGNATURE);
	cr_assert_str_eq(res.reason,
			 "origin HN-PA05: head of seq 5 signed with a key "
			 "replaced after seq 2 (trust replace): refused");
	got = th_fingerprints(&hcm);
	cr_assert_str_eq(got, fp_before);
	free(got);

	/* the genuine seq 3 arrives, signed with the new key */
	th_exchange(&hn, &hcm, SDX_AUD_POLICE, "hn-hcm-3.sdxb", &res);
	cr_assert_eq(res.applied, 1, "%s", res.reason);
	cr_assert_eq(sdx_report_get(hcm.db, ids[3], SDX_AUD_POLICE, &r), 0);
	th_exchange(&hn, &ctl, SDX_AUD_POLICE, "hn-ctl-2.sdxb", &res);
	cr_assert_eq(res.applied, 1);
	want = th_dump(&ctl, ids, 4, SDX_AUD_POLICE, 1);
	got = th_dump(&hcm, ids, 4, SDX_AUD_POLICE, 1);
	cr_assert_str_eq(got, want);
	free(got);
	free(want);
	want = th_fingerprints(&hn);
	got = th_fingerprints(&hcm);
	cr_assert_str_eq(got, want);
	free(got);
	cr_assert_eq(th_verify(&hcm), 0);

	/* the relay, which still holds the forgeries, sends them again
	 * with the thief's head: refused */
	rc = th_export(&dn, &hcm, SDX_AUD_POLICE, relayed, NULL);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	rc = sdx_bundle_import(hcm.db, relayed, &res);
	cr_assert_eq(rc, SDX_ESIGNATURE);
	cr_assert_str_eq(res.reason,
			 "origin HN-PA05: head of seq 5 signed with a key "
			 "replaced after seq 2 (trust replace): refused");
	got = th_fingerprints(&hcm);
	cr_assert_str_eq(got, want);
	free(got);
	/* once the relay replaced the key too, it forwards nothing forged */
	rc = sdx_trust_replace(dn.db, "HN-PA05", nk.pubkey, 2, &vr);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(vr.ops, 3);
	cr_assert_eq(th_verify(&dn), 0);
	th_exchange(&hn, &dn, SDX_AUD_POLICE, "hn-dn-2.sdxb", &res);
	cr_assert_eq(res.applied, 1, "%s", res.reason);
	th_exchange(&dn, &hcm, SDX_AUD_POLICE, "dn-hcm-2.sdxb", &res);
	got = th_fingerprints(&hcm);
	cr_assert_str_eq(got, want);
	free(got);
	got = th_fingerprints(&dn);
	cr_assert_str_eq(got, want);
	free(got);
	free(want);
	free(fp_before);
	th_close(&hn);
	sdx_db_close(thief.db);
	th_close(&hcm);
	th_close(&ctl);
	th_close(&dn);
	th_close(&qn);
}
