/* bench-baseline.c: the raw LMDB and SQLite baselines of the benchmark
 * (tools/bench/bench.sh), run on the same keys as scamdex.
 *
 *   bench-baseline synth N DIR
 *       a deterministic synthetic data set of N identifiers (used when
 *       scamdex-gen is not built): DIR/reports.tsv, hits.keys, miss.keys
 *   bench-baseline keys REPORTS HITS UNIFORM
 *       the distinct identifiers and the look-ups' distribution (one JSON
 *       line), and UNIFORM: as many hits, drawn uniformly over the
 *       reported identifiers
 *   bench-baseline lmdb|sqlite REPS WORKDIR REPORTS HITS MISS [UNIFORM]
 *       REPS loads of REPORTS, then look-ups on the last one
 *   bench-baseline lmdb-load|sqlite-load REPS WORKDIR REPORTS
 *   bench-baseline lmdb-get|sqlite-get REPS WORKDIR HITS MISS [UNIFORM]
 *       the same in two steps (bench.sh interleaves the look-ups of
 *       every system, so that a busy machine weighs on all alike)
 *
 * REPORTS has one report a line: "<count>\t<key>...\t<day>\t<agency>\t
 * <category>\t<police>\t<body>" (tools/bench/bench-prep.py), where a key
 * is the kind digit followed by the canonical form ("1+84795555373"), day
 * the incident date in days since 1970, and body the report's stored
 * form. HITS, MISS and UNIFORM hold one key a line. Keys are stored as the
 * kind byte followed by the canonical bytes, as scamdex stores them;
 * nothing is normalized here. Both baselines keep one flat table,
 * identifier -> a summary as large as scamdex's (baseline.h), built from
 * the reports' meta fields, beside the reports and the identifier ->
 * reports table; a look-up reads the summary and its time windows, with
 * today = $SCAMDEX_TODAY as scamdex's check.
 *
 * Every measurement is one JSON line on standard output:
 *   {"metric":"check_1t","system":"lmdb","rep":1,"ops":N,"secs":S,
 *    "cpu_secs":C}
 * Loads print "import" (the store's work on parsed, sorted input),
 * "parse" and "sort" (reading and parsing REPORTS, sorting its keys), and
 * "import_1t" (all three, one thread, as scamdex-import --threads 1 does
 * from its CSV). Look-ups run once untimed (warm), then REPS timed
 * passes: check_1t, check_2t, check_miss, check_mixed_1_1 (hit, miss,
 * hit...), check_mixed_1_9 (a hit, nine misses...), check_1t_uniform. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: bench-baseline synth N DIR\n"
		"       bench-baseline keys REPORTS HITS UNIFORM\n"
		"       bench-baseline lmdb|sqlite REPS WORKDIR REPORTS HITS "
		"MISS [UNIFORM]\n"
		"       bench-baseline lmdb-load|sqlite-load REPS WORKDIR "
		"REPORTS\n"
		"       bench-baseline lmdb-get|sqlite-get REPS WORKDIR HITS "
		"MISS [UNIFORM]\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "synth") == 0)
		return cmd_synth(strtoull(argv[2], NULL, 10), argv[3]);
	if (argc == 5 && strcmp(argv[1], "keys") == 0)
		return cmd_keys(argv[2], argv[3], argv[4]);
	if (argc < 5)
		return usage();
	const char *mode = argv[1];
	size_t sys_len = strcspn(mode, "-");
	const char *what = mode + sys_len; /* "", "-load" or "-get" */
	int load = strcmp(what, "-get") != 0, get = strcmp(what, "-load") != 0;
	int want = 4 + load + 2 * get;
	if ((*what && !strcmp(what, "-load") == !strcmp(what, "-get")) ||
	    (argc != want && !(get && argc == want + 1)))
		return usage();
	int reps = atoi(argv[2]);
	if (reps < 1)
		return usage();
	struct dataset ds = {0};
	struct keylist hits = {0}, miss = {0}, uniform = {0};
	struct prep_times t = {0};
	int a = 4;
	if (load && load_dataset(argv[a++], &ds, &t))
		return 1;
	if (get &&
	    (load_keylist(argv[a], &hits) || load_keylist(argv[a + 1], &miss) ||
	     (argc == want + 1 && load_keylist(argv[a + 2], &uniform))))
		return 1;
	const struct keylist *u = argc == want + 1 ? &uniform : NULL;
	int rc;
	if (sys_len == 4 && strncmp(mode, "lmdb", 4) == 0)
		rc = cmd_lmdb(reps, argv[3], load ? &ds : NULL, &t,
			      get ? &hits : NULL, &miss, u);
	else if (sys_len == 6 && strncmp(mode, "sqlite", 6) == 0)
		rc = cmd_sqlite(reps, argv[3], load ? &ds : NULL, &t,
				get ? &hits : NULL, &miss, u);
	else
		rc = usage();
	free_dataset(&ds);
	free_keylist(&hits);
	free_keylist(&miss);
	free_keylist(&uniform);
	return rc;
}
