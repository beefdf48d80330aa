/* pwrite_all.h: write all of a buffer at an offset, through short
 * writes: the library's unlinked files (spills, an import's copy).
 * Internal to the library. */
#ifndef SCAMDEX_PWRITE_ALL_H
#define SCAMDEX_PWRITE_ALL_H

#include <stdint.h>
#include <unistd.h>

/* 0, or -1 with errno set (0 for a write that wrote nothing). */
static inline int sdx_pwrite_all(int fd, const void *buf, size_t n, uint64_t at)
{
	const uint8_t *p = buf;
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)at);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		at += (uint64_t)w;
	}
	return 0;
}

#endif
