/* baseline-lookup.c: the baselines' timed runs: loads (parse, sort,
 * import, import_1t), the size line, and the look-up passes on their key
 * lists (bench-pass.c, shared with bench-inproc). */
#include <inttypes.h>
#include <stdio.h>

#include "baseline.h"

void emit_size(const char *system, uint64_t bytes, size_t reports)
{
	printf("{\"metric\":\"size\",\"system\":\"%s\",\"bytes\":%" PRIu64
	       ",\"reports\":%zu}\n",
	       system, bytes, reports);
	fflush(stdout);
}

int timed_loads(const char *system, int reps, const struct dataset *ds,
		struct prep_times *t, const char *dir, const char *const *files,
		const char *path,
		int (*load)(const char *path, const struct dataset *ds,
			    const struct sorted *s))
{
	struct sorted s;
	if (sort_keys(ds, &s, t))
		return 1;
	emit("parse", system, 1, ds->nreports, t->parse, t->parse_cpu);
	emit("sort", system, 1, ds->nreports, t->sort, t->sort_cpu);
	/* the last load is kept for the size and the look-ups */
	for (int rep = 1; rep <= reps; rep++) {
		remove_db(dir, files);
		double t0 = now(), c0 = cpu_now();
		if (load(path, ds, &s)) {
			free_sorted(&s);
			return 1;
		}
		double secs = now() - t0, cpu = cpu_now() - c0;
		emit("import", system, rep, ds->nreports, secs, cpu);
		emit("import_1t", system, rep, ds->nreports,
		     t->parse + t->sort + secs,
		     t->parse_cpu + t->sort_cpu + cpu);
	}
	free_sorted(&s);
	return 0;
}

int run_lookups(const char *system, int reps, const struct keylist *hits,
		const struct keylist *miss, const struct keylist *uniform,
		void **ctx, get_fn get)
{
	struct pass_list h = PASS_LIST(hits), m = PASS_LIST(miss), u = {0};
	if (uniform)
		u = PASS_LIST(uniform);
	return pass_streams(system, reps, &h, &m, uniform ? &u : NULL, ctx,
			    get);
}
