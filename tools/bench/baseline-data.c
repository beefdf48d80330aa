/* baseline-data.c: the baselines' input (reports, key lists), sorting,
 * the per-identifier summaries, the key statistics and the synthetic data
 * set of bench-baseline. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"

int fail(const char *what, const char *detail)
{
	fprintf(stderr, "bench-baseline: %s: %s\n", what, detail);
	return 1;
}

int join(char *path, const char *dir, const char *name)
{
	int n = snprintf(path, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX)
		return fail(dir, "path too long");
	return 0;
}

void remove_db(const char *dir, const char *const *names)
{
	char path[PATH_MAX];
	for (; *names; names++)
		if (join(path, dir, *names) == 0)
			unlink(path);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		fclose(f);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[st.st_size] = '\0';
		*len = (size_t)st.st_size;
	}
	return buf;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = buf;
	     (p = memchr(p, '\n', len - (size_t)(p - buf))); p++)
		n++;
	return n;
}

int load_keylist(const char *path, struct keylist *kl)
{
	size_t len;
	kl->buf = slurp(path, &len);
	if (!kl->buf)
		return fail(path, strerror(errno));
	kl->keys = calloc(count_lines(kl->buf, len) + 1, sizeof *kl->keys);
	if (!kl->keys)
		return fail(path, "out of memory");
	kl->n = 0;
	char *p = kl->buf, *end = kl->buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl > p) {
			if (*p < '1' || *p > '9')
				return fail(path,
					    "a line without a kind digit");
			kl->keys[kl->n].p = p;
			kl->keys[kl->n].len = (uint32_t)(nl - p);
			kl->n++;
		}
		p = nl + 1;
	}
	/* The kind digit becomes the one-byte kind tag. */
	for (size_t i = 0; i < kl->n; i++)
		((char *)kl->keys[i].p)[0] -= '0';
	return 0;
}

void free_keylist(struct keylist *kl)
{
	free(kl->buf);
	free(kl->keys);
	kl->buf = NULL;
	kl->keys = NULL;
}

/* One number of a line and the tab after it; NULL if malformed. */
static char *field(char *p, long lo, long hi, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(p, &end, 10);
	if (errno || end == p || *end != '\t' || *v < lo || *v > hi)
		return NULL;
	return end + 1;
}

/* A line: "count TAB key... TAB day TAB agency TAB category TAB police
 * TAB body" (tools/bench/bench-prep.py). */
int load_dataset(const char *path, struct dataset *ds, struct prep_times *t)
{
	double t0 = now(), c0 = cpu_now();
	size_t len;
	ds->buf = slurp(path, &len);
	if (!ds->buf)
		return fail(path, strerror(errno));
	size_t lines = count_lines(ds->buf, len);
	size_t tabs = 0;
	for (size_t i = 0; i < len; i++)
		tabs += ds->buf[i] == '\t';
	ds->reports = calloc(lines + 1, sizeof *ds->reports);
	ds->keys = calloc(tabs + 1, sizeof *ds->keys);
	if (!ds->reports || !ds->keys)
		return fail(path, "out of memory");
	ds->nreports = ds->nkeys = 0;
	char *p = ds->buf, *end = ds->buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		char *tab;
		long v;
		unsigned long n = strtoul(p, &tab, 10);
		if (*tab != '\t' || n == 0)
			return fail(path, "bad line (want count, keys, meta, "
					  "body)");
		struct report *r = &ds->reports[ds->nreports];
		r->first_key = (uint32_t)ds->nkeys;
		r->nkeys = (uint32_t)n;
		p = tab + 1;
		for (unsigned long i = 0; i < n; i++) {
			tab = strchr(p, '\t');
			if (!tab || tab == p || *p < '1' || *p > '9')
				return fail(path, "bad key");
			*p -= '0';
			ds->keys[ds->nkeys].p = p;
			ds->keys[ds->nkeys].len = (uint32_t)(tab - p);
			ds->keys[ds->nkeys].report = (uint32_t)ds->nreports;
			ds->nkeys++;
			p = tab + 1;
		}
		if (!(p = field(p, 0, INT32_MAX, &v)))
			return fail(path, "bad day");
		r->day = (int32_t)v;
		if (!(p = field(p, 0, UINT16_MAX, &v)))
			return fail(path, "bad agency");
		r->agency = (uint16_t)v;
		if (!(p = field(p, 0, 31, &v)))
			return fail(path, "bad category");
		r->category = (uint8_t)v;
		if (!(p = field(p, 0, 1, &v)))
			return fail(path, "bad police flag");
		r->police = (uint8_t)v;
		r->body = p;
		r->body_len = (uint32_t)(nl - p);
		ds->nreports++;
		p = nl + 1;
	}
	t->parse = now() - t0;
	t->parse_cpu = cpu_now() - c0;
	return 0;
}

void free_dataset(struct dataset *ds)
{
	free(ds->buf);
	free(ds->reports);
	free(ds->keys);
	memset(ds, 0, sizeof *ds);
}

static int keycmp_only(const struct key *x, const struct key *y)
{
	uint32_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int keycmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = keycmp_only(x, y);
	if (c)
		return c;
	return x->report < y->report ? -1 : x->report > y->report;
}

int sort_keys(const struct dataset *ds, struct sorted *s, struct prep_times *t)
{
	double t0 = now(), c0 = cpu_now();
	s->keys = malloc((ds->nkeys + 1) * sizeof *s->keys);
	s->start = malloc((ds->nkeys + 1) * sizeof *s->start);
	if (!s->keys || !s->start)
		return fail("sort", "out of memory");
	memcpy(s->keys, ds->keys, ds->nkeys * sizeof *s->keys);
	qsort(s->keys, ds->nkeys, sizeof *s->keys, keycmp);
	/* exact repeats (a report naming a key twice) dropped */
	size_t out = 0, d = 0;
	for (size_t i = 0; i < ds->nkeys; i++) {
		int newkey = out == 0 ||
			     keycmp_only(&s->keys[out - 1], &s->keys[i]) != 0;
		if (!newkey && s->keys[out - 1].report == s->keys[i].report)
			continue;
		if (newkey)
			s->start[d++] = out;
		s->keys[out++] = s->keys[i];
	}
	s->nkeys = out;
	s->ndistinct = d;
	s->start[d] = out;
	if (t) {
		t->sort = now() - t0;
		t->sort_cpu = cpu_now() - c0;
	}
	return 0;
}

void free_sorted(struct sorted *s)
{
	free(s->keys);
	free(s->start);
	memset(s, 0, sizeof *s);
}

static void le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void summarize(const struct dataset *ds, const struct sorted *s, size_t i,
	       uint8_t out[SUMMARY_LEN])
{
	int32_t recent[SUMMARY_RECENT], first = INT32_MAX;
	int nrecent = 0;
	uint64_t agencies = 0;
	uint32_t categories = 0, police = 0;
	const struct report *one = NULL;
	for (size_t k = s->start[i]; k < s->start[i + 1]; k++) {
		const struct report *r = &ds->reports[s->keys[k].report];
		one = r;
		agencies |= (uint64_t)1 << (r->agency & 63);
		categories |= (uint32_t)1 << r->category;
		police |= r->police;
		if (r->day < first)
			first = r->day;
		/* the newest SUMMARY_RECENT dates, newest first */
		int at = nrecent;
		while (at > 0 && recent[at - 1] < r->day)
			at--;
		if (at < SUMMARY_RECENT) {
			int last = nrecent < SUMMARY_RECENT
				       ? nrecent
				       : SUMMARY_RECENT - 1;
			memmove(&recent[at + 1], &recent[at],
				(size_t)(last - at) * sizeof *recent);
			recent[at] = r->day;
			if (nrecent < SUMMARY_RECENT)
				nrecent++;
		}
	}
	memset(out, 0, SUMMARY_LEN);
	out[0] = 2;
	out[2] = police ? 2 : 1;
	le32_put(out + 4, (uint32_t)(s->start[i + 1] - s->start[i]));
	le32_put(out + 12, (uint32_t)__builtin_popcountll(agencies));
	le32_put(out + 16, categories);
	le32_put(out + 20, (uint32_t)first);
	le32_put(out + 24, (uint32_t)recent[0]);
	for (int k = 1; k < SUMMARY_RECENT; k++)
		le32_put(out + 36 + 4 * (k - 1),
			 (uint32_t)(k < nrecent ? recent[k] : DATE_NONE));
	if (one)
		le32_put(out + 48, one->agency);
}

uint32_t summary_read(const void *v, size_t len, int32_t today,
		      uint32_t windows[3])
{
	const uint8_t *b = v;
	if (len != SUMMARY_LEN || b[0] != 2)
		return 0;
	uint32_t reports = le32_get(b + 4);
	const int32_t starts[3] = {today - 2, today - 29, today - 182};
	for (int k = 0; k < SUMMARY_RECENT && (uint32_t)k < reports; k++) {
		int32_t d =
		    (int32_t)le32_get(k ? b + 36 + 4 * (k - 1) : b + 24);
		if (d == DATE_NONE || d > today)
			continue;
		for (int w = 0; w < 3; w++)
			windows[w] += d >= starts[w];
	}
	return reports;
}

/* days since 1970 of y-m-d (proleptic Gregorian) */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int32_t bench_today(void)
{
	const char *env = getenv("SCAMDEX_TODAY");
	int y, m, d, n = 0;
	if (env && sscanf(env, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    !env[n] && m >= 1 && m <= 12 && d >= 1 && d <= 31)
		return days_from_civil(y, m, d);
	return (int32_t)(time(NULL) / 86400);
}

/* A report id as scamdex keeps one: 16 bytes, big-endian. */
void report_id(uint32_t index, uint8_t id[16])
{
	memset(id, 0, 16);
	for (int i = 0; i < 4; i++)
		id[15 - i] = (uint8_t)(index >> (8 * i));
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* ---- the key statistics and the uniform hits ---- */

/* The identifier a key names, or SIZE_MAX. */
static size_t find_ident(const struct sorted *s, const struct key *k)
{
	size_t lo = 0, hi = s->ndistinct;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = keycmp_only(&s->keys[s->start[mid]], k);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

static size_t reports_of(const struct sorted *s, size_t i)
{
	return s->start[i + 1] - s->start[i];
}

/* One look-up list's distribution: distinct identifiers looked up, mean
 * reports per look-up, share of look-ups of identifiers with 2 or more
 * reports and with 10 or more. */
static int list_stats(const char *name, const struct sorted *s,
		      const struct keylist *kl, unsigned char *seen)
{
	size_t distinct = 0, multi = 0, busy = 0;
	double sum = 0;
	memset(seen, 0, s->ndistinct);
	for (size_t j = 0; j < kl->n; j++) {
		size_t i = find_ident(s, &kl->keys[j]);
		if (i == SIZE_MAX)
			return fail(name, "a hit is not a reported identifier");
		size_t r = reports_of(s, i);
		distinct += !seen[i];
		seen[i] = 1;
		sum += (double)r;
		multi += r >= 2;
		busy += r >= 10;
	}
	double n = kl->n ? (double)kl->n : 1;
	printf(",\"%s\":{\"lookups\":%zu,\"distinct\":%zu,"
	       "\"mean_reports\":%.3f,\"share_2plus\":%.4f,"
	       "\"share_10plus\":%.4f}",
	       name, kl->n, distinct, sum / n, (double)multi / n,
	       (double)busy / n);
	return 0;
}

/* bench-baseline keys REPORTS HITS UNIFORM: counts the distinct
 * identifiers, writes UNIFORM (as many look-ups as HITS, each a reported
 * identifier drawn uniformly, every identifier alike) and prints one JSON
 * line: the identifiers' and both look-up lists' distributions. */
int cmd_keys(const char *reports, const char *hits, const char *uniform_out)
{
	struct dataset ds = {0};
	struct sorted s = {0};
	struct keylist kl = {0}, ul = {0};
	struct prep_times t;
	if (load_dataset(reports, &ds, &t) || sort_keys(&ds, &s, &t) ||
	    load_keylist(hits, &kl))
		return 1;
	FILE *f = fopen(uniform_out, "w");
	if (!f)
		return fail(uniform_out, strerror(errno));
	uint64_t seed = 0x554e49ull;
	for (size_t j = 0; j < kl.n && s.ndistinct; j++) {
		const struct key *k =
		    &s.keys[s.start[splitmix(&seed) % s.ndistinct]];
		fprintf(f, "%c%.*s\n", '0' + k->p[0], (int)k->len - 1,
			k->p + 1);
	}
	if (fclose(f) != 0)
		return fail(uniform_out, strerror(errno));
	size_t multi = 0, busy = 0, most = 0;
	for (size_t i = 0; i < s.ndistinct; i++) {
		size_t r = reports_of(&s, i);
		multi += r >= 2;
		busy += r >= 10;
		most = r > most ? r : most;
	}
	double d = s.ndistinct ? (double)s.ndistinct : 1;
	printf("{\"metric\":\"keys\",\"reports\":%zu,\"mentions\":%zu,"
	       "\"distinct_identifiers\":%zu,\"identifiers\":{"
	       "\"mean_reports\":%.3f,\"share_2plus\":%.4f,"
	       "\"share_10plus\":%.4f,\"max_reports\":%zu}",
	       ds.nreports, s.nkeys, s.ndistinct, (double)s.nkeys / d,
	       (double)multi / d, (double)busy / d, most);
	unsigned char *seen = malloc(s.ndistinct + 1);
	int rc = !seen || load_keylist(uniform_out, &ul) ||
		 list_stats("hits", &s, &kl, seen) ||
		 list_stats("hits_uniform", &s, &ul, seen);
	printf("}\n");
	free(seen);
	free_keylist(&kl);
	free_keylist(&ul);
	free_sorted(&s);
	free_dataset(&ds);
	return rc;
}

/* ---- synthetic data ---- */

/* Identifier number i as a key; injective in i. Mix: 50% phones, 30% bank
 * accounts, 15% handles, 5% domains. j*48271 permutes each range because
 * 48271 is prime to 2 and 5. */
static int synth_key(uint64_t i, char *out, size_t size)
{
	static const char *const bins[] = {"970436", "970415", "970418",
					   "970405", "970422", "970407",
					   "970423", "970432"};
	static const char prefix[] = "35789";
	uint64_t q = i / 20, r = i % 20;
	if (r < 10) {
		uint64_t v = ((q * 10 + r) * 48271u + 7) % 500000000u;
		return snprintf(out, size, "1+84%c%08" PRIu64,
				prefix[v / 100000000u], v % 100000000u);
	}
	if (r < 16) {
		uint64_t v = ((q * 6 + r - 10) * 48271u + 11) % 80000000000u;
		return snprintf(out, size, "2%s:%010" PRIu64,
				bins[v / 10000000000u], v % 10000000000u);
	}
	if (r < 19) {
		uint64_t v = ((q * 3 + r - 16) * 48271u + 3) % 1000000000u;
		return snprintf(out, size, "4telegram:tg_%09" PRIu64, v);
	}
	uint64_t v = (q * 48271u + 5) % 100000000u;
	return snprintf(out, size, "5xac-thuc-%08" PRIu64 ".com", v);
}

static int write_keys(const char *dir, const char *name, uint64_t m,
		      uint64_t from, uint64_t range, uint64_t *seed)
{
	char path[PATH_MAX], key[128];
	if (join(path, dir, name))
		return 1;
	FILE *f = fopen(path, "w");
	if (!f)
		return fail(path, strerror(errno));
	for (uint64_t j = 0; j < m; j++) {
		synth_key(from + splitmix(seed) % range, key, sizeof key);
		fprintf(f, "%s\n", key);
	}
	if (fclose(f) != 0)
		return fail(path, strerror(errno));
	return 0;
}

int cmd_synth(uint64_t n, const char *dir)
{
	char path[PATH_MAX], key[128];
	if (join(path, dir, "reports.tsv"))
		return 1;
	FILE *rf = fopen(path, "w");
	if (!rf)
		return fail(path, strerror(errno));
	uint64_t seed = 42;
	int32_t today = bench_today();
	for (uint64_t i = 0, report = 0; i < n; report++) {
		uint64_t k = 1 + splitmix(&seed) % 3;
		if (k > n - i)
			k = n - i;
		fprintf(rf, "%" PRIu64, k);
		for (uint64_t j = 0; j < k; j++, i++) {
			synth_key(i, key, sizeof key);
			fprintf(rf, "\t%s", key);
		}
		uint64_t back = splitmix(&seed) % 1278;
		fprintf(rf,
			"\t%" PRId32 "\t%" PRIu64 "\t%" PRIu64 "\t%d"
			"\t{\"agency\":\"Cong an tinh %02" PRIu64 "\","
			"\"case_ref\":\"%" PRIu64 "/CAT-PA05\","
			"\"category\":\"extortion\",\"channel\":\"zalo\","
			"\"amount\":%" PRIu64 "000000,\"narrative\":\"Goi "
			"dien gia danh cong an, yeu cau chuyen tien\"}\n",
			today - (int32_t)back, report % 63, report % 14,
			report % 4 == 0, report % 63, report, 1 + report % 50);
	}
	if (fclose(rf) != 0)
		return fail(path, strerror(errno));

	/* Lookups: up to a million reported keys in random order, and as
	 * many keys of the same shapes that were never reported. */
	uint64_t m = n < 1000000 ? n : 1000000;
	return write_keys(dir, "hits.keys", m, 0, n, &seed) ||
	       write_keys(dir, "miss.keys", m, n, 4 * n, &seed);
}
