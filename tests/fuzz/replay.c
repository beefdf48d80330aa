/* replay.c: run files through a fuzz target without libFuzzer, so that
 * every `meson test` replays the seed corpus and every regression case.
 *
 *   replay-<target> PATH...
 *
 * A PATH is a file or a directory (its regular files, in name order; not
 * recursive). Each file is read into a buffer of exactly its size, so that
 * an over-read is caught by ASan or valgrind. Exit 0 when every input ran;
 * a crashing input crashes this program, naming the file first on stderr.
 * A missing PATH is an error: a corpus that silently vanished would
 * otherwise make the test pass on nothing. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, size_t *count)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		fclose(f);
		return -1;
	}
	size_t size = (size_t)st.st_size;
	/* malloc(0) may return NULL; keep a real (empty) allocation. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		fclose(f);
		return -1;
	}
	if (size && fread(buf, 1, size, f) != size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* Name the input before running it: if it crashes, this is the last
	 * line printed. */
	if (getenv("REPLAY_VERBOSE"))
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput(buf, size);
	free(buf);
	(*count)++;
	return 0;
}

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);

	struct dirent **names;
	int n = scandir(path, &names, only_files, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char full[4096];
		int len = snprintf(full, sizeof full, "%s/%s", path,
				   names[i]->d_name);
		if (rc == 0 && len > 0 && (size_t)len < sizeof full) {
			struct stat fst;
			if (stat(full, &fst) == 0 && S_ISREG(fst.st_mode))
				rc = run_file(full, count);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	size_t count = 0;
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count) != 0)
			return 1;
	printf("replay: %zu inputs\n", count);
	return 0;
}
