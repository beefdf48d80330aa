/* bundle_sum.c: the bundle checksum, streaming XXH3-128. */
#include <stdlib.h>

#include <xxhash.h>

#include "bundle_io.h"

struct sdx_sum {
	XXH3_state_t *st;
};

int sdx_sum_new(sdx_sum **out)
{
	sdx_sum *s = malloc(sizeof *s);
	*out = NULL;
	if (!s)
		return SDX_ENOMEM;
	if (!(s->st = XXH3_createState())) {
		free(s);
		return SDX_ENOMEM;
	}
	XXH3_128bits_reset(s->st);
	*out = s;
	return 0;
}

void sdx_sum_update(sdx_sum *s, const void *p, size_t n)
{
	XXH3_128bits_update(s->st, p, n);
}

void sdx_sum_digest(sdx_sum *s, uint8_t out[16])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s->st));
	for (int i = 0; i < 16; i++)
		out[i] = c.digest[i];
}

void sdx_sum_free(sdx_sum *s)
{
	if (s) {
		XXH3_freeState(s->st);
		free(s);
	}
}
