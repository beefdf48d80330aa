/* mapped.h: what this process maps of files deleted from a directory
 * (the unlinked files a batch keeps its arrays in, core/store/bigmem.c). */
#ifndef SCAMDEX_TESTS_MAPPED_H
#define SCAMDEX_TESTS_MAPPED_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

/* Bytes of this process's mappings of deleted files that were in d. */
static inline size_t file_mapped_in(const char *d)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	size_t total = 0;
	cr_assert_not_null(f);
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b;
		char *path = strchr(line, '/');
		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && path &&
		    !strncmp(path, d, strlen(d)) && strstr(path, "(deleted)"))
			total += b - a;
	}
	fclose(f);
	return total;
}

#endif
