/* grow.h: room for `need` elements of `elem` bytes in a growing array
 * (*p, *cap elements), doubling from `first`: the one growth rule of the
 * library's buffers. Internal to the library. */
#ifndef SCAMDEX_GROW_H
#define SCAMDEX_GROW_H

#include <stdint.h>
#include <stdlib.h>

#include <scamdex/error.h>

/* The capacity for `need` elements of `elem` bytes: *cap (or `first`)
 * doubled until it holds them; 0 on overflow. */
static inline size_t sdx_grow_cap(size_t cap, size_t need, size_t elem,
				  size_t first)
{
	size_t c = cap ? cap : first;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return 0;
		c *= 2;
	}
	return c > SIZE_MAX / elem ? 0 : c;
}

/* 0, or SDX_ENOMEM with *p and *cap as they were. */
static inline int sdx_grow(void *p, size_t *cap, size_t need, size_t elem,
			   size_t first)
{
	if (need <= *cap)
		return 0;
	size_t c = sdx_grow_cap(*cap, need, elem, first);
	if (!c)
		return SDX_ENOMEM;
	void *n = realloc(*(void **)p, c * elem);
	if (!n)
		return SDX_ENOMEM;
	*(void **)p = n;
	*cap = c;
	return 0;
}

#endif
