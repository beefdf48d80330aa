/* fuzz_config.c: the parsers of local files a person edits or copies
 * around: an office key file (sdx_key_load), a public key in hex as
 * `trust add` takes it (sdx_pubkey_from_hex), and scamdex-import's --map
 * file (colmap_load, tools/import/columns.c).
 * Input: one selector byte, then the file's bytes. Checks: a loaded key
 * names a valid office and its public half round-trips through hex; a
 * parsed public key prints back as the same 64 hex digits (lower case). */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scamdex/bundle.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_config: %s\n", what);
	abort();
}

/* The input as a file: a memfd, rewritten each time. */
static const char *as_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-config", 0);
		if (fd < 0 || fchmod(fd, 0600) != 0) /* a key is private */
			return NULL;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		return NULL;
	return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *in = data + 1;
	size_t len = size - 1;
	switch (data[0] % 3) {
	case 0: {
		const char *path = as_file(in, len);
		sdx_key key;
		if (!path)
			return 0;
		if (sdx_key_load(path, &key) == 0) {
			char hex[65];
			uint8_t back[32];
			size_t n = strnlen(key.office, sizeof key.office);
			if (n == 0 || n > SDX_OFFICE_MAX)
				fail("a loaded key without a valid office id");
			sdx_pubkey_to_hex(key.pubkey, hex);
			if (sdx_pubkey_from_hex(hex, 64, back) != 0 ||
			    memcmp(back, key.pubkey, 32))
				fail("a loaded key's public half does not "
				     "round-trip");
			sdx_key_wipe(&key);
		}
		break;
	}
	case 1: {
		uint8_t pk[32];
		char hex[65];
		if (sdx_pubkey_from_hex((const char *)in, len, pk) == 0) {
			if (len != 64)
				fail("a public key accepted that is not 64 "
				     "digits");
			sdx_pubkey_to_hex(pk, hex);
			for (size_t i = 0; i < 64; i++)
				if (tolower(in[i]) != hex[i])
					fail("a public key prints back "
					     "differently");
		}
		break;
	}
	default: {
		const char *path = as_file(in, len);
		struct colmap *m = NULL;
		if (!path || colmap_new(&m) != 0)
			return 0;
		if (colmap_load(m, path) == 0) {
			static const char *const names[] = {
			    "phone", "Số điện thoại", "agency", "x", ""};
			for (size_t i = 0; i < sizeof names / sizeof names[0];
			     i++) {
				int c = colmap_lookup(m, names[i],
						      strlen(names[i]));
				if (c < COL_NONE || c >= COL_COUNT)
					fail("colmap_lookup out of range");
			}
		}
		colmap_free(m);
		break;
	}
	}
	return 0;
}
