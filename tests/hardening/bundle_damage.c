/* bundle_damage.c: a valid bundle, then every truncation of it and every
 * single-byte change of it.
 * 1. Through the streaming reader: every damaged copy must be refused (a
 *    negative status with a reason) before the reader reports the end;
 *    the intact one must read to the end and verify.
 * 2. Through sdx_bundle_import into a real database that trusts the
 *    sender: a bundle exported from another database, then every
 *    truncation and every changed byte of it must be refused with a
 *    reason, and nothing of it applied (the sender's origin stays
 *    unknown, verify finds nothing); then the intact one applies whole.
 * Prints TAP. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scamdex/bundle.h>

#include "bundle_io.h"

static char dir[64];
static int n_test, failed;

__attribute__((format(printf, 2, 3))) static void result(int good,
							 const char *fmt, ...)
{
	va_list ap;
	n_test++;
	if (!good)
		failed = 1;
	printf("%sok %d - ", good ? "" : "not ", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* A bundle: header with a vector, a run of three operations (one
 * redacted), a segment signature, checksum and signature. */
static int make_bundle(const char *path, sdx_key *key)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	sdx_bwriter w;
	sdx_vv_entry vv[1] = {{"HN-PA05", 3}};
	uint8_t chain[32], digest[32], sig[64];
	const uint8_t body[] = {0xa2, 0x00, 0x63, 'a', 'b',
				'c',  0x01, 0x18, 0x2a};
	int rc = sdx_bw_open(&w, f);
	if (!rc)
		rc = sdx_bw_header(&w, key->office, "HCM-PA05", 1, 1795000000u,
				   vv, 1);
	sdx_chain_start(key->office, chain);
	if (!rc)
		rc = sdx_bw_run(&w, key->office, 1, chain);
	sdx_digest(body, sizeof body, digest);
	for (uint64_t seq = 1; !rc && seq <= 3; seq++) {
		rc = seq == 2
			 ? sdx_bw_redacted(&w, seq, SDX_OP_ADD, digest)
			 : sdx_bw_op(&w, seq, SDX_OP_ADD, body, sizeof body);
		sdx_chain_next(chain, SDX_OP_ADD, digest, chain);
	}
	if (!rc)
		rc = sdx_segment_sign(key, key->office, 3, chain, sig);
	if (!rc)
		rc = sdx_bw_segsig(&w, 3, sig);
	if (!rc)
		rc = sdx_bw_finish(&w, key);
	sdx_bw_close(&w);
	if (fclose(f) != 0 && !rc)
		rc = -1;
	return rc;
}

/* Read path to its end: 0 if it read through and the signature verified,
 * else the failing status (reason in why). */
static int read_all(const char *path, const uint8_t pubkey[32], char *why,
		    size_t whylen)
{
	sdx_breader r;
	sdx_bitem it;
	int rc = sdx_br_open(&r, path);
	while (rc == 0) {
		rc = sdx_br_next(&r, &it);
		if (rc == 0 && it.kind == SDX_BI_SIGNATURE) {
			uint8_t sig[64];
			memcpy(sig, it.bytes, 64);
			rc = sdx_br_verify(&r, pubkey, sig);
		}
	}
	snprintf(why, whylen, "%s", r.why);
	sdx_br_close(&r);
	return rc == 1 ? 0 : rc;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

static int count_mismatch(const char *message, void *ctx)
{
	(void)message;
	(*(size_t *)ctx)++;
	return 0;
}

/* How many operations of `origin` db holds (0 if none). */
static uint64_t held(sdx_db *db, const char *origin)
{
	sdx_origin_info info;
	return sdx_origin_get(db, origin, &info) == 0 ? info.seq : 0;
}

/* Sender HN-PA05 with three reports (one police-only), receiver
 * HCM-PA05 trusting it; the police bundle HN-PA05 exports for it. */
static int make_pair(const char *d, sdx_db **recv, uint8_t **data, size_t *size)
{
	char p1[256], p2[256], bpath[256];
	sdx_db *snd = NULL;
	sdx_key key;
	int rc;
	snprintf(p1, sizeof p1, "%s/sender", d);
	snprintf(p2, sizeof p2, "%s/receiver", d);
	snprintf(bpath, sizeof bpath, "%s/export.bundle", d);
	if ((rc = sdx_db_open(p1, SDX_OPEN_CREATE, &snd)) ||
	    (rc = sdx_db_set_office(snd, "HN-PA05")) ||
	    (rc = sdx_db_set_role(snd, SDX_OFFICE_POLICE)) ||
	    (rc = sdx_keygen("HN-PA05", &key)) ||
	    (rc = sdx_trust_set(snd, "HCM-PA05", key.pubkey,
				SDX_OFFICE_POLICE)) ||
	    (rc = sdx_db_open(p2, SDX_OPEN_CREATE, recv)) ||
	    (rc = sdx_db_set_office(*recv, "HCM-PA05")) ||
	    (rc = sdx_db_set_role(*recv, SDX_OFFICE_POLICE)) ||
	    (rc = sdx_trust_set(*recv, "HN-PA05", key.pubkey,
				SDX_OFFICE_POLICE)))
		goto out;
	static const char *const phones[] = {"0795550601", "0795550602",
					     "0795550603"};
	for (int i = 0; i < 3 && !rc; i++) {
		sdx_report r;
		sdx_report_init(&r);
		snprintf(r.agency, sizeof r.agency, "PA05 - Cong an TP Ha Noi");
		snprintf(r.case_ref, sizeof r.case_ref, "%d/CAT-PA05", 700 + i);
		r.category = 0;
		r.channel = 0;
		r.audience = i == 2 ? SDX_AUD_POLICE : SDX_AUD_BANK;
		rc = sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
					  phones[i], strlen(phones[i]), NULL);
		if (!rc)
			rc = sdx_report_add(snd, &r, NULL, NULL);
	}
	if (!rc)
		rc = sdx_bundle_export(snd, &key, "HCM-PA05", SDX_AUD_POLICE, 0,
				       bpath, NULL);
	if (!rc) {
		FILE *f = fopen(bpath, "rb");
		static uint8_t buf[1 << 20];
		*size = f ? fread(buf, 1, sizeof buf, f) : 0;
		if (f)
			fclose(f);
		*data = buf;
		rc = *size ? 0 : SDX_EIO;
	}
out:
	sdx_key_wipe(&key);
	sdx_db_close(snd);
	return rc;
}

static void db_part(const char *d)
{
	sdx_db *recv = NULL;
	uint8_t *data = NULL;
	size_t size = 0;
	char bad[256];
	int rc = make_pair(d, &recv, &data, &size);
	result(
	    rc == 0,
	    "sender and receiver databases, an exported bundle (%zu bytes)%s%s",
	    size, rc ? ": " : "", rc ? sdx_strerror(rc) : "");
	if (rc) {
		sdx_db_close(recv);
		return;
	}
	snprintf(bad, sizeof bad, "%s/damaged.bundle", d);

	/* every truncation, and every byte XOR 0x01 */
	size_t not_refused = 0, no_reason = 0, first = 0;
	sdx_import_result res;
	for (size_t i = 0; i < 2 * size; i++) {
		int flip = i >= size;
		size_t at = flip ? i - size : i;
		if (flip)
			data[at] ^= 0x01;
		int wr = write_file(bad, data, flip ? size : at);
		if (flip)
			data[at] ^= 0x01;
		if (wr != 0)
			continue;
		memset(&res, 0, sizeof res);
		rc = sdx_bundle_import(recv, bad, &res);
		if (rc >= 0 && !not_refused++)
			first = i;
		if (rc < 0 && !res.reason[0])
			no_reason++;
	}
	result(not_refused == 0 && no_reason == 0,
	       "sdx_bundle_import refuses all %zu truncations and %zu changed "
	       "bytes with a reason "
	       "(%zu not refused, first case %zu; %zu without a reason)",
	       size, size, not_refused, first, no_reason);

	size_t mismatches = 0;
	rc = sdx_verify(recv, count_mismatch, &mismatches, NULL);
	result(held(recv, "HN-PA05") == 0 && rc == 0 && mismatches == 0,
	       "nothing applied: no operation of the sender held, verify clean "
	       "(%zu mismatches)",
	       mismatches);

	if (write_file(bad, data, size) == 0) {
		memset(&res, 0, sizeof res);
		rc = sdx_bundle_import(recv, bad, &res);
		result(rc == 0 && res.applied == 3 &&
			   held(recv, "HN-PA05") == 3,
		       "the intact bundle applies whole (%llu of 3 operations)",
		       (unsigned long long)res.applied);
	}
	sdx_db_close(recv);
}

int main(void)
{
	strcpy(dir, "/tmp/sdx-damage-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char good[128], bad[128], why[160];
	snprintf(good, sizeof good, "%s/good.bundle", dir);
	snprintf(bad, sizeof bad, "%s/bad.bundle", dir);

	sdx_key key;
	if (sdx_keygen("HN-PA05", &key) != 0 || make_bundle(good, &key) != 0) {
		printf("1..1\nnot ok 1 - make a bundle\n");
		return 1;
	}
	FILE *f = fopen(good, "rb");
	static uint8_t data[65536];
	size_t size = f ? fread(data, 1, sizeof data, f) : 0;
	if (f)
		fclose(f);

	int rc = read_all(good, key.pubkey, why, sizeof why);
	result(rc == 0 && size > 0,
	       "the intact bundle (%zu bytes) reads and verifies", size);

	/* every truncation: refused, and never "the end" */
	size_t bad_trunc = 0, first_bad = 0;
	for (size_t len = 0; len < size; len++) {
		f = fopen(bad, "wb");
		fwrite(data, 1, len, f);
		fclose(f);
		rc = read_all(bad, key.pubkey, why, sizeof why);
		if (rc >= 0 || why[0] == '\0') {
			if (!bad_trunc++)
				first_bad = len;
		}
	}
	result(bad_trunc == 0,
	       "all %zu truncations refused with a reason (%zu not; first at "
	       "length %zu)",
	       size, bad_trunc, first_bad);

	/* every single-byte change (x ^= 0x01, and x ^= 0x80): refused */
	size_t bad_flip = 0;
	first_bad = 0;
	for (size_t i = 0; i < size; i++) {
		for (int m = 0; m < 2; m++) {
			uint8_t mask = m ? 0x80 : 0x01;
			data[i] ^= mask;
			f = fopen(bad, "wb");
			fwrite(data, 1, size, f);
			fclose(f);
			data[i] ^= mask;
			rc = read_all(bad, key.pubkey, why, sizeof why);
			if (rc >= 0 || why[0] == '\0') {
				if (!bad_flip++)
					first_bad = i;
			}
		}
	}
	result(bad_flip == 0,
	       "all %zu single-byte changes refused with a reason (%zu not; "
	       "first at offset %zu)",
	       2 * size, bad_flip, first_bad);

	/* trailing garbage after the signature */
	f = fopen(bad, "wb");
	fwrite(data, 1, size, f);
	fputc(0, f);
	fclose(f);
	rc = read_all(bad, key.pubkey, why, sizeof why);
	result(rc == SDX_EBUNDLE, "one byte after the signature refused (%s)",
	       why);

	db_part(dir);

	sdx_key_wipe(&key);
	unlink(good);
	unlink(bad);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bundle_damage: could not remove %s\n", dir);
	printf("1..%d\n", n_test);
	return failed;
}
