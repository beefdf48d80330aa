/* test_bundle_io.c: keys, the bundle codec, writer and reader, without a
 * database. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_io.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/sdx-bio-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(bundle_io, .init = setup, .fini = teardown);

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

Test(bundle_io, key_roundtrip_mode_0600)
{
	sdx_key k, k2;
	char p[128];
	struct stat st;
	path_in(p, sizeof p, "office.key");
	cr_assert_eq(sdx_keygen("HN-PA05", &k), 0);
	cr_assert_eq(sdx_key_save(&k, p), 0);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(sdx_key_save(&k, p), SDX_EEXISTS);
	cr_assert_eq(sdx_key_load(p, &k2), 0);
	cr_assert_eq(chmod(p, 0640), 0); /* group may read: refused */
	cr_assert_eq(sdx_key_load(p, &k2), SDX_EKEYMODE);
	cr_assert_eq(chmod(p, 0600), 0);
	cr_assert_eq(sdx_key_load(p, &k2), 0);
	cr_assert_str_eq(k2.office, "HN-PA05");
	cr_assert_eq(memcmp(k.pubkey, k2.pubkey, 32), 0);
	cr_assert_eq(memcmp(k.secret, k2.secret, 64), 0);
	sdx_key_wipe(&k2);
	cr_assert_eq(k2.secret[0] | k2.secret[63], 0);
}

Test(bundle_io, key_bad_files)
{
	sdx_key k;
	char p[128];
	FILE *f;
	path_in(p, sizeof p, "bad.key");
	cr_assert_eq(sdx_key_load(p, &k), SDX_EKEY); /* missing */
	f = fopen(p, "w");
	fputs("scamdex-key-v1 X 00\n", f);
	fclose(f);
	/* readable by others (the umask's 0644): refused before it is read */
	cr_assert_eq(chmod(p, 0644), 0);
	cr_assert_eq(sdx_key_load(p, &k), SDX_EKEYMODE);
	cr_assert_eq(chmod(p, 0600), 0);
	cr_assert_eq(sdx_key_load(p, &k), SDX_EKEY);
	cr_assert_eq(sdx_keygen("bad office", &k), SDX_EINVAL);
	cr_assert_eq(sdx_keygen("", &k), SDX_EINVAL);
	cr_assert_eq(sdx_keygen("a-name-that-is-longer-than-32-bytes", &k),
		     SDX_EINVAL);
}

Test(bundle_io, key_damaged_secret)
{
	sdx_key k;
	char p[128], line[256];
	FILE *f;
	path_in(p, sizeof p, "k");
	cr_assert_eq(sdx_keygen("A", &k), 0);
	cr_assert_eq(sdx_key_save(&k, p), 0);
	f = fopen(p, "r+");
	cr_assert_not_null(fgets(line, sizeof line, f));
	/* flip a digit of the public half (the last 64 hex digits) */
	line[strlen(line) - 2] = line[strlen(line) - 2] == '0' ? '1' : '0';
	rewind(f);
	fputs(line, f);
	fclose(f);
	cr_assert_eq(sdx_key_load(p, &k), SDX_EKEY);
}

Test(bundle_io, pubkey_hex)
{
	uint8_t pk[32], pk2[32];
	char hex[65];
	for (int i = 0; i < 32; i++)
		pk[i] = (uint8_t)(i * 7 + 1);
	sdx_pubkey_to_hex(pk, hex);
	cr_assert_eq(strlen(hex), 64);
	cr_assert_eq(sdx_pubkey_from_hex(hex, 64, pk2), 0);
	cr_assert_eq(memcmp(pk, pk2, 32), 0);
	cr_assert_eq(sdx_pubkey_from_hex(hex, 63, pk2), SDX_EKEY);
	hex[5] = 'g';
	cr_assert_eq(sdx_pubkey_from_hex(hex, 64, pk2), SDX_EKEY);
}

Test(bundle_io, segment_signature)
{
	sdx_key k;
	uint8_t chain[32] = {1, 2, 3}, sig[64];
	cr_assert_eq(sdx_keygen("A", &k), 0);
	cr_assert_eq(sdx_segment_sign(&k, "A", 42, chain, sig), 0);
	cr_assert_eq(sdx_segment_verify(k.pubkey, "A", 42, chain, sig), 0);
	cr_assert_eq(sdx_segment_verify(k.pubkey, "A", 43, chain, sig),
		     SDX_ESIGNATURE);
	cr_assert_eq(sdx_segment_verify(k.pubkey, "B", 42, chain, sig),
		     SDX_ESIGNATURE);
	chain[31] ^= 1;
	cr_assert_eq(sdx_segment_verify(k.pubkey, "A", 42, chain, sig),
		     SDX_ESIGNATURE);
}

/* A bundle of n ops of body size bsz (every 5th redacted). */
static void write_bundle(const char *p, const sdx_key *k, int n, size_t bsz)
{
	sdx_bwriter w;
	sdx_vv_entry vv[2] = {{"A", (uint64_t)n}, {"B", 7}};
	uint8_t prev[32] = {0}, sig[64] = {9}, *body = malloc(bsz);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(sdx_bw_open(&w, f), 0);
	cr_assert_eq(
	    sdx_bw_header(&w, k->office, "TO", SDX_AUD_BANK, 1764288000, vv, 2),
	    0);
	cr_assert_eq(sdx_bw_run(&w, "A", 1, prev), 0);
	for (int i = 1; i <= n; i++) {
		memset(body, i & 0xff, bsz);
		if (i % 5 == 0)
			cr_assert_eq(sdx_bw_redacted(&w, (uint64_t)i, 1, prev),
				     0);
		else
			cr_assert_eq(
			    sdx_bw_op(&w, (uint64_t)i, 1 + i % 6, body, bsz),
			    0);
	}
	cr_assert_eq(sdx_bw_segsig(&w, (uint64_t)n, sig), 0);
	cr_assert_eq(sdx_bw_finish(&w, k), 0);
	sdx_bw_close(&w);
	fclose(f);
	free(body);
}

/* Read a whole bundle; returns the first failure or 0. */
static int read_bundle(const char *p, const uint8_t pk[32], int *ops)
{
	sdx_breader r;
	sdx_bitem it;
	int rc;
	*ops = 0;
	if ((rc = sdx_br_open(&r, p))) {
		sdx_br_close(&r);
		return rc;
	}
	while ((rc = sdx_br_next(&r, &it)) == 0) {
		if (it.kind == SDX_BI_OP || it.kind == SDX_BI_REDACTED)
			(*ops)++;
		if (it.kind == SDX_BI_SIGNATURE &&
		    (rc = sdx_br_verify(&r, pk, it.bytes)))
			break;
	}
	sdx_br_close(&r);
	return rc == 1 ? 0 : rc;
}

Test(bundle_io, roundtrip_items)
{
	sdx_key k;
	sdx_breader r;
	sdx_bitem it;
	char p[128];
	path_in(p, sizeof p, "b.sdxb");
	cr_assert_eq(sdx_keygen("HUB", &k), 0);
	write_bundle(p, &k, 6, 40);
	cr_assert_eq(sdx_br_open(&r, p), 0);
	cr_assert_eq(sdx_br_next(&r, &it), 0);
	cr_assert_eq(it.kind, SDX_BI_HEADER);
	cr_assert_eq(it.format, SDX_BUNDLE_FORMAT);
	cr_assert_eq(it.name_len, 3);
	cr_assert_eq(memcmp(it.name, "HUB", 3), 0);
	cr_assert_eq(it.audience, SDX_AUD_BANK);
	cr_assert_eq(it.created, 1764288000);
	cr_assert_eq(it.n_vv, 2);
	cr_assert_str_eq(r.vv[1].origin, "B");
	cr_assert_eq(r.vv[1].seq, 7);
	cr_assert_eq(sdx_br_next(&r, &it), 0);
	cr_assert_eq(it.kind, SDX_BI_ADDRESS);
	cr_assert_eq(it.name_len, 2);
	cr_assert_eq(memcmp(it.name, "TO", 2), 0);
	cr_assert_str_eq(r.to, "TO");
	cr_assert_eq(sdx_br_next(&r, &it), 0);
	cr_assert_eq(it.kind, SDX_BI_RUN);
	cr_assert_eq(it.seq, 1);
	cr_assert_eq(it.len, 32);
	for (int i = 1; i <= 6; i++) {
		cr_assert_eq(sdx_br_next(&r, &it), 0);
		cr_assert_eq(it.kind, i == 5 ? SDX_BI_REDACTED : SDX_BI_OP);
		cr_assert_eq(it.seq, (uint64_t)i);
		cr_assert_eq(it.len, i == 5 ? 32u : 40u);
		if (i != 5) {
			cr_assert_eq(it.type, 1 + i % 6);
			cr_assert_eq(it.bytes[0], i);
		}
	}
	cr_assert_eq(sdx_br_next(&r, &it), 0);
	cr_assert_eq(it.kind, SDX_BI_SEGSIG);
	cr_assert_eq(it.seq, 6);
	cr_assert_eq(sdx_br_next(&r, &it), 0);
	cr_assert_eq(it.kind, SDX_BI_CHECKSUM);
	cr_assert_eq(sdx_br_next(&r, &it), 0);
	cr_assert_eq(it.kind, SDX_BI_SIGNATURE);
	cr_assert_eq(sdx_br_verify(&r, k.pubkey, it.bytes), 0);
	cr_assert_eq(sdx_br_next(&r, &it), 1);
	/* second pass gives the same */
	cr_assert_eq(sdx_br_rewind(&r), 0);
	cr_assert_eq(sdx_br_next(&r, &it), 0);
	cr_assert_eq(it.kind, SDX_BI_HEADER);
	sdx_br_close(&r);
}

Test(bundle_io, big_bundle_crosses_windows)
{
	sdx_key k;
	char p[128];
	int ops;
	path_in(p, sizeof p, "big.sdxb");
	cr_assert_eq(sdx_keygen("HUB", &k), 0);
	write_bundle(p, &k, 3000, 3001); /* ~9 MB, ~9 windows */
	cr_assert_eq(read_bundle(p, k.pubkey, &ops), 0);
	cr_assert_eq(ops, 3000);
}

Test(bundle_io, wrong_key_refused)
{
	sdx_key k, other;
	char p[128];
	int ops;
	path_in(p, sizeof p, "b.sdxb");
	cr_assert_eq(sdx_keygen("HUB", &k), 0);
	cr_assert_eq(sdx_keygen("HUB", &other), 0);
	write_bundle(p, &k, 4, 10);
	cr_assert_eq(read_bundle(p, other.pubkey, &ops), SDX_ESIGNATURE);
}

static long file_size(const char *p)
{
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	return (long)st.st_size;
}

Test(bundle_io, every_byte_flip_detected)
{
	sdx_key k;
	char p[128];
	long n;
	int ops;
	path_in(p, sizeof p, "b.sdxb");
	cr_assert_eq(sdx_keygen("HUB", &k), 0);
	write_bundle(p, &k, 3, 8);
	n = file_size(p);
	cr_assert_gt(n, 100);
	for (long i = 0; i < n; i++) {
		FILE *f = fopen(p, "r+b");
		int c, rc;
		fseek(f, i, SEEK_SET);
		c = fgetc(f);
		fseek(f, i, SEEK_SET);
		fputc(c ^ 0x01, f);
		fclose(f);
		rc = read_bundle(p, k.pubkey, &ops);
		cr_assert_lt(rc, 0, "flip at byte %ld accepted", i);
		f = fopen(p, "r+b");
		fseek(f, i, SEEK_SET);
		fputc(c, f);
		fclose(f);
	}
	cr_assert_eq(read_bundle(p, k.pubkey, &ops), 0);
}

Test(bundle_io, truncated_and_trailing)
{
	sdx_key k;
	char p[128];
	long n;
	int ops;
	FILE *f;
	path_in(p, sizeof p, "b.sdxb");
	cr_assert_eq(sdx_keygen("HUB", &k), 0);
	write_bundle(p, &k, 3, 8);
	n = file_size(p);
	for (long len = n - 1; len >= 0; len -= 7) {
		cr_assert_eq(truncate(p, len), 0);
		cr_assert_eq(read_bundle(p, k.pubkey, &ops), SDX_EBUNDLE,
			     "length %ld", len);
	}
	write_bundle(p, &k, 3, 8);
	f = fopen(p, "ab");
	fputc(0, f);
	fclose(f);
	cr_assert_eq(read_bundle(p, k.pubkey, &ops), SDX_EBUNDLE);
}

Test(bundle_io, not_a_bundle)
{
	char p[128];
	int ops;
	uint8_t pk[32] = {0};
	FILE *f;
	path_in(p, sizeof p, "x");
	f = fopen(p, "w");
	fputs("phone,agency\n+84795555373,PA05\n", f);
	fclose(f);
	cr_assert_eq(read_bundle(p, pk, &ops), SDX_EBUNDLE);
}

Test(bundle_io, encoder_reports_small_buffer)
{
	uint8_t buf[16], body[64] = {0};
	cr_assert_eq(sdx_benc_op(buf, sizeof buf, 1, 1, body, sizeof body), 0);
	cr_assert_gt(sdx_benc_op(buf, sizeof buf, 1, 1, body, 4), 0);
}
