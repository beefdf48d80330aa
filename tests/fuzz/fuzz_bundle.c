/* fuzz_bundle.c: the bundle reader.
 * 1. sdx_bdec_item, the item decoder, over the raw input: items one after
 *    another until the input ends or an error; each success must consume
 *    at least one byte and no more than it was given.
 * 2. The streaming reader (sdx_br_open/next/verify) over the same bytes
 *    as a file (a memfd), to its end: framing, refills, checksum and
 *    signature paths. Errors must carry a reason.
 * (sdx_bundle_verify with a database is fuzzed once it exists.) */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bundle_io.h"

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
				fprintf(stderr, "fuzz_bundle: bad failure %d used %zu of %zu why %s\n",
					rc, used, size - pos, why ? why : "(null)");
				abort();
			}
			return;
		}
		if (used == 0 || used > size - pos) {
			fprintf(stderr, "fuzz_bundle: item used %zu of %zu\n", used, size - pos);
			abort();
		}
		/* Views must lie inside the input. */
		if (it.bytes && (it.bytes < data + pos || it.bytes + it.len > data + pos + used)) {
			fprintf(stderr, "fuzz_bundle: item bytes outside the item\n");
			abort();
		}
		if (it.name && (it.name < (const char *)data + pos ||
				it.name + it.name_len > (const char *)data + pos + used)) {
			fprintf(stderr, "fuzz_bundle: item name outside the item\n");
			abort();
		}
		pos += used;
	}
}

static void read_stream(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-bundle", 0);
		if (fd < 0)
			return;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
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
			fprintf(stderr, "fuzz_bundle: reader error %d without a reason\n", rc);
			abort();
		}
		if (rc < 0 && r.offset > size) {
			fprintf(stderr, "fuzz_bundle: error offset %llu past the end %zu\n",
				(unsigned long long)r.offset, size);
			abort();
		}
	}
	sdx_br_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_items(data, size);
	read_stream(data, size);
	return 0;
}
