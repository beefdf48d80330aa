/* test_spill.c: a batch's bodies (spill.c) in memory, then in an unlinked
 * file in the database's directory, and back in memory when the file
 * cannot be made or written. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "store.h"

static char dir[64];

static void mkdir_tmp(void)
{
	snprintf(dir, sizeof dir, "/tmp/sdx-spill-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	rmdir(dir);
}

TestSuite(spill, .init = mkdir_tmp, .fini = rm_tmp);

/* Record i: its length and bytes depend on i, so a record read at the
 * wrong offset or with stale bytes differs. */
static size_t rec_len(size_t i)
{
	return 100 + (i * 37) % 400;
}

static void rec_fill(size_t i, uint8_t *p)
{
	for (size_t k = 0; k < rec_len(i); k++)
		p[k] = (uint8_t)(i * 131 + k * 7);
}

/* Append records [0, n) (plus one of `big` bytes after the first half if
 * big > 0) and check every one through the sealed view. */
static void fill_and_check(struct spill *s, const char *d, size_t n, size_t big)
{
	uint8_t buf[512];
	size_t *off = malloc(n * sizeof *off), big_off = 0;
	uint8_t *bigbuf = big ? malloc(big) : NULL;
	for (size_t k = 0; k < big; k++)
		bigbuf[k] = (uint8_t)(k * 13);
	for (size_t i = 0; i < n; i++) {
		rec_fill(i, buf);
		cr_assert_eq(spill_append(s, d, buf, rec_len(i), &off[i]), 0);
		if (big && i == n / 2)
			cr_assert_eq(spill_append(s, d, bigbuf, big, &big_off),
				     0);
	}
	const uint8_t *base;
	cr_assert_eq(spill_seal(s, &base), 0);
	for (size_t i = 0; i < n; i++) {
		rec_fill(i, buf);
		cr_assert_eq(memcmp(base + off[i], buf, rec_len(i)), 0,
			     "record %zu", i);
	}
	if (big)
		cr_assert_eq(memcmp(base + big_off, bigbuf, big), 0);
	free(off);
	free(bigbuf);
}

/* Does this process hold an unlinked file that was in dir? */
static int holds_deleted_file_in(const char *d)
{
	DIR *fds = opendir("/proc/self/fd");
	struct dirent *e;
	char link[300], target[512];
	int found = 0;
	cr_assert_not_null(fds);
	while ((e = readdir(fds))) {
		snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (!strncmp(target, d, strlen(d)) &&
		    strstr(target, "(deleted)"))
			found = 1;
	}
	closedir(fds);
	return found;
}

Test(spill, small_stays_in_memory)
{
	struct spill s = {0};
	fill_and_check(&s, dir, 1000, 0);
	cr_assert_eq(s.file, 0);
	cr_assert_not(holds_deleted_file_in(dir));
	spill_free(&s);
}

Test(spill, large_goes_to_an_unlinked_file_and_is_reused)
{
	struct spill s = {0};
	/* ~60,000 records of 100..499 bytes: past 16 MiB; one append
	 * bigger than the staging buffer */
	fill_and_check(&s, dir, 60000, (size_t)3 << 20);
	cr_assert_eq(s.file, 1);
	cr_assert(holds_deleted_file_in(dir));
	cr_assert_lt(s.cap, (size_t)2 << 20, "memory is only the staging");
	/* a second batch in the same file, shorter than the first */
	spill_clear(&s);
	cr_assert_eq(s.len, 0);
	fill_and_check(&s, dir, 50000, 0);
	cr_assert_eq(s.file, 1);
	spill_free(&s);
	cr_assert_not(holds_deleted_file_in(dir));
}

Test(spill, no_directory_keeps_memory)
{
	struct spill s = {0};
	fill_and_check(&s, "/nonexistent/scamdex", 60000, 0);
	cr_assert_eq(s.file, 0);
	cr_assert_eq(s.nofile, 1);
	cr_assert_geq(s.cap, s.len);
	spill_free(&s);
}

/* The file's writes fail (file size limit, as on a full disk): what it
 * held comes back into memory and nothing is lost. */
Test(spill, failed_file_write_falls_back_to_memory)
{
	struct rlimit rl = {(rlim_t)24 << 20, (rlim_t)24 << 20};
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	struct spill s = {0};
	fill_and_check(&s, dir, 120000, 0); /* ~35 MiB */
	cr_assert_eq(s.file, 0);
	cr_assert_eq(s.nofile, 1);
	cr_assert_gt(s.len, (size_t)30 << 20);
	spill_free(&s);
}
