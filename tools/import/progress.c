/* progress.c: the progress bar on standard error (terminals only). */
#include <stdio.h>
#include <time.h>

#include "import.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, int enabled, uint64_t total_bytes)
{
	p->enabled = enabled;
	p->total_bytes = total_bytes;
	p->bytes = 0;
	p->rows = 0;
	atomic_store(&p->writing, 0);
	p->start = p->last = enabled ? now() : 0;
}

static void draw(struct progress *p, double t)
{
	size_t writing = atomic_load(&p->writing);
	double elapsed = t - p->start;
	double rate = elapsed > 0 ? (double)p->rows / elapsed : 0;

	if (p->total_bytes > 0) {
		double frac = (double)p->bytes / (double)p->total_bytes;
		int width = 24, fill;
		char bar[32];
		if (frac > 1)
			frac = 1;
		fill = (int)(frac * width);
		for (int i = 0; i < width; i++)
			bar[i] = i < fill ? '#' : '-';
		bar[width] = '\0';
		fprintf(stderr, "\r[%s] %3d%%  %llu rows  %.0f rows/s  ", bar,
			(int)(frac * 100), (unsigned long long)p->rows, rate);
		if (!writing) {
			double left = frac > 0 ? elapsed / frac - elapsed : 0;
			fprintf(stderr, "%d:%02d left ", (int)left / 60,
				(int)left % 60);
		}
	} else {
		fprintf(stderr, "\r%llu rows  %.0f rows/s  ",
			(unsigned long long)p->rows, rate);
	}
	/* a large batch takes seconds to write: say so, not a stale "left" */
	if (writing)
		fprintf(stderr, "writing %zu rows to the database...", writing);
	fputs("\033[K", stderr);
	fflush(stderr);
}

void progress_writing(struct progress *p, size_t rows)
{
	atomic_store(&p->writing, rows);
}

void progress_redraw(struct progress *p)
{
	if (!p->enabled)
		return;
	p->last = now();
	draw(p, p->last);
}

void progress_update(struct progress *p, uint64_t rows, uint64_t bytes)
{
	double t;

	if (!p->enabled)
		return;
	p->rows = rows;
	p->bytes = bytes;
	t = now();
	if (t - p->last < 0.2)
		return;
	p->last = t;
	draw(p, t);
}

void progress_end(struct progress *p)
{
	if (!p->enabled)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
}
