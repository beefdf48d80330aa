/* bigmem.c: a growing array that moves, once it is large, into a shared
 * mapping of an unlinked file next to the database.
 *
 * A batch's per-report arrays (the entries, the identifier pairs, their
 * keys, the sort order of the ids: about 200 bytes a report) grow with
 * the batch, and the larger the batch the less of the database each
 * report rewrites: one batch of 5 million reports imported in about half
 * the CPU time of six of about 850,000, into a file 40% smaller. In
 * anonymous memory those arrays would cost a gigabyte at 5 million; in a
 * file they are page cache, which the kernel writes back and drops under
 * pressure (the way spill.c keeps the bodies). The file's blocks are
 * allocated (fallocate) before the mapping grows over them, so that a
 * full disk is found here and not by a SIGBUS when a page is first
 * written; without a file (no O_TMPFILE, no room on the disk) the array
 * is, or goes back, in memory. */
#define _GNU_SOURCE
#include "store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "grow.h"

void bigmem_free(struct bigmem *m, void *pp)
{
	void **p = pp;
	if (m->file) {
		munmap(*p, m->bytes);
		close(m->fd);
	} else {
		free(*p);
	}
	*p = NULL;
	memset(m, 0, sizeof *m);
}

/* The array's first move: a new unlinked file of `bytes`, the old
 * contents copied in. 0, or -1 (no file: the caller stays in memory). */
static int to_file(struct bigmem *m, void **p, size_t oldbytes, size_t bytes,
		   const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	void *n;
	if (posix_fallocate(fd, 0, (off_t)bytes) != 0 ||
	    (n = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      0)) == MAP_FAILED) {
		close(fd);
		return -1;
	}
	if (oldbytes)
		memcpy(n, *p, oldbytes);
	free(*p);
	*p = n;
	m->fd = fd;
	m->file = 1;
	m->bytes = bytes;
	return 0;
}

int bigmem_grow(struct bigmem *m, const char *dir, void *pp, size_t *cap,
		size_t need, size_t elem, size_t first)
{
	void **p = pp;
	if (need <= *cap)
		return 0;
	size_t c = sdx_grow_cap(*cap, need, elem, first);
	if (!c)
		return SDX_ENOMEM;
	size_t bytes = c * elem;
	if (!m->file) {
		if (m->nofile || !dir || bytes <= BIGMEM_AT)
			return sdx_grow(pp, cap, need, elem, first);
		if (to_file(m, p, *cap * elem, bytes, dir) == 0) {
			*cap = c;
			return 0;
		}
		m->nofile = 1;
		return sdx_grow(pp, cap, need, elem, first);
	}
	/* in the file: more blocks, then the mapping over them (the
	 * kernel moves the pages, the bytes are not copied) */
	void *n;
	if (posix_fallocate(m->fd, (off_t)m->bytes,
			    (off_t)(bytes - m->bytes)) == 0 &&
	    (n = mremap(*p, m->bytes, bytes, MREMAP_MAYMOVE)) != MAP_FAILED) {
		*p = n;
		m->bytes = bytes;
		*cap = c;
		return 0;
	}
	/* no room on the disk: the array goes on in memory */
	if (!(n = malloc(bytes)))
		return SDX_ENOMEM;
	memcpy(n, *p, *cap * elem);
	munmap(*p, m->bytes);
	close(m->fd);
	*p = n;
	*cap = c;
	m->file = 0;
	m->bytes = 0;
	m->nofile = 1;
	return 0;
}
