/* test_bigmem.c: a batch's growing arrays (bigmem.c) in memory while
 * small, then in a shared mapping of an unlinked file in the database's
 * directory, and in memory again when the file cannot grow; never a
 * byte lost on the way. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mapped.h"
#include "store.h"

static char dir[64];

static void mkdir_tmp(void)
{
	snprintf(dir, sizeof dir, "/tmp/sdx-bigmem-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	rmdir(dir);
}

TestSuite(bigmem, .init = mkdir_tmp, .fini = rm_tmp);

/* Grow one element at a time to n, writing element i as it comes, then
 * check every one: a move or growth that lost or shifted bytes shows. */
static void fill_and_check(struct bigmem *m, const char *d, uint32_t **a,
			   size_t *cap, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(bigmem_grow(m, d, a, cap, i + 1, sizeof **a, 1024),
			     0, "element %zu", i);
		(*a)[i] = (uint32_t)(i * 2654435761u);
	}
	cr_assert_geq(*cap, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq((*a)[i], (uint32_t)(i * 2654435761u),
			     "element %zu", i);
}

Test(bigmem, small_stays_in_memory)
{
	struct bigmem m = {0};
	uint32_t *a = NULL;
	size_t cap = 0;
	fill_and_check(&m, dir, &a, &cap, 100000); /* 400 KB */
	cr_assert_eq(m.file, 0);
	cr_assert_eq(file_mapped_in(dir), 0);
	bigmem_free(&m, &a);
	cr_assert_null(a);
}

Test(bigmem, large_moves_to_an_unlinked_file)
{
	struct bigmem m = {0};
	uint32_t *a = NULL;
	size_t cap = 0;
	/* 10 million elements, 40 MB: moved at 16 MiB, grown once more */
	fill_and_check(&m, dir, &a, &cap, 10000000);
	cr_assert_eq(m.file, 1);
	cr_assert_eq(m.bytes, cap * sizeof *a);
	cr_assert_eq(file_mapped_in(dir), m.bytes);
	bigmem_free(&m, &a);
	cr_assert_null(a);
	cr_assert_eq(file_mapped_in(dir), 0);
	cr_assert_eq(m.file, 0);
}

Test(bigmem, no_directory_keeps_memory)
{
	struct bigmem m = {0};
	uint32_t *a = NULL;
	size_t cap = 0;
	fill_and_check(&m, "/nonexistent/scamdex", &a, &cap, 10000000);
	cr_assert_eq(m.file, 0);
	cr_assert_eq(m.nofile, 1);
	bigmem_free(&m, &a);
}

/* The file may not pass 40 MiB (a file size limit, as a full disk): the
 * array moves to the file at 32 MiB, cannot grow it to 64 and goes on in
 * memory with every element. */
Test(bigmem, file_that_cannot_grow_goes_back_to_memory)
{
	struct rlimit rl = {(rlim_t)40 << 20, (rlim_t)40 << 20};
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	struct bigmem m = {0};
	uint32_t *a = NULL;
	size_t cap = 0;
	fill_and_check(&m, dir, &a, &cap, (size_t)8 << 20); /* 32 MiB */
	cr_assert_eq(m.file, 1, "in the file at 32 MiB");
	fill_and_check(&m, dir, &a, &cap, (size_t)12 << 20); /* 48 MiB */
	cr_assert_eq(m.file, 0);
	cr_assert_eq(m.nofile, 1);
	cr_assert_eq(file_mapped_in(dir), 0);
	bigmem_free(&m, &a);
}
