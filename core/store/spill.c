/* spill.c: the bytes a batch keeps until its commit (the encoded
 * reports), in anonymous memory while they are few, then in an unlinked
 * file next to the database.
 *
 * A batch is written in key order at its commit, and the larger the
 * batch the fewer times the commit rewrites the same B-tree pages (1M
 * reports in one batch instead of four of 250,000: 4.6 against 5.9 s).
 * The bodies are most of a batch's memory (about 220 of 400 bytes a
 * report); in a file they are page cache the kernel can write back and
 * drop under pressure, so a large batch does not hold hundreds of MiB of
 * anonymous memory. Appends go through a staging buffer and pwrite (no
 * page faults); spill_seal maps the file read-only for the commit. If
 * the file cannot be made or written (no O_TMPFILE, full disk), the
 * bytes come back into memory and the batch goes on there. */
#define _GNU_SOURCE
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "grow.h"
#include "pwrite_all.h"

/* anonymous bytes before a file is used, and the staging buffer after */
#define SPILL_AT ((size_t)16 << 20)
#define SPILL_STAGE ((size_t)1 << 20)

static void unmap(struct spill *s)
{
	if (s->map)
		munmap(s->map, s->maplen);
	s->map = NULL;
	s->maplen = 0;
}

void spill_free(struct spill *s)
{
	unmap(s);
	if (s->file)
		close(s->fd);
	free(s->mem);
	memset(s, 0, sizeof *s);
}

void spill_clear(struct spill *s)
{
	unmap(s);
	/* the file's pages are dropped without being written back */
	if (s->file && ftruncate(s->fd, 0) != 0) {
		close(s->fd);
		s->file = 0;
		s->nofile = 1;
	}
	s->len = s->staged = s->flushed = 0;
}

/* The file's bytes back into memory: the batch goes on without it. */
static int unspill(struct spill *s)
{
	size_t len = s->len;
	uint8_t *m = malloc(len ? len : 1);
	if (!m)
		return SDX_ENOMEM;
	size_t got = 0;
	while (got < s->flushed) {
		ssize_t r = pread(s->fd, m + got, s->flushed - got, (off_t)got);
		if (r <= 0) {
			free(m);
			return r < 0 && errno == ENOMEM ? SDX_ENOMEM : SDX_EIO;
		}
		got += (size_t)r;
	}
	memcpy(m + s->flushed, s->mem, s->staged);
	unmap(s);
	close(s->fd);
	s->file = 0;
	s->nofile = 1;
	free(s->mem);
	s->mem = m;
	s->cap = len ? len : 1;
	s->staged = s->flushed = 0;
	return 0;
}

static int flush_stage(struct spill *s)
{
	if (!s->staged)
		return 0;
	if (sdx_pwrite_all(s->fd, s->mem, s->staged, s->flushed))
		return unspill(s);
	s->flushed += s->staged;
	s->staged = 0;
	return 0;
}

/* Move what memory holds into a new unlinked file in dir. */
static void start_file(struct spill *s, const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		s->nofile = 1;
		return;
	}
	if (sdx_pwrite_all(fd, s->mem, s->len, 0)) {
		close(fd);
		s->nofile = 1;
		return;
	}
	s->fd = fd;
	s->file = 1;
	s->flushed = s->len;
	s->staged = 0;
	/* memory shrinks to the staging buffer */
	uint8_t *m = realloc(s->mem, SPILL_STAGE);
	if (m) {
		s->mem = m;
		s->cap = SPILL_STAGE;
	}
}

int spill_append(struct spill *s, const char *dir, const uint8_t *p, size_t n,
		 size_t *off)
{
	int rc;
	unmap(s); /* a sealed view ends with the next append */
	*off = s->len;
	if (!s->file && !s->nofile && dir && s->len + n > SPILL_AT)
		start_file(s, dir);
	if (!s->file) {
		if ((rc = sdx_grow(&s->mem, &s->cap, s->len + n, 1, 4096)))
			return rc;
		memcpy(s->mem + s->len, p, n);
		s->len += n;
		return 0;
	}
	if (s->staged + n > s->cap && (rc = flush_stage(s)))
		return rc;
	if (!s->file) /* flush_stage fell back to memory */
		return spill_append(s, dir, p, n, off);
	if (n > s->cap) {
		if (sdx_pwrite_all(s->fd, p, n, s->flushed)) {
			if ((rc = unspill(s)))
				return rc;
			return spill_append(s, dir, p, n, off);
		}
		s->flushed += n;
	} else {
		memcpy(s->mem + s->staged, p, n);
		s->staged += n;
	}
	s->len += n;
	return 0;
}

int spill_reserve(struct spill *s, size_t n)
{
	if (s->file)
		return 0;
	size_t want = s->len + n;
	if (!s->nofile && want > SPILL_AT)
		want = SPILL_AT;
	return sdx_grow(&s->mem, &s->cap, want, 1, 4096);
}

int spill_seal(struct spill *s, const uint8_t **base)
{
	int rc;
	if (!s->file || s->len == 0) {
		*base = s->mem;
		return 0;
	}
	if (!s->map) {
		if ((rc = flush_stage(s)))
			return rc;
		if (!s->file)
			return spill_seal(s, base);
		void *m = mmap(NULL, s->len, PROT_READ,
			       MAP_SHARED | MAP_POPULATE, s->fd, 0);
		if (m == MAP_FAILED) {
			if ((rc = unspill(s)))
				return rc;
			return spill_seal(s, base);
		}
		s->map = m;
		s->maplen = s->len;
	}
	*base = s->map;
	return 0;
}
