/* import_copy.c: an import's private copy of the bundle. Pass 1
 * verifies the copy and pass 2 applies the same copy: nobody else can
 * write a memfd or an unlinked file, so pass 2 does not digest and chain
 * every body again to know that what it applies is what pass 1 verified
 * (that was a third of the import's hashing). Pass 1 keeps each
 * operation's digest and chain value in a second such file, in the
 * order of the operations, and pass 2 reads them back.
 *
 * Without them (no memory, no O_TMPFILE, no room), the import reads the
 * bundle itself and pass 2 hashes again, as it did before there was a
 * copy. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "import_walk.h"
#include "pwrite_all.h"

int sdx_import_copy = 1;

#define VALUES_STAGE ((size_t)1 << 16) /* 1,024 operations' values */

/* All of src from offset 0 into dst: in the kernel where it can, by
 * read and write where it cannot (another file system on an old
 * kernel). */
static int copy_all(int src, int dst, uint64_t *copied)
{
	loff_t in = 0, out = 0;
	for (;;) {
		ssize_t n = copy_file_range(src, &in, dst, &out, 1 << 30, 0);
		if (n == 0) {
			*copied = (uint64_t)out;
			return 0;
		}
		if (n > 0)
			continue;
		if (in == 0 && (errno == EXDEV || errno == ENOSYS ||
				errno == EINVAL || errno == EOPNOTSUPP))
			break;
		return SDX_EIO;
	}
	uint8_t *buf = malloc(VALUES_STAGE * 16);
	if (!buf)
		return SDX_ENOMEM;
	for (;;) {
		ssize_t n = pread(src, buf, VALUES_STAGE * 16, in);
		if (n < 0 || (n > 0 && sdx_pwrite_all(dst, buf, (size_t)n,
						      (uint64_t)in))) {
			free(buf);
			return SDX_EIO;
		}
		if (n == 0)
			break;
		in += n;
	}
	free(buf);
	*copied = (uint64_t)in;
	return 0;
}

/* Where the copy goes: memory (a memfd) for a bundle up to MEM_MAX and
 * an eighth of the machine's memory, else an unlinked file in the
 * database's directory. A file's bytes are dirty page cache until the
 * kernel writes them back; the import's own writes through the map are
 * too, and past the kernel's background threshold (a tenth of free
 * memory) its flusher writes the map's pages back during the
 * transaction, write-protecting each (at 2,000,000 operations that cost
 * more than the copy saved). Memory the kernel does not write back. */
#define MEM_MAX ((uint64_t)1 << 30)

static int new_file(const char *dir, uint64_t size, const char *name)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t cap = MEM_MAX;
	if (pages > 0 && psize > 0 &&
	    (uint64_t)pages * (uint64_t)psize / 8 < cap)
		cap = (uint64_t)pages * (uint64_t)psize / 8;
	int fd = -1;
	if (size <= cap && sdx_import_copy != 2)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 && dir)
		fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	return fd;
}

void copy_make(walk *w)
{
	const char *dir = store_dir(w->db);
	import_copy *c = &w->copy;
	uint64_t size;
	c->fd = c->vfd = -1;
	if (!sdx_import_copy)
		return;
	/* the values: 64 bytes an operation of 6 bytes or more, and most
	 * operations are 100 to 300 bytes */
	int fd = new_file(dir, w->r.size + w->r.size / 3, "scamdex-import");
	if (fd < 0)
		return;
	FILE *f = NULL;
	if (copy_all(fileno(w->r.f), fd, &size) ||
	    (c->vfd = new_file(dir, w->r.size + w->r.size / 3,
			       "scamdex-import-digests")) < 0 ||
	    !(c->buf = malloc(VALUES_STAGE)) || !(f = fdopen(fd, "rb"))) {
		if (c->vfd >= 0)
			close(c->vfd);
		free(c->buf);
		memset(c, 0, sizeof *c);
		c->fd = c->vfd = -1;
		close(fd);
		return;
	}
	/* from here the reader reads the copy: the bundle is what it holds */
	fclose(w->r.f);
	w->r.f = f;
	w->r.size = size;
	c->fd = fd;
	/* in memory, sealed: not even a program of the same user writing
	 * through /proc changes it from here (a file refuses the seals) */
	(void)fcntl(fd, F_ADD_SEALS,
		    F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	void *m = size ? mmap(NULL, (size_t)size, PROT_READ,
			      MAP_SHARED | MAP_POPULATE, fd, 0)
		       : MAP_FAILED;
	if (m != MAP_FAILED) {
		c->map = m;
		c->size = (size_t)size;
	}
}

void copy_free(walk *w)
{
	import_copy *c = &w->copy;
	if (c->fd < 0)
		return;
	if (c->map)
		munmap((void *)c->map, c->size);
	close(c->vfd);
	free(c->buf);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

int copy_values_add(walk *w, const uint8_t digest[32], const uint8_t chain[32])
{
	import_copy *c = &w->copy;
	if (c->used == VALUES_STAGE) {
		if (sdx_pwrite_all(c->vfd, c->buf, c->used, c->written))
			return walk_fail(w, SDX_EIO,
					 "keeping the digests verified: %s",
					 strerror(errno));
		c->written += c->used;
		c->used = 0;
	}
	memcpy(c->buf + c->used, digest, 32);
	memcpy(c->buf + c->used + 32, chain, 32);
	c->used += 64;
	return 0;
}

int copy_values_rewind(walk *w)
{
	import_copy *c = &w->copy;
	if (c->used && sdx_pwrite_all(c->vfd, c->buf, c->used, c->written))
		return walk_fail(w, SDX_EIO, "keeping the digests verified: %s",
				 strerror(errno));
	c->written += c->used;
	c->used = c->have = 0;
	c->read = 0;
	return 0;
}

int copy_values_next(walk *w, uint8_t digest[32], uint8_t chain[32])
{
	import_copy *c = &w->copy;
	if (c->used == c->have) {
		size_t want = VALUES_STAGE;
		if (c->written - c->read < want)
			want = (size_t)(c->written - c->read);
		ssize_t n =
		    want ? pread(c->vfd, c->buf, want, (off_t)c->read) : 0;
		if (n < 64 || n % 64)
			return walk_fail(w, SDX_EBUNDLE,
					 "the operations verified and the ones "
					 "applied differ");
		c->read += (uint64_t)n;
		c->have = (size_t)n;
		c->used = 0;
	}
	memcpy(digest, c->buf + c->used, 32);
	memcpy(chain, c->buf + c->used + 32, 32);
	c->used += 64;
	return 0;
}
