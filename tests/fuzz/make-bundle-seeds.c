/* make-bundle-seeds.c: write seed bundles for fuzz-bundle into a
 * directory, with the streaming writer (no database needed):
 *   ninja -C BUILD tests/fuzz/make-bundle-seeds
 *   BUILD/tests/fuzz/make-bundle-seeds tests/fuzz/corpus/bundle
 * Seeds: an empty bundle (header, checksum, signature), one with a run
 * of two operations and a segment signature, one with a redacted
 * operation and a version vector, each item kind alone, and two bundles
 * exported from a real database of office HN-PA05 with the fixed key of
 * fuzz_keys.h (reports, a retraction, an allow; police and bank
 * audience), which fuzz-bundle's database trusts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <scamdex/bundle.h>

#include "bundle_io.h"
#include "fuzz_keys.h"

static int write_bundle(const char *dir, const char *name, int variant)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	sdx_key key;
	sdx_keygen("HN-PA05", &key);
	sdx_bwriter w;
	sdx_vv_entry vv[2] = {{"HN-PA05", 2}, {"HCM-PA05", 7}};
	uint8_t chain[32], digest[32], sig[64];
	const uint8_t body[] = {0xa2, 0x00, 0x61, 'x', 0x01, 0x02};
	int rc = sdx_bw_open(&w, f);
	if (!rc)
		rc = sdx_bw_header(&w, "HN-PA05", "HCM-PA05",
				   variant == 2 ? 1 : 0, 1795000000u, vv,
				   variant == 2 ? 2 : 0);
	if (!rc && variant >= 1) {
		sdx_chain_start("HN-PA05", chain);
		rc = sdx_bw_run(&w, "HN-PA05", 1, chain);
		sdx_digest(body, sizeof body, digest);
		if (!rc)
			rc = sdx_bw_op(&w, 1, SDX_OP_ADD, body, sizeof body);
		sdx_chain_next(chain, SDX_OP_ADD, digest, chain);
		if (!rc && variant == 2)
			rc = sdx_bw_redacted(&w, 2, SDX_OP_ADD, digest);
		else if (!rc)
			rc =
			    sdx_bw_op(&w, 2, SDX_OP_RETRACT, body, sizeof body);
		sdx_chain_next(chain,
			       variant == 2 ? SDX_OP_ADD : SDX_OP_RETRACT,
			       digest, chain);
		sdx_segment_sign(&key, "HN-PA05", 2, chain, sig);
		if (!rc)
			rc = sdx_bw_segsig(&w, 2, sig);
	}
	if (!rc)
		rc = sdx_bw_finish(&w, &key);
	sdx_bw_close(&w);
	fclose(f);
	sdx_key_wipe(&key);
	return rc;
}

static int write_item(const char *dir, const char *name, const uint8_t *p,
		      size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(p, 1, n, f);
	return fclose(f);
}

static int write_exports(const char *dir)
{
	char tmp[] = "/tmp/bundle-seeds-XXXXXX", path[512], cmd[600];
	sdx_db *db = NULL;
	sdx_key key;
	int rc;
	if (!mkdtemp(tmp))
		return -1;
	snprintf(path, sizeof path, "%s/hn.key", tmp);
	FILE *f = fopen(path, "w");
	if (!f || fputs(FUZZ_KEY_LINE, f) < 0 || fclose(f) != 0)
		return -1;
	if (chmod(path, 0600) != 0) /* a key must be private */
		return -1;
	if ((rc = sdx_key_load(path, &key)))
		return rc;
	snprintf(path, sizeof path, "%s/db", tmp);
	if ((rc = sdx_db_open(path, SDX_OPEN_CREATE, &db)) ||
	    (rc = sdx_db_set_office(db, "HN-PA05")) ||
	    (rc = sdx_db_set_role(db, SDX_OFFICE_POLICE)) ||
	    (rc = sdx_trust_set(db, "HCM-PA05", key.pubkey, SDX_OFFICE_POLICE)))
		goto out;
	uint8_t id[16];
	for (int i = 0; i < 3 && !rc; i++) {
		static const char *const ids[] = {"+84795550701",
						  "VCB 0011 0040 12345",
						  "t.me/thamtu_hoangnam"};
		sdx_report r;
		sdx_report_init(&r);
		snprintf(r.agency, sizeof r.agency, "PA05 - Cong an TP Ha Noi");
		snprintf(r.case_ref, sizeof r.case_ref, "%d/CAT-PA05", 800 + i);
		snprintf(r.narrative, sizeof r.narrative, "seed report %d", i);
		r.amount = 1500000;
		r.audience = i == 1 ? SDX_AUD_POLICE : SDX_AUD_BANK;
		rc = sdx_report_add_ident(&r, SDX_KIND_AUTO,
					  i == 1 ? SDX_ROLE_PAYEE
						 : SDX_ROLE_CALLER,
					  ids[i], strlen(ids[i]), NULL);
		if (!rc)
			rc = sdx_report_add(db, &r, id, NULL);
	}
	if (!rc)
		rc = sdx_report_retract(db, id, "wrong handle", "PA05",
					SDX_DATE_NONE);
	if (!rc)
		rc = sdx_allow(db, SDX_KIND_PHONE, "+84113", "police hotline",
			       "PA05");
	snprintf(path, sizeof path, "%s/export-police.bundle", dir);
	if (!rc)
		rc = sdx_bundle_export(db, &key, "HCM-PA05", SDX_AUD_POLICE, 0,
				       path, NULL);
	snprintf(path, sizeof path, "%s/export-bank.bundle", dir);
	if (!rc)
		rc = sdx_bundle_export(db, &key, "HCM-PA05", SDX_AUD_BANK, 0,
				       path, NULL);
out:
	if (rc)
		fprintf(stderr, "make-bundle-seeds: %s\n", sdx_strerror(rc));
	sdx_db_close(db);
	sdx_key_wipe(&key);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		rc = -1;
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make-bundle-seeds DIR\n");
		return 2;
	}
	const char *d = argv[1];
	int rc = write_bundle(d, "empty.bundle", 0) |
		 write_bundle(d, "two-ops.bundle", 1) |
		 write_bundle(d, "redacted-vv.bundle", 2);
	uint8_t buf[512], h32[32] = {1}, h64[64] = {2}, h16[16] = {3};
	sdx_vv_entry vv[1] = {{"DN", 9}};
	size_t n;
	n = sdx_benc_header(buf, sizeof buf, "HN", 1, 42, vv, 1);
	rc |= write_item(d, "item-header", buf, n);
	n = sdx_benc_run(buf, sizeof buf, "HN", 1, h32);
	rc |= write_item(d, "item-run", buf, n);
	n = sdx_benc_op(buf, sizeof buf, 1, 1, h64, 10);
	rc |= write_item(d, "item-op", buf, n);
	n = sdx_benc_redacted(buf, sizeof buf, 1, 1, h32);
	rc |= write_item(d, "item-redacted", buf, n);
	n = sdx_benc_segsig(buf, sizeof buf, 1, h64);
	rc |= write_item(d, "item-segsig", buf, n);
	n = sdx_benc_checksum(buf, sizeof buf, h16);
	rc |= write_item(d, "item-checksum", buf, n);
	n = sdx_benc_signature(buf, sizeof buf, h64);
	rc |= write_item(d, "item-signature", buf, n);
	rc |= write_exports(d);
	return rc ? 1 : 0;
}
