/* killshim.c: an LD_PRELOAD library for tests/import/crash.sh that
 * kills its process (SIGKILL) at a chosen event instead of a chosen time:
 *
 *   SDX_KILL_AT=data:K    the K-th commit, before its data is synced
 *                         (pages written into the map, meta page not)
 *   SDX_KILL_AT=synced:K  the K-th commit, its data synced, before its
 *                         meta page is written
 *   SDX_KILL_AT=after:K   just after the K-th commit (meta page synced)
 *   SDX_KILL_AT=spill:K   at the K-th write to a batch's spill file (an
 *                         O_TMPFILE file: reports waiting for the commit)
 *   SDX_KILL_LOG=FILE     gets one line, what the kill interrupted, just
 *                         before the kill; nothing if the event never came
 *
 * A writable scamdex database is opened with MDB_WRITEMAP, so a commit
 * is msync of the whole map (the data), then the meta page written in
 * the map and msync of that one page: the meta msync (one page long)
 * ends a commit, any longer msync is a commit's data. Test code only. */
#undef _FILE_OFFSET_BITS /* open and open64, pwrite and pwrite64 apart */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* the next definition of NAME (POSIX's way to a function from dlsym) */
#define REAL(fn, name) (*(void **)&(fn) = dlsym(RTLD_NEXT, name))

enum { K_NONE, K_DATA, K_SYNCED, K_AFTER, K_SPILL };

static int kind = -1;
static long at;
static atomic_long commits, spill_writes;
static atomic_int spill_fds[16];

static void setup(void)
{
	if (kind >= 0)
		return;
	const char *s = getenv("SDX_KILL_AT");
	int k = K_NONE;
	long n = 0;
	char word[16];
	if (s && sscanf(s, "%15[a-z]:%ld", word, &n) == 2 && n > 0) {
		if (!strcmp(word, "data"))
			k = K_DATA;
		else if (!strcmp(word, "synced"))
			k = K_SYNCED;
		else if (!strcmp(word, "after"))
			k = K_AFTER;
		else if (!strcmp(word, "spill"))
			k = K_SPILL;
	}
	at = n;
	kind = k;
}

static void die(const char *what, long n)
{
	const char *path = getenv("SDX_KILL_LOG");
	if (path) {
		FILE *f = fopen(path, "a");
		if (f) {
			fprintf(f, "%s %ld\n", what, n);
			fclose(f);
		}
	}
	kill(getpid(), SIGKILL);
	pause();
}

int msync(void *addr, size_t len, int flags)
{
	static int (*real)(void *, size_t, int);
	if (!real)
		REAL(real, "msync");
	setup();
	long page = sysconf(_SC_PAGESIZE);
	if (len > (size_t)page) { /* a commit's data */
		long n = atomic_load(&commits) + 1;
		if (kind == K_DATA && n == at)
			die("killed before the data of commit", n);
		int rc = real(addr, len, flags);
		if (kind == K_SYNCED && n == at)
			die("killed after the data of commit, before its meta "
			    "page,",
			    n);
		return rc;
	}
	int rc = real(addr, len, flags); /* the meta page: a commit ends */
	long n = atomic_fetch_add(&commits, 1) + 1;
	if (kind == K_AFTER && n == at)
		die("killed after commit", n);
	return rc;
}

static int is_spill(int fd)
{
	for (int i = 0; i < 16; i++)
		if (atomic_load(&spill_fds[i]) == fd + 1)
			return 1;
	return 0;
}

static void opened(int fd, int flags)
{
	if (fd < 0 || (flags & O_TMPFILE) != O_TMPFILE)
		return;
	for (int i = 0; i < 16; i++) {
		int zero = 0;
		if (atomic_compare_exchange_strong(&spill_fds[i], &zero,
						   fd + 1))
			return;
	}
}

static void closed(int fd)
{
	for (int i = 0; i < 16; i++) {
		int want = fd + 1;
		atomic_compare_exchange_strong(&spill_fds[i], &want, 0);
	}
}

#define OPEN_WRAPPER(name)                                                     \
	int name(const char *path, int flags, ...)                             \
	{                                                                      \
		static int (*real)(const char *, int, ...);                    \
		if (!real)                                                     \
			REAL(real, #name);                                     \
		mode_t mode = 0;                                               \
		if (flags & (O_CREAT | O_TMPFILE)) {                           \
			va_list ap;                                            \
			va_start(ap, flags);                                   \
			mode = va_arg(ap, mode_t);                             \
			va_end(ap);                                            \
		}                                                              \
		int fd = real(path, flags, mode);                              \
		opened(fd, flags);                                             \
		return fd;                                                     \
	}
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

int close(int fd)
{
	static int (*real)(int);
	if (!real)
		REAL(real, "close");
	closed(fd);
	return real(fd);
}

static void spill_write(int fd)
{
	setup();
	if (!is_spill(fd))
		return;
	long n = atomic_fetch_add(&spill_writes, 1) + 1;
	if (kind == K_SPILL && n == at)
		die("killed at spill write", n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	if (!real)
		REAL(real, "pwrite");
	spill_write(fd);
	return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	if (!real)
		REAL(real, "pwrite64");
	spill_write(fd);
	return real(fd, buf, n, off);
}
