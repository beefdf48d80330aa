/* bundle_damage.c: a valid bundle, then every truncation of it and every
 * single-byte change of it, through the streaming reader. Every damaged
 * copy must be refused (a negative status with a reason) before the
 * reader reports the end; the intact one must read to the end and verify.
 * Prints TAP. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle_io.h"

static char dir[64];
static int n_test, failed;

__attribute__((format(printf, 2, 3)))
static void result(int good, const char *fmt, ...)
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
	const uint8_t body[] = {0xa2, 0x00, 0x63, 'a', 'b', 'c', 0x01, 0x18, 0x2a};
	int rc = sdx_bw_open(&w, f);
	if (!rc)
		rc = sdx_bw_header(&w, key->office, 1, 1795000000u, vv, 1);
	sdx_chain_start(key->office, chain);
	if (!rc)
		rc = sdx_bw_run(&w, key->office, 1, chain);
	sdx_digest(body, sizeof body, digest);
	for (uint64_t seq = 1; !rc && seq <= 3; seq++) {
		rc = seq == 2 ? sdx_bw_redacted(&w, seq, SDX_OP_ADD, digest)
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
	result(rc == 0 && size > 0, "the intact bundle (%zu bytes) reads and verifies", size);

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
	result(bad_trunc == 0, "all %zu truncations refused with a reason (%zu not; first at length %zu)",
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
	result(bad_flip == 0, "all %zu single-byte changes refused with a reason (%zu not; first at offset %zu)",
	       2 * size, bad_flip, first_bad);

	/* trailing garbage after the signature */
	f = fopen(bad, "wb");
	fwrite(data, 1, size, f);
	fputc(0, f);
	fclose(f);
	rc = read_all(bad, key.pubkey, why, sizeof why);
	result(rc == SDX_EBUNDLE, "one byte after the signature refused (%s)", why);

	sdx_key_wipe(&key);
	unlink(good);
	unlink(bad);
	rmdir(dir);
	printf("1..%d\n", n_test);
	return failed;
}
