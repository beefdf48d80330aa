/* check.c: the verdict. Normalize into the result, ask the filter, read
 * the entity summary and, only when the summary cannot answer the time
 * windows by itself, walk the entity's newest entity_report entries.
 * Never decodes a report; allocates nothing in the steady state.
 *
 * Grade rule (libscamdex(3)):
 *   none       no active report
 *   very_high  confirmed by a court, or >= 3 distinct agencies with an
 *              active report in the last 30 days
 *   high       confirmed by police, or >= 2 agencies, or >= 5 active
 *   medium     >= 2 active reports, or one in the last 30 days
 *   low        otherwise */
#include "store.h"

#include "hash.h"

sdx_grade sdx_check_grade(const sdx_check_result *r)
{
	if (r->reports == 0)
		return SDX_GRADE_NONE;
	if (r->confirmation >= SDX_CONF_COURT ||
	    (r->agencies >= 3 && r->last_30d > 0))
		return SDX_GRADE_VERY_HIGH;
	if (r->confirmation >= SDX_CONF_POLICE || r->agencies >= 2 ||
	    r->reports >= 5)
		return SDX_GRADE_HIGH;
	if (r->reports >= 2 || r->last_30d > 0)
		return SDX_GRADE_MEDIUM;
	return SDX_GRADE_LOW;
}

static void count_date(sdx_check_result *out, int32_t d, int32_t today,
		       uint32_t n)
{
	if (d == SDX_DATE_NONE || d > today)
		return;
	if (d >= today - 2)
		out->last_3d += n;
	if (d >= today - 29)
		out->last_30d += n;
	if (d >= today - 182)
		out->last_6m += n;
}

/* Whether a window (3 days, 30 days, 6 months ending today) starts
 * inside [first_seen, last_seen], or a date lies in the future: only then
 * must the entity_report entries be walked. [first, last] covers every
 * active report's date, so the answer is never wrong, only sometimes
 * cautious. For summaries without their newest dates (layout 1). */
static int boundary_inside(const entity_sum *s, int32_t today)
{
	if (s->last_seen > today)
		return 1;
	const int32_t starts[3] = {today - 2, today - 29, today - 182};
	for (int i = 0; i < 3; i++)
		if (s->first_seen < starts[i] && s->last_seen >= starts[i])
			return 1;
	return 0;
}

/* The windows from the summary's kept newest dates, into n[]. The dated
 * active reports not among them have dates in [first_seen, the last
 * kept]; a window holds all of them or none unless it starts inside that
 * range (or the range reaches past today). Returns a bit per window (1: 3
 * days, 2: 30 days, 4: 6 months) the summary cannot answer, which the
 * walk must: 0 when n[] is the answer. */
static unsigned windows_inline(const entity_sum *s, const int32_t starts[3],
			       int32_t today, uint32_t n[3])
{
	uint32_t dated = s->active - s->undated;
	uint32_t kept = s->kept < dated ? s->kept : dated;
	unsigned open = 0;
	n[0] = n[1] = n[2] = 0;
	if (kept == 0)
		return dated ? 7 : 0;
	for (uint32_t i = 0; i < kept; i++) {
		int32_t d = i ? s->older[i - 1] : s->last_seen;
		if (d > today)
			continue;
		for (int w = 0; w < 3; w++)
			n[w] += d >= starts[w];
	}
	if (dated > kept) {
		uint32_t rest = dated - kept;
		int32_t lo = s->first_seen,
			hi = kept > 1 ? s->older[kept - 2] : s->last_seen;
		if (hi > today) {
			if (lo <= today)
				return 7;
		} else {
			for (int w = 0; w < 3; w++) {
				if (hi < starts[w])
					continue;
				if (lo < starts[w])
					open |= 1u << w;
				else
					n[w] += rest;
			}
		}
	}
	return open;
}

/* Does report id (an entity_report entry's) count in this check's view?
 * Only a bank view with police-only reports asks (*vis = 0 for those). */
static int visible(struct reader *rd, const uint8_t id[16], int *vis)
{
	MDB_val k = {16, (void *)id}, d;
	int rc = mdb_get(rd->txn, rd->db->report, &k, &d);
	if (rc)
		return store_err(rc);
	codec_report_view v;
	if ((rc = codec_report_view_decode(d.mv_data, d.mv_size, &v)))
		return rc;
	*vis = v.audience == SDX_AUD_BANK;
	return 0;
}

/* The entity's entity_report entries dated from the oldest start of the
 * windows in `open` to today, counted into n[] for those windows. One
 * seek to that date (entries sort by date), then whole pages of entries
 * (the table is DUPFIXED) rather than a cursor step per report. filter:
 * a bank view that leaves police-only reports out. */
static int windows_walk(struct reader *rd, const uint8_t *ek, size_t eklen,
			int filter, const int32_t starts[3], unsigned open,
			int32_t today, uint32_t n[3])
{
	int32_t from = today;
	for (int w = 0; w < 3; w++)
		if ((open & (1u << w)) && starts[w] < from)
			from = starts[w];
	for (int w = 0; w < 3; w++)
		if (open & (1u << w))
			n[w] = 0;
	int rc = reader_cursor(rd);
	if (rc)
		return rc;
	MDB_cursor *c = rd->er_cur;
	static const uint8_t id0[16];
	uint8_t lo[ER_LEN];
	er_make(from, id0, 0, lo); /* sorts before any entry dated from */
	MDB_val k = {eklen, (void *)ek}, d = {ER_LEN, lo};
	rc = mdb_cursor_get(c, &k, &d, MDB_GET_BOTH_RANGE);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return store_err(rc);
	/* the page holding that entry; none when the entity has one entry
	 * (kept in its node, not in a page of duplicates): the entry read */
	MDB_val page = {0, NULL};
	rc = mdb_cursor_get(c, &k, &page, MDB_GET_MULTIPLE);
	if (!rc && !page.mv_data)
		page = d;
	/* the page's entries before the one sought are older than from:
	 * start at it (d points into the page), so that their cache lines
	 * are not read */
	uintptr_t at = (uintptr_t)d.mv_data, p0 = (uintptr_t)page.mv_data;
	if (!rc && at > p0 && at < p0 + page.mv_size &&
	    (at - p0) % ER_LEN == 0) {
		page.mv_size -= at - p0;
		page.mv_data = d.mv_data;
	}
	while (!rc) {
		if (page.mv_size % ER_LEN)
			return SDX_ECORRUPT;
		const uint8_t *v = page.mv_data;
		for (size_t i = 0; i < page.mv_size / ER_LEN;
		     i++, v += ER_LEN) {
			int32_t dt = er_date(v);
			if (dt < from || dt > today || (v[20] & ER_RETRACTED))
				continue;
			int vis = 1;
			if (filter && (rc = visible(rd, v + 4, &vis)))
				return rc;
			if (!vis)
				continue;
			for (int w = 0; w < 3; w++)
				n[w] += (open & (1u << w)) && dt >= starts[w];
		}
		rc = mdb_cursor_get(c, &k, &page, MDB_NEXT_MULTIPLE);
	}
	return rc != MDB_NOTFOUND ? store_err(rc) : 0;
}

/* rec: the summary record s was decoded from (head only), or
 * NULL when s is whole (recomputed). filter: s is a bank view that
 * leaves police-only reports out, so the walk must too. */
static int windows(struct reader *rd, const uint8_t *ek, size_t eklen,
		   entity_sum *s, const void *rec, int filter, int32_t today,
		   sdx_check_result *out)
{
	if (s->active == 0 || s->last_seen == SDX_DATE_NONE ||
	    s->last_seen < today - 182)
		return 0;
	const int32_t starts[3] = {today - 2, today - 29, today - 182};
	uint32_t n[3];
	unsigned open;
	if (!s->older_unknown) {
		if (rec)
			entity_decode_view_older(rec, rd->view_bank, s);
		open = windows_inline(s, starts, today, n);
	} else if (!boundary_inside(s, today)) {
		/* No window starts between the first and the last date: each
		 * window holds all of the dated active reports or none. */
		count_date(out, s->last_seen, today, s->active - s->undated);
		return 0;
	} else {
		open = 7;
	}
	if (open) {
		int rc =
		    windows_walk(rd, ek, eklen, filter, starts, open, today, n);
		if (rc)
			return rc;
	}
	out->last_3d += n[0];
	out->last_30d += n[1];
	out->last_6m += n[2];
	return 0;
}

/* The summary a check reads from record d (of key ek): the bank view's
 * counts for a bank-view check. *whole: s was recomputed (a read-only
 * handle on a schema-2 database, whose records keep no bank view), older
 * dates included. */
static int entity_view(struct reader *rd, const uint8_t *ek, size_t eklen,
		       const MDB_val *d, entity_sum *s, int *whole)
{
	*whole = 0;
	int rc = entity_decode_view(d->mv_data, d->mv_size, rd->view_bank, s);
	if (rc || !rd->view_bank || !rd->db->bank_legacy ||
	    !(s->active + s->retracted))
		return rc;
	if ((rc = entity_recompute(rd->txn, rd->db, ek, eklen, s, 0)))
		return store_err(rc);
	entity_as_bank(s);
	*whole = 1;
	return 0;
}

/* A filter probe: the key's hash and, once looked up, its block. */
struct probe {
	uint64_t h;
	const uint8_t *blk;
	int have_blk;
};

/* Adds one entity's summary to out. *found = it exists. fp: ask the
 * filter first; NULL: no filter. */
static int check_entity(struct reader *rd, const uint8_t *ek, size_t eklen,
			int32_t today, struct probe *fp, sdx_check_result *out,
			int *found)
{
	*found = 0;
	if (fp) {
		int rc = 0;
		if (!fp->have_blk)
			fp->blk = filter_block(rd, fp->h, &rc);
		if (rc)
			return rc;
		if (!filter_test(fp->blk, fp->h))
			return 0;
	}
	MDB_val k = {eklen, (void *)ek}, d;
	int rc = mdb_get(rd->txn, rd->db->entity, &k, &d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return store_err(rc);
	entity_sum s;
	int whole;
	if ((rc = entity_view(rd, ek, eklen, &d, &s, &whole)))
		return rc;
	*found = 1;
	out->reports += s.active;
	out->retracted += s.retracted;
	out->agencies += s.agencies;
	out->categories |= s.categories;
	out->disputed += s.disputed;
	if (s.max_conf > out->confirmation)
		out->confirmation = s.max_conf;
	if (s.active && s.first_seen != SDX_DATE_NONE &&
	    (out->first_seen == SDX_DATE_NONE ||
	     s.first_seen < out->first_seen))
		out->first_seen = s.first_seen;
	if (s.active && s.last_seen != SDX_DATE_NONE &&
	    (out->last_seen == SDX_DATE_NONE || s.last_seen > out->last_seen))
		out->last_seen = s.last_seen;
	if (s.flags & ENT_ALLOWLISTED)
		out->flags |= SDX_CHECK_ALLOWLISTED;
	return windows(rd, ek, eklen, &s, whole ? NULL : d.mv_data,
		       rd->view_bank && (s.flags & ENT_BANKVIEW), today, out);
}

/* Kind ACCOUNT: the account at every bank it is reported at. */
static int check_account(struct reader *rd, const char *acct, size_t len,
			 int32_t today, sdx_check_result *out)
{
	int rc = reader_ab_cursor(rd);
	if (rc)
		return rc;
	MDB_cursor *c = rd->ab_cur;
	MDB_val k = {len, (void *)acct}, d;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_DUP)) {
		uint8_t ek[EKEY_MAX];
		size_t eklen =
		    ekey_bank_account(d.mv_data, d.mv_size, acct, len, ek);
		if (!eklen) {
			rc = SDX_ECORRUPT;
			break;
		}
		int found;
		uint32_t before = out->reports + out->retracted;
		/* entity_report walk uses rd->er_cur, not c */
		if ((rc =
			 check_entity(rd, ek, eklen, today, NULL, out, &found)))
			break;
		if (found && out->reports + out->retracted > before)
			out->banks++;
	}
	return walk_end(rc);
}

/* Whether to ask the filter. It costs a reported identifier about a tenth
 * of its check (a cache miss) and saves an unreported one most of its
 * (the B-tree descent), so it pays while more than a few percent of the
 * checks are of unreported identifiers, which is the usual case. This
 * thread's share of them: an exponential average over about the last
 * 2^MISS_SHIFT checks, fixed point (MISS_ONE = all). The answers are the
 * same either way; only the time differs. */
#define MISS_ONE 65536u
#define MISS_SHIFT 5
#define MISS_FILTER_MIN (MISS_ONE / 20)
static _Thread_local uint32_t miss_avg = MISS_ONE;

static void note_outcome(int miss)
{
	if (miss)
		miss_avg += (MISS_ONE - miss_avg) >> MISS_SHIFT;
	else
		miss_avg -= miss_avg >> MISS_SHIFT;
}

static void result_clear(sdx_check_result *out)
{
	out->verdict = SDX_VERDICT_UNKNOWN;
	out->grade = SDX_GRADE_NONE;
	out->reports = out->retracted = out->agencies = out->categories = 0;
	out->first_seen = out->last_seen = SDX_DATE_NONE;
	out->last_3d = out->last_30d = out->last_6m = 0;
	out->confirmation = SDX_CONF_REPORTED;
	out->disputed = 0;
	out->flags = 0;
	out->banks = 0;
}

static void result_finish(sdx_check_result *out)
{
	if (out->disputed)
		out->flags |= SDX_CHECK_DISPUTED;
	if (out->flags & SDX_CHECK_ALLOWLISTED)
		out->verdict = SDX_VERDICT_OFFICIAL;
	else if (out->reports)
		out->verdict = SDX_VERDICT_REPORTED;
	else if (out->retracted)
		out->verdict = SDX_VERDICT_RETRACTED;
	out->grade = sdx_check_grade(out);
}

/* ---- parent domains ----
 * A host's answer may come from a parent domain: a report on evil.com
 * covers login.evil.com, down to the registrable domain (the Public
 * Suffix List's), never a public suffix (github.io) and never upwards
 * (a report on login.evil.com says nothing of evil.com). An allowlist
 * entry made for subdomains is stored as "*.<domain>" and covers the
 * domain and every subdomain. Each level costs a filter probe or two; a
 * B-tree descent only where the filter says the key may be there. */

/* Probe the filter for kind DOMAIN, canon; 1 and the summary in *s when
 * the entity exists. */
static int domain_entity(struct reader *rd, const char *canon, size_t n,
			 int use_filter, uint8_t *ek, size_t *eklen, MDB_val *d,
			 entity_sum *s)
{
	*eklen = ekey_make(SDX_KIND_DOMAIN, canon, n, ek);
	if (use_filter) {
		uint64_t h = sdx_hash64(ek, *eklen);
		int rc = 0;
		const uint8_t *blk = filter_block(rd, h, &rc);
		if (rc)
			return rc;
		if (!filter_test(blk, h))
			return 0;
	}
	MDB_val k = {*eklen, (void *)ek};
	int rc = mdb_get(rd->txn, rd->db->entity, &k, d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return store_err(rc);
	int whole;
	if ((rc = entity_view(rd, ek, *eklen, d, s, &whole)))
		return rc;
	return 1;
}

/* "*." + the domain at host[off..n): allowlisted for its subdomains? */
static int wildcard_allowed(struct reader *rd, const char *host, size_t off,
			    size_t n, int use_filter, char *via)
{
	char w[SDX_CANON_MAX + 2];
	uint8_t ek[EKEY_MAX + 2];
	size_t eklen, m = n - off;
	MDB_val d;
	entity_sum s;
	if (m + 2 >= SDX_CANON_MAX)
		return 0;
	w[0] = '*';
	w[1] = '.';
	memcpy(w + 2, host + off, m);
	w[m + 2] = '\0';
	int rc = domain_entity(rd, w, m + 2, use_filter, ek, &eklen, &d, &s);
	if (rc <= 0)
		return rc;
	if (!(s.flags & ENT_ALLOWLISTED))
		return 0;
	memcpy(via, w, m + 3);
	return 1;
}

static int is_ip(const char *h, size_t n)
{
	return h[0] == '[' || memchr(h, ':', n) ||
	       strspn(h, "0123456789.") == n;
}

/* The filter probes of every key the parent walk below could look up:
 * for each label suffix of the host, "*.<suffix>" (a subdomain allowlist
 * entry) and, for a proper suffix of two labels or more, "<suffix>" (a
 * parent's entry). A superset of the walk's keys, so when the filter says
 * no to all of them the walk would find nothing: an unreported host is
 * answered by the filter alone, without the Public Suffix List (libpsl's
 * look-up costs more than all the probes). Made before the host's own
 * look-up, so that the blocks (cache misses) load meanwhile and together. */
#define PARENT_PROBES 24
struct parent_probes {
	int n;	 /* probes made */
	int any; /* a key may be there (or too many keys, or an error) */
	uint64_t h[PARENT_PROBES];
	const uint8_t *blk[PARENT_PROBES];
};

/* The filter is synced (filter_sync) for this snapshot. */
static void probe_add(struct reader *rd, struct parent_probes *pp,
		      const uint8_t *key, size_t len)
{
	if (pp->n == PARENT_PROBES) {
		pp->any = 1;
		return;
	}
	uint64_t h = sdx_hash64(key, len);
	pp->h[pp->n] = h;
	pp->blk[pp->n++] = filter_block_synced(rd, h); /* prefetches */
}

/* Does this snapshot hold any subdomain allowlist entry ("*.<domain>":
 * kind DOMAIN keys that start with '*', next to each other in the entity
 * table)? One B-tree seek per snapshot; without any, the parent walk has
 * no "*." key worth a probe. */
static int wildcards_any(struct reader *rd, int *any)
{
	uint64_t id = mdb_txn_id(rd->txn);
	if (rd->wild_ok && rd->wild_snap == id) {
		*any = rd->wild_any;
		return 0;
	}
	MDB_cursor *c;
	int rc = mdb_cursor_open(rd->txn, rd->db->entity, &c);
	if (rc)
		return store_err(rc);
	const uint8_t lo[2] = {SDX_KIND_DOMAIN, '*'};
	MDB_val k = {2, (void *)lo}, d;
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return store_err(rc);
	*any = !rc && k.mv_size >= 2 && !memcmp(k.mv_data, lo, 2);
	rd->wild_snap = id;
	rd->wild_any = *any;
	rd->wild_ok = 1;
	return 0;
}

static void parents_probe(struct reader *rd, const char *host, size_t n,
			  struct parent_probes *pp)
{
	/* the host copied once, three bytes in: each key is its suffix with
	 * the bytes before it overwritten by the kind (and "*." for a
	 * subdomain allowlist key); the suffixes only get shorter, so no
	 * later key reads an overwritten byte */
	uint8_t kb[EKEY_MAX + 2];
	int wild = 1;
	pp->n = pp->any = 0;
	if (n + 3 > sizeof kb || wildcards_any(rd, &wild) || filter_sync(rd)) {
		pp->any = 1; /* the walk says what went wrong */
		return;
	}
	kb[0] = kb[1] = kb[2] = 0;
	memcpy(kb + 3, host, n);
	for (size_t off = 0; off < n && !pp->any;) {
		size_t m = n - off;
		uint8_t *at = kb + 3 + off;
		const char *dot = memchr(host + off, '.', m);
		if (off > 0 && dot) {
			at[-1] = SDX_KIND_DOMAIN;
			probe_add(rd, pp, at - 1, m + 1);
		}
		if (wild) {
			at[-3] = SDX_KIND_DOMAIN;
			at[-2] = '*';
			at[-1] = '.';
			probe_add(rd, pp, at - 3, m + 3);
		}
		if (!dot)
			break;
		off = (size_t)(dot - host) + 1;
	}
}

/* 1 when the walk may find something, 0 when it cannot. */
static int parents_maybe(const struct parent_probes *pp)
{
	if (pp->any)
		return 1;
	for (int i = 0; i < pp->n; i++)
		if (filter_test(pp->blk[i], pp->h[i]))
			return 1;
	return 0;
}

/* After the host's own summary (in out, which did not decide: no active
 * report, not allowlisted): its subdomain allowlist entries and its
 * parents' reports, nearest first. */
static int check_parents(struct reader *rd, const char *host, size_t n,
			 int32_t today, int use_filter,
			 const struct parent_probes *pp, sdx_check_result *out,
			 char *via)
{
	if (n == 0 || host[0] == '*' || (!pp && is_ip(host, n)))
		return 0;
	if (pp && !parents_maybe(pp))
		return 0;
	/* the levels: host, then each parent down to the registrable
	 * domain; a two-label host is its own registrable domain unless it
	 * is a public suffix (then only its exact entry counts) */
	size_t reg = 0, dots = 0;
	for (size_t i = 0; i < n; i++)
		dots += host[i] == '.';
	int has_reg = 1;
	if (dots >= 2)
		has_reg = sdx_domain_registrable(host, n, &reg) == 0;
	if (!has_reg) {
		/* a public suffix (or beyond the list): only a subdomain
		 * allowlist entry on a government suffix */
		int rc = wildcard_allowed(rd, host, 0, n, use_filter, via);
		if (rc > 0)
			out->flags |= SDX_CHECK_ALLOWLISTED;
		return rc < 0 ? rc : 0;
	}
	for (size_t off = 0;;) {
		int rc = wildcard_allowed(rd, host, off, n, use_filter, via);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			out->flags |= SDX_CHECK_ALLOWLISTED;
			return 0;
		}
		if (off > 0) {
			uint8_t ek[EKEY_MAX];
			size_t eklen;
			MDB_val d;
			entity_sum s;
			rc = domain_entity(rd, host + off, n - off, use_filter,
					   ek, &eklen, &d, &s);
			if (rc < 0)
				return rc;
			if (rc > 0 &&
			    ((s.flags & ENT_ALLOWLISTED) || s.active)) {
				/* a parent allowlisted by itself covers
				 * nothing below it; its reports do */
				if (s.active) {
					sdx_check_result p;
					result_clear(&p);
					int found;
					if ((rc = check_entity(rd, ek, eklen,
							       today, NULL, &p,
							       &found)))
						return rc;
					if (!p.reports)
						goto next; /* none visible */
					sdx_kind k = out->kind;
					char canon[SDX_CANON_MAX];
					memcpy(canon, out->canonical, n + 1);
					*out = p;
					out->flags &= ~SDX_CHECK_ALLOWLISTED;
					out->kind = k;
					memcpy(out->canonical, canon, n + 1);
					memcpy(via, host + off, n - off + 1);
					return 0;
				}
			}
		}
	next:
		if (off >= reg)
			break;
		while (off < n && host[off] != '.')
			off++;
		off++;
	}
	/* the public suffix above the registrable domain: a government
	 * suffix's subdomain allowlist entry ("*.gov.vn") */
	if (reg > 0 || dots >= 1) {
		size_t off = reg;
		while (off < n && host[off] != '.')
			off++;
		if (off < n) {
			int rc = wildcard_allowed(rd, host, off + 1, n,
						  use_filter, via);
			if (rc < 0)
				return rc;
			if (rc > 0)
				out->flags |= SDX_CHECK_ALLOWLISTED;
		}
	}
	return 0;
}

/* One reading (kind k, canonical in out) looked up. ek/fp: the key and
 * probe already made for it when have (the caller's prefetch). */
static int check_reading(struct reader *rd, sdx_kind k, size_t clen,
			 int32_t today, int use_filter, struct probe *fp,
			 int have, uint8_t *ek, sdx_check_result *out,
			 char *via)
{
	via[0] = '\0';
	if (k == SDX_KIND_ACCOUNT)
		return check_account(rd, out->canonical, clen, today, out);
	size_t eklen = 1 + clen;
	if (!have) {
		ekey_make(k, out->canonical, clen, ek);
		fp->have_blk = 0;
		if (use_filter) {
			/* its block starts loading now */
			int frc;
			fp->h = sdx_hash64(ek, eklen);
			fp->blk = filter_block(rd, fp->h, &frc);
			fp->have_blk = !frc; /* an error: asked again */
		}
	}
	/* a host's parents: their filter blocks load while its own entry
	 * is looked up */
	struct parent_probes pp;
	pp.n = pp.any = 0;
	int parents = k == SDX_KIND_DOMAIN && use_filter && clen > 0 &&
		      out->canonical[0] != '*' && !is_ip(out->canonical, clen);
	if (parents)
		parents_probe(rd, out->canonical, clen, &pp);
	int found = 0;
	int rc = check_entity(rd, ek, eklen, today, use_filter ? fp : NULL, out,
			      &found);
	if (rc)
		return rc;
	if (k == SDX_KIND_DOMAIN && !out->reports &&
	    !(out->flags & SDX_CHECK_ALLOWLISTED)) {
		rc = check_parents(rd, out->canonical, clen, today, use_filter,
				   parents ? &pp : NULL, out, via);
		if (rc)
			return rc;
		found |= via[0] != '\0';
	}
	note_outcome(!found);
	return 0;
}

int sdx_verdict_rank(int verdict)
{
	switch (verdict) {
	case SDX_VERDICT_REPORTED:
		return 3;
	case SDX_VERDICT_OFFICIAL:
		return 2;
	case SDX_VERDICT_RETRACTED:
		return 1;
	default:
		return 0;
	}
}

/* Is a more serious than b? Verdict rank, then grade, then reports. */
static int more_serious(const sdx_check_result *a, const sdx_check_result *b)
{
	int ra = sdx_verdict_rank(a->verdict),
	    rb = sdx_verdict_rank(b->verdict);
	if (ra != rb)
		return ra > rb;
	if (a->grade != b->grade)
		return a->grade > b->grade;
	return a->reports > b->reports;
}

/* In core/normalize/readings.c. */
int norm_phone_of_account(sdx_kind kind, const char *canon, size_t len,
			  char out[SDX_CANON_MAX]);

/* May a related reading (an account named by a phone number) be an
 * entity, by its number's marker in the filter? 1 without markers. */
static int phone_marker_maybe(struct reader *rd, const sdx_reading *r, int *rc)
{
	char phone[SDX_CANON_MAX];
	if (!rd->db->filter_markers ||
	    !norm_phone_of_account(r->kind, r->canonical, strlen(r->canonical),
				   phone))
		return 1;
	int m = filter_maybe(rd, filter_marker_hash(phone, strlen(phone)));
	if (m < 0) {
		*rc = m;
		return 0;
	}
	return m;
}

int sdx_check_all_view(sdx_db *db, int audience, sdx_kind kind,
		       const char *input, size_t len, int32_t today,
		       sdx_interp *out, size_t max, size_t *count,
		       sdx_norm_error *err)
{
	sdx_reading rd_[SDX_READINGS_MAX];
	size_t n = 0;
	if (count)
		*count = 0;
	if (!db || !input || !out || max == 0 || !count)
		return SDX_EINVAL;
	int rc =
	    sdx_normalize_all(kind, input, len, rd_, SDX_READINGS_MAX, &n, err);
	if (rc)
		return rc;
	struct reader *rd = NULL;
	if ((rc = reader_get(db, &rd)))
		return rc;
	rd->view_bank = audience == SDX_AUD_BANK;
	if (today == SDX_DATE_NONE)
		today = sdx_date_today();
	int use_filter = miss_avg >= MISS_FILTER_MIN;
	size_t m = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		sdx_interp tmp, *it = m < max ? &out[m] : &tmp;
		sdx_check_result *r = &it->result;
		uint8_t ek[EKEY_MAX];
		struct probe fp = {0, NULL, 0};
		/* an account of a phone number: not when the number's
		 * marker says none of its accounts is an entity */
		int m_rc = 0;
		if (rd_[i].related && !phone_marker_maybe(rd, &rd_[i], &m_rc)) {
			rc = m_rc;
			continue;
		}
		result_clear(r);
		r->kind = rd_[i].kind;
		size_t clen = strlen(rd_[i].canonical);
		memcpy(r->canonical, rd_[i].canonical, clen + 1);
		rc = check_reading(rd, r->kind, clen, today, use_filter, &fp, 0,
				   ek, r, it->via);
		if (rc)
			break;
		result_finish(r);
		/* a chat account named by the phone number: only if known */
		if (rd_[i].related && r->verdict == SDX_VERDICT_UNKNOWN)
			continue;
		/* keep the most serious first (insertion, stable) */
		size_t j = m < max ? m : max;
		if (j == max) {
			if (!more_serious(r, &out[max - 1].result))
				continue;
			j = max - 1;
			out[j] = *it;
		} else {
			m++;
		}
		while (j > 0 &&
		       more_serious(&out[j].result, &out[j - 1].result)) {
			tmp = out[j];
			out[j] = out[j - 1];
			out[j - 1] = tmp;
			j--;
		}
	}
	rd->view_bank = 0;
	reader_put(rd);
	if (rc)
		return rc;
	*count = m;
	return 0;
}

int sdx_check_all(sdx_db *db, sdx_kind kind, const char *input, size_t len,
		  int32_t today, sdx_interp *out, size_t max, size_t *count,
		  sdx_norm_error *err)
{
	return sdx_check_all_view(db, SDX_AUD_POLICE, kind, input, len, today,
				  out, max, count, err);
}

/* In core/normalize/readings.c. */
int norm_reading_alone(sdx_kind kind, const char *input, size_t len, sdx_kind k,
		       const char *canonical);
size_t norm_phone_account(const char *phone, size_t i, char *out, size_t cap,
			  sdx_kind *kind);

/* The accounts named by a phone number (the Zalo, Viber and Telegram
 * accounts of +84..., its MoMo and VNPT Money wallets): a report on one
 * is about the number too, and answers instead when more serious. They
 * are seldom reported: the filter holds one marker for the number when
 * any of them is an entity (filter.c), whose block starts loading before
 * the number's own look-up; only when it may be there are the accounts
 * probed and looked up. A read-only handle on a schema-4 database (no
 * markers) probes every account. */
enum { PHONE_CHATS = 5 };
struct chat_probes {
	size_t n;
	const char *phone;
	struct probe marker;
	sdx_kind kind[PHONE_CHATS];
	size_t clen[PHONE_CHATS];
	uint8_t ek[PHONE_CHATS][EKEY_MAX];
	struct probe fp[PHONE_CHATS];
};

static void phone_accounts_probe(struct reader *rd, struct chat_probes *cp)
{
	char canon[SDX_CANON_MAX];
	for (size_t c = 0; c < PHONE_CHATS; c++) {
		size_t i = cp->n,
		       n = norm_phone_account(cp->phone, c, canon, sizeof canon,
					      &cp->kind[i]);
		if (!n)
			continue;
		cp->clen[i] = n;
		ekey_make(cp->kind[i], canon, n, cp->ek[i]);
		cp->fp[i].h = sdx_hash64(cp->ek[i], 1 + n);
		cp->fp[i].blk = filter_block_synced(rd, cp->fp[i].h);
		cp->fp[i].have_blk = 1;
		cp->n++;
	}
}

static int phone_chats_probe(struct reader *rd, const char *phone,
			     struct chat_probes *cp)
{
	int rc = filter_sync(rd);
	cp->n = 0;
	cp->phone = phone;
	cp->marker.have_blk = 0;
	if (rc)
		return rc;
	if (rd->db->filter_markers) {
		cp->marker.h = filter_marker_hash(phone, strlen(phone));
		cp->marker.blk = filter_block_synced(rd, cp->marker.h);
		cp->marker.have_blk = 1;
	} else {
		phone_accounts_probe(rd, cp);
	}
	return 0;
}

static int phone_chats_answer(struct reader *rd, int32_t today,
			      struct chat_probes *cp, sdx_check_result *out)
{
	sdx_check_result chat;
	char via[SDX_CANON_MAX];
	if (cp->marker.have_blk) {
		if (!filter_test(cp->marker.blk, cp->marker.h))
			return 0; /* none of its accounts is an entity */
		phone_accounts_probe(rd, cp);
	}
	for (size_t i = 0; i < cp->n; i++) {
		if (!filter_test(cp->fp[i].blk, cp->fp[i].h))
			continue;
		result_clear(&chat);
		chat.kind = cp->kind[i];
		memcpy(chat.canonical, cp->ek[i] + 1, cp->clen[i]);
		chat.canonical[cp->clen[i]] = '\0';
		int rc = check_reading(rd, cp->kind[i], cp->clen[i], today, 1,
				       &cp->fp[i], 1, cp->ek[i], &chat, via);
		if (rc)
			return rc;
		result_finish(&chat);
		if (chat.verdict != SDX_VERDICT_UNKNOWN &&
		    more_serious(&chat, out))
			*out = chat;
	}
	return 0;
}

/* The one reading of an input (kind k, canonical in out) looked up with
 * the reader rd, which it puts back; as sdx_check_all_view answers it
 * (bank: the bank view). fp, have and ek: as check_reading takes them. */
static int check_one(struct reader *rd, int bank, sdx_kind k, size_t clen,
		     int32_t today, int use_filter, struct probe *fp, int have,
		     uint8_t *ek, sdx_check_result *out)
{
	char via[SDX_CANON_MAX];
	if (today == SDX_DATE_NONE)
		today = sdx_date_today();
	struct chat_probes cp;
	cp.n = 0;
	cp.marker.have_blk = 0;
	rd->view_bank = bank;
	int rc = k == SDX_KIND_PHONE
		     ? phone_chats_probe(rd, out->canonical, &cp)
		     : 0;
	if (!rc)
		rc = check_reading(rd, k, clen, today, use_filter, fp, have, ek,
				   out, via);
	if (!rc) {
		result_finish(out);
		rc = phone_chats_answer(rd, today, &cp, out);
	}
	rd->view_bank = 0;
	reader_put(rd);
	return rc;
}

/* The most serious of every reading of the input (sdx_check_all_view).
 * Also where an input sdx_normalize refuses goes: it may still have a
 * reading ("@John.Smith55", no Telegram name, is a Facebook one), and if
 * not, the readings fail with the same error. */
static int check_readings(sdx_db *db, int audience, sdx_kind kind,
			  const char *input, size_t len, int32_t today,
			  sdx_check_result *out, sdx_norm_error *err)
{
	sdx_interp it[SDX_READINGS_MAX];
	size_t n;
	int rc = sdx_check_all_view(db, audience, kind, input, len, today, it,
				    SDX_READINGS_MAX, &n, err);
	if (rc == 0)
		*out = it[0].result;
	return rc;
}

int sdx_check_view(sdx_db *db, int audience, sdx_kind kind, const char *input,
		   size_t len, int32_t today, sdx_check_result *out,
		   sdx_norm_error *err)
{
	if (!db || !input || !out)
		return SDX_EINVAL;
	if (kind == SDX_KIND_AUTO) {
		/* Most inputs have one reading (a link, say): it answers,
		 * without the readings' bookkeeping. The others: every
		 * reading; the most serious answers. */
		size_t clen;
		sdx_kind k;
		int rc = sdx_normalize(kind, input, len, out->canonical,
				       sizeof out->canonical, &clen, &k, err);
		if (rc == 0 &&
		    norm_reading_alone(kind, input, len, k, out->canonical)) {
			struct reader *rd = NULL;
			uint8_t ek[EKEY_MAX];
			struct probe fp = {0, NULL, 0};
			out->kind = k;
			result_clear(out);
			if (!(rc = reader_get(db, &rd)))
				rc = check_one(rd, audience == SDX_AUD_BANK, k,
					       clen, today,
					       miss_avg >= MISS_FILTER_MIN, &fp,
					       0, ek, out);
		} else {
			rc = check_readings(db, audience, kind, input, len,
					    today, out, err);
		}
		if (rc) {
			out->canonical[0] = '\0';
			out->kind = SDX_KIND_AUTO;
		}
		return rc;
	}
	/* A caller that names the kind usually passes the canonical form:
	 * hash the input as given and start loading its filter block (most
	 * likely a cache miss) while the normalizer runs. */
	struct reader *rd = NULL;
	uint8_t ek[EKEY_MAX];
	struct probe fp = {0, NULL, 0};
	int have_h_in = 0, use_filter = miss_avg >= MISS_FILTER_MIN;
	if (use_filter && kind != SDX_KIND_ACCOUNT && len < SDX_CANON_MAX &&
	    !reader_get(db, &rd)) {
		int frc;
		fp.h = sdx_hash64(ek, ekey_make(kind, input, len, ek));
		fp.blk = filter_block(rd, fp.h, &frc);
		fp.have_blk = !frc; /* an error: asked again below */
		have_h_in = 1;
	}
	size_t clen;
	sdx_kind k = kind;
	int rc = sdx_normalize(kind, input, len, out->canonical,
			       sizeof out->canonical, &clen, &k, err);
	out->kind = k;
	result_clear(out);
	if (rc) {
		if (rd)
			reader_put(rd);
		return check_readings(db, audience, kind, input, len, today,
				      out, err);
	}
	if (!rd && (rc = reader_get(db, &rd)))
		return rc;
	/* a phone number (its chat accounts), an account at a bank known
	 * under two BINs or two names, a chat account named by a number, an
	 * IPv4 host written another way: every reading, named or not (the
	 * most serious answers) */
	if (!norm_reading_alone(kind, input, len, k, out->canonical)) {
		reader_put(rd);
		return check_readings(db, audience, kind, input, len, today,
				      out, err);
	}
	/* ek holds the input's key already when it was canonical */
	int have = have_h_in && k == kind && clen == len &&
		   !memcmp(out->canonical, input, len);
	return check_one(rd, audience == SDX_AUD_BANK, k, clen, today,
			 use_filter, &fp, have, ek, out);
}

int sdx_check(sdx_db *db, sdx_kind kind, const char *input, size_t len,
	      int32_t today, sdx_check_result *out, sdx_norm_error *err)
{
	return sdx_check_view(db, SDX_AUD_POLICE, kind, input, len, today, out,
			      err);
}
