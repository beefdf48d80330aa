/* bench-mix.h: the order of a mixed look-up stream, shared by
 * bench-baseline and bench-inproc so that all three systems see the same
 * stream: one hit, then `misses` misses, again and again (1:1 is
 * h m h m ..., 1:9 is h m m m m m m m m m h ...). Header-only. */
#ifndef BENCH_MIX_H
#define BENCH_MIX_H

#include <stdlib.h>

/* Indices into hits (i < nh) and misses (nh + j) for the stream, as long
 * as both lists last; its length in *n and its number of hits in *nhits.
 * NULL if out of memory or either list is too short. */
static inline size_t *mix_order(size_t nh, size_t nm, size_t misses, size_t *n,
				size_t *nhits)
{
	size_t groups = misses ? nm / misses : nm;
	if (groups > nh)
		groups = nh;
	if (groups == 0)
		return NULL;
	size_t *o = malloc(groups * (1 + misses) * sizeof *o);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t g = 0; g < groups; g++) {
		o[k++] = g;
		for (size_t j = 0; j < misses; j++)
			o[k++] = nh + g * misses + j;
	}
	*n = k;
	*nhits = groups;
	return o;
}

#endif
