/* seen.c: a file imported again under another origin would add every
 * row again as new reports (a report's id hashes its origin), and bring
 * back any that were retracted. The database remembers the digest of
 * each file imported and its origin (sdx_db_file_origin); a file seen
 * under another origin is refused unless --force. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "import.h"

int seen_digest(FILE *fp, uint8_t digest[16])
{
	static char buf[1 << 16];
	struct stat st;
	size_t n;

	if (fp == stdin || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	XXH3_state_t *s = XXH3_createState();
	if (!s)
		return -1;
	XXH3_128bits_reset(s);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		XXH3_128bits_update(s, buf, n);
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s));
	XXH3_freeState(s);
	memcpy(digest, c.digest, 16);
	if (ferror(fp) || fseek(fp, 0, SEEK_SET) != 0)
		return -1;
	return 0;
}

int seen_check(sdx_db *db, const char *name, const uint8_t digest[16],
	       const char *origin, int force, int *known)
{
	char before[SDX_OFFICE_MAX + 1];
	int rc = sdx_db_file_origin(db, digest, before, sizeof before);
	*known = rc == 0 && strcmp(before, origin) == 0;
	if (rc == SDX_ENOTFOUND || *known)
		return 0;
	if (rc != 0) {
		fprintf(stderr, "scamdex-import: %s: %s\n", name,
			sdx_strerror(rc));
		return 3;
	}
	if (force) {
		fprintf(stderr,
			"scamdex-import: %s: imported before under origin "
			"'%s'; imported again under '%s' (--force)\n",
			name, before, origin);
		return 0;
	}
	fprintf(stderr,
		"scamdex-import: %s: already imported under origin '%s': "
		"under '%s' every row would be added again as a new report; "
		"use --origin %s, or --force\n",
		name, before, origin, before);
	return 2;
}
