/* baseline.h: what the parts of bench-baseline share (tools/bench/
 * bench-baseline.c, baseline-data.c, baseline-lookup.c, baseline-lmdb.c,
 * baseline-sqlite.c). */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "bench-pass.h" /* now, cpu_now, thread_cpu, fail, emit, get_fn */

/* The value both baselines keep per identifier: as large as scamdex's
 * entity summary without a bank view (ENTITY_BASE_LEN in core/store/store.h),
 * in the same layout
 * (little-endian): u8 version, u8 flags, u8 max confirmation, u8 0, u32
 * reports, u32 retracted, u32 agencies, u32 category bits, i32 first
 * seen, i32 last seen, u32 disputed, u32 undated, 3 x i32 the next newest
 * incident dates after last seen (newest first), u64 the one agency. */
#define SUMMARY_LEN 56
#define SUMMARY_RECENT 4 /* last seen and 3 older dates */
#define DATE_NONE INT32_MIN

struct key {
	const char *p;
	uint32_t len;
	uint32_t report; /* index of the report naming it */
};

struct report {
	const char *body;
	uint32_t body_len;
	uint32_t first_key;
	uint32_t nkeys;
	int32_t day; /* incident date, days since 1970 */
	uint16_t agency;
	uint8_t category;
	uint8_t police; /* confirmed by police */
};

struct dataset {
	char *buf;
	struct report *reports;
	size_t nreports;
	struct key *keys; /* in input order */
	size_t nkeys;
};

struct keylist {
	char *buf;
	struct key *keys;
	size_t n;
};

/* The reports' keys sorted (memcmp order, shorter first, then report),
 * and where each identifier's run starts: the identifiers are
 * keys[start[i]] for i < ndistinct, start[ndistinct] = nkeys. */
struct sorted {
	struct key *keys;
	size_t nkeys;
	size_t *start;
	size_t ndistinct;
};

/* Times of the steps before a load, for import_1t (one thread: parse,
 * sort, load) and the table. */
struct prep_times {
	double parse, parse_cpu, sort, sort_cpu;
};

/* ---- baseline-data.c ---- */
/* dir + "/" + name into path[PATH_MAX]; 1 (and a message) if too long. */
int join(char *path, const char *dir, const char *name);
void remove_db(const char *dir, const char *const *names);
int load_keylist(const char *path, struct keylist *kl);
void free_keylist(struct keylist *kl);
/* Reads and parses REPORTS (timed into t->parse). */
int load_dataset(const char *path, struct dataset *ds, struct prep_times *t);
void free_dataset(struct dataset *ds);
/* Sorts the keys and finds the identifiers (timed into t->sort). */
int sort_keys(const struct dataset *ds, struct sorted *s, struct prep_times *t);
void free_sorted(struct sorted *s);
/* Identifier i's summary, from its reports. */
void summarize(const struct dataset *ds, const struct sorted *s, size_t i,
	       uint8_t out[SUMMARY_LEN]);
/* Reads a summary as a check does: reports, and the 3-day, 30-day and
 * 6-month windows from its dates; returns the number of reports (0 if
 * the value is not a summary). */
uint32_t summary_read(const void *v, size_t len, int32_t today,
		      uint32_t windows[3]);
/* $SCAMDEX_TODAY (YYYY-MM-DD) or today's date (UTC), in days since 1970,
 * the way sdx_date_today reads it. */
int32_t bench_today(void);
void report_id(uint32_t index, uint8_t id[16]);
int cmd_synth(uint64_t n, const char *dir);
int cmd_keys(const char *reports, const char *hits, const char *uniform_out);

/* ---- baseline-lookup.c ---- */
void emit_size(const char *system, uint64_t bytes, size_t reports);
/* One load of ds is timed (into path by load) REPS times, each after
 * removing the files named by files[] in dir: the lines parse and sort
 * (t's, once), then import and import_1t (parse + sort + load) per rep,
 * as `system`. The last load is kept. 0, or 1 after the message. */
int timed_loads(const char *system, int reps, const struct dataset *ds,
		struct prep_times *t, const char *dir, const char *const *files,
		const char *path,
		int (*load)(const char *path, const struct dataset *ds,
			    const struct sorted *s));
/* The keys' passes (bench-pass.h's pass_streams). */
int run_lookups(const char *system, int reps, const struct keylist *hits,
		const struct keylist *miss, const struct keylist *uniform,
		void **ctx, get_fn get);

/* ---- baseline-lmdb.c, baseline-sqlite.c ---- */
/* ds NULL: no load; hits NULL: no look-ups. */
int cmd_lmdb(int reps, const char *work, const struct dataset *ds,
	     struct prep_times *t, const struct keylist *hits,
	     const struct keylist *miss, const struct keylist *uniform);
int cmd_sqlite(int reps, const char *work, const struct dataset *ds,
	       struct prep_times *t, const struct keylist *hits,
	       const struct keylist *miss, const struct keylist *uniform);

#endif
