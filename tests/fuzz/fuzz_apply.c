/* fuzz_apply.c: bundles that pass every check, through the apply path.
 *
 * The input is read as bundle items (sdx_bdec_item); the harness writes
 * them again as a bundle that verifies: sender and origin HN-PA05 (the
 * fixed key of fuzz_keys.h), every run's hash chain recomputed from its
 * operations and closed by a fresh segment signature, then the checksum
 * and the sender's signature. So the fuzzer reaches what no forged
 * bundle can: sdx_bundle_import applying arbitrary operation bodies
 * (reports, retractions, disputes, allow/disallow) to a fresh database of
 * office HCM-PA05. Checks: an import either applies or refuses with a
 * reason, and afterwards sdx_verify finds every summary consistent with
 * the reports, and stats still read. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scamdex/bundle.h>

#include "bundle_io.h"
#include "fuzz_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64], dbpath[96], bpath[64];
static sdx_key key;
static int ready;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_apply: %s\n", what);
	abort();
}

static void wipe_db(void)
{
	char p[128];
	snprintf(p, sizeof p, "%s/data.mdb", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s/lock.mdb", dbpath);
	unlink(p);
}

static void cleanup(void)
{
	char p[128];
	wipe_db();
	rmdir(dbpath);
	snprintf(p, sizeof p, "%s/hn.key", base);
	unlink(p);
	rmdir(base);
	sdx_key_wipe(&key);
}

static int setup(void)
{
	char p[128];
	strcpy(base, "/tmp/fuzz-apply-XXXXXX");
	if (!mkdtemp(base))
		return -1;
	atexit(cleanup);
	snprintf(p, sizeof p, "%s/hn.key", base);
	FILE *f = fopen(p, "w");
	if (!f || fputs(FUZZ_KEY_LINE, f) < 0 || fclose(f) != 0)
		return -1;
	if (chmod(p, 0600) != 0) /* a key must be private */
		return -1;
	if (sdx_key_load(p, &key) != 0)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/db", base);
	int fd = memfd_create("fuzz-apply", 0);
	if (fd < 0)
		return -1;
	snprintf(bpath, sizeof bpath, "/proc/self/fd/%d", fd);
	ready = 1;
	return 0;
}

/* Close a run: the origin's signature over chain(last). */
static int close_run(sdx_bwriter *w, const char *origin, uint64_t last,
		     const uint8_t chain[32])
{
	uint8_t sig[64];
	int rc = sdx_segment_sign(&key, origin, last, chain, sig);
	return rc ? rc : sdx_bw_segsig(w, last, sig);
}

/* Rewrite the items of data as a bundle that verifies, into bpath.
 * 0 if at least the header was there. */
static int rewrite(const uint8_t *data, size_t size)
{
	static sdx_vv_entry vv[SDX_BUNDLE_ORIGINS_MAX];
	const char *origin = key.office;
	sdx_bwriter w;
	sdx_bitem it;
	size_t pos = 0, used, n_vv = 0;
	const char *why;
	int audience = SDX_AUD_POLICE, in_run = 0, header = 0;
	uint64_t created = 1795000000u, last = 0;
	uint8_t chain[32], digest[32];

	FILE *f = fopen(bpath, "wb");
	if (!f)
		return -1;
	int rc = sdx_bw_open(&w, f);
	while (!rc && pos < size) {
		memset(&it, 0, sizeof it);
		if (sdx_bdec_item(data + pos, size - pos, &it, vv,
				  SDX_BUNDLE_ORIGINS_MAX, &used, &why) != 0)
			break;
		pos += used;
		if (!header) {
			/* the first item is the header, whatever it was */
			if (it.kind == SDX_BI_HEADER) {
				audience = it.audience;
				created = it.created;
				n_vv = it.n_vv;
			}
			rc = sdx_bw_header(&w, key.office, "HCM-PA05", audience,
					   created, vv, n_vv);
			header = 1;
			if (it.kind == SDX_BI_HEADER)
				continue;
		}
		switch (it.kind) {
		case SDX_BI_RUN:
			if (in_run)
				rc = close_run(&w, origin, last, chain);
			if (it.seq <= 1)
				sdx_chain_start(origin, chain);
			else
				memcpy(chain, it.bytes, 32);
			if (!rc)
				rc = sdx_bw_run(&w, origin, it.seq, chain);
			last = it.seq ? it.seq - 1 : 0;
			in_run = 1;
			break;
		case SDX_BI_OP:
		case SDX_BI_REDACTED:
			if (!in_run)
				break;
			if (it.kind == SDX_BI_OP) {
				sdx_digest(it.bytes, it.len, digest);
				rc = sdx_bw_op(&w, it.seq, it.type, it.bytes,
					       it.len);
			} else {
				memcpy(digest, it.bytes, 32);
				rc = sdx_bw_redacted(&w, it.seq, it.type,
						     digest);
			}
			sdx_chain_next(chain, it.type, digest, chain);
			last = it.seq;
			break;
		default:
			break; /* segment signatures, checksum, signature: ours
				*/
		}
	}
	if (!rc && !header)
		rc = -1;
	if (!rc && in_run)
		rc = close_run(&w, origin, last, chain);
	if (!rc)
		rc = sdx_bw_finish(&w, &key);
	sdx_bw_close(&w);
	if (fclose(f) != 0 && !rc)
		rc = -1;
	return rc;
}

static int count(const char *message, void *ctx)
{
	(void)message;
	(*(size_t *)ctx)++;
	return 0;
}

static int stat_cb(const sdx_stat *s, void *ctx)
{
	(void)s;
	(void)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready && setup() != 0)
		return 0;
	if (rewrite(data, size) != 0)
		return 0;

	sdx_db *db = NULL;
	wipe_db();
	if (sdx_db_open(dbpath, SDX_OPEN_CREATE, &db) != 0 ||
	    sdx_db_set_office(db, "HCM-PA05") != 0 ||
	    sdx_db_set_role(db, SDX_OFFICE_POLICE) != 0 ||
	    sdx_trust_set(db, key.office, key.pubkey, SDX_OFFICE_POLICE) != 0) {
		sdx_db_close(db);
		return 0;
	}
	sdx_import_result res;
	memset(&res, 0, sizeof res);
	int rc = sdx_bundle_import(db, bpath, &res);
	if (getenv("FUZZ_APPLY_DEBUG"))
		fprintf(
		    stderr,
		    "fuzz_apply: %s: %llu ops, %llu applied, %llu gap; %s\n",
		    sdx_strerror(rc), (unsigned long long)res.ops,
		    (unsigned long long)res.applied,
		    (unsigned long long)res.gap, res.reason);
	if (rc < 0 && !res.reason[0])
		fail("a refused bundle without a reason");
	if (rc == 0) {
		size_t mismatches = 0;
		int vrc = sdx_verify(db, count, &mismatches, NULL);
		if (vrc != 0 || mismatches != 0) {
			fprintf(stderr,
				"fuzz_apply: after applying %llu operations "
				"verify says %s, %zu mismatches\n",
				(unsigned long long)res.applied,
				sdx_strerror(vrc), mismatches);
			abort();
		}
		if (sdx_stats(db, stat_cb, NULL) != 0)
			fail("stats fail after an import");
	}
	sdx_db_close(db);
	return 0;
}
