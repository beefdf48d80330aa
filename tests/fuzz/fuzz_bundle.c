/* fuzz_bundle.c: the bundle reader.
 * 1. sdx_bdec_item, the item decoder, over the raw input: items one after
 *    another until the input ends or an error; each success must consume
 *    at least one byte and no more than it was given.
 * 2. The streaming reader (sdx_br_open/next/verify) over the same bytes
 *    as a file (a memfd), to its end: framing, refills, checksum and
 *    signature paths. Errors must carry a reason.
 * 3. sdx_bundle_verify (pass 1 of an import: trust, hash chains, segment
 *    and sender signatures) against a database of office HCM-PA05 that
 *    trusts HN-PA05 (the fixed key of fuzz_keys.h, which the seed
 *    bundles are signed with). A refusal must carry a reason; nothing
 *    may be applied. The database lives in a temporary directory made
 *    on the first call and removed at exit. */
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

static sdx_vv_entry vv[SDX_BUNDLE_ORIGINS_MAX];

static void decode_items(const uint8_t *data, size_t size)
{
	size_t pos = 0;
	for (int i = 0; i < 100000 && pos < size; i++) {
		sdx_bitem it;
		memset(&it, 0, sizeof it);
		size_t used = 0;
		const char *why = NULL;
		int rc = sdx_bdec_item(data + pos, size - pos, &it, vv,
				       SDX_BUNDLE_ORIGINS_MAX, &used, &why);
		if (rc == 1)
			return; /* incomplete */
		if (rc != 0) {
			if (rc != SDX_EBUNDLE || !why || used > size - pos) {
				fprintf(stderr,
					"fuzz_bundle: bad failure %d used %zu "
					"of %zu why %s\n",
					rc, used, size - pos,
					why ? why : "(null)");
				abort();
			}
			return;
		}
		if (used == 0 || used > size - pos) {
			fprintf(stderr, "fuzz_bundle: item used %zu of %zu\n",
				used, size - pos);
			abort();
		}
		/* Views must lie inside the input. */
		if (it.bytes && (it.bytes < data + pos ||
				 it.bytes + it.len > data + pos + used)) {
			fprintf(stderr,
				"fuzz_bundle: item bytes outside the item\n");
			abort();
		}
		if (it.name &&
		    (it.name < (const char *)data + pos ||
		     it.name + it.name_len > (const char *)data + pos + used)) {
			fprintf(stderr,
				"fuzz_bundle: item name outside the item\n");
			abort();
		}
		pos += used;
	}
}

static int memfd = -1;

static void read_stream(const uint8_t *data, size_t size)
{
	static char path[64];
	if (memfd < 0) {
		memfd = memfd_create("fuzz-bundle", 0);
		if (memfd < 0)
			return;
		snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) != 0 ||
	    (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
		return;

	sdx_breader r;
	int rc = sdx_br_open(&r, path);
	if (rc == 0) {
		sdx_bitem it;
		static const uint8_t zero_key[32];
		for (int i = 0; i < 1000000; i++) {
			rc = sdx_br_next(&r, &it);
			if (rc != 0)
				break;
			if (it.kind == SDX_BI_SIGNATURE)
				sdx_br_verify(&r, zero_key, it.bytes);
		}
		if (rc < 0 && r.why[0] == '\0') {
			fprintf(
			    stderr,
			    "fuzz_bundle: reader error %d without a reason\n",
			    rc);
			abort();
		}
		if (rc < 0 && r.offset > size) {
			fprintf(
			    stderr,
			    "fuzz_bundle: error offset %llu past the end %zu\n",
			    (unsigned long long)r.offset, size);
			abort();
		}
	}
	sdx_br_close(&r);
}

static char dbdir[64];
static sdx_db *db;

static void remove_db(void)
{
	char cmd[128];
	sdx_db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dbdir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_bundle: could not remove %s\n", dbdir);
}

/* The receiving database, made once. NULL if that failed. */
static sdx_db *receiver(void)
{
	static int tried;
	if (tried)
		return db;
	tried = 1;
	strcpy(dbdir, "/tmp/fuzz-bundle-XXXXXX");
	if (!mkdtemp(dbdir))
		return NULL;
	atexit(remove_db);
	char path[128];
	snprintf(path, sizeof path, "%s/hn.key", dbdir);
	FILE *f = fopen(path, "w");
	if (!f || fputs(FUZZ_KEY_LINE, f) < 0 || fclose(f) != 0)
		return NULL;
	if (chmod(path, 0600) != 0) /* a key must be private */
		return NULL;
	sdx_key key;
	snprintf(path, sizeof path, "%s/hn.key", dbdir);
	if (sdx_key_load(path, &key) != 0)
		return NULL;
	snprintf(path, sizeof path, "%s/db", dbdir);
	if (sdx_db_open(path, SDX_OPEN_CREATE, &db) != 0 ||
	    sdx_db_set_office(db, "HCM-PA05") != 0 ||
	    sdx_db_set_role(db, SDX_OFFICE_POLICE) != 0 ||
	    sdx_trust_set(db, "HN-PA05", key.pubkey, SDX_OFFICE_POLICE) != 0) {
		sdx_db_close(db);
		db = NULL;
	}
	sdx_key_wipe(&key);
	return db;
}

static void verify_with_db(void)
{
	static char path[64];
	sdx_db *d = receiver();
	if (!d)
		return;
	/* read_stream left the input in its memfd */
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	sdx_import_result res;
	memset(&res, 0, sizeof res);
	int rc = sdx_bundle_verify(d, path, &res);
	if (rc < 0 && !res.reason[0]) {
		fprintf(stderr,
			"fuzz_bundle: sdx_bundle_verify %s without a reason\n",
			sdx_strerror(rc));
		abort();
	}
	if (res.applied != 0) {
		fprintf(stderr,
			"fuzz_bundle: sdx_bundle_verify applied something\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_items(data, size);
	read_stream(data, size);
	if (memfd >= 0)
		verify_with_db();
	return 0;
}
