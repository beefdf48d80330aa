/* addset.c: reports waiting to be written, then written in key order.
 *
 * A batch of local reports (write.c) and a session of received
 * operations (oplog.c) keep the reports they add here and write them,
 * their entities and entity_report entries only at the end, sorted by
 * key: sorted writes touch each B-tree page once, and LMDB finds the next
 * key's leaf from the cursor's page without a descent from the root. Each
 * entity is read and written once for all of its reports in the set. An
 * ordinary batch asks a hash set at once whether a report is already
 * there; a bulk batch and a session (nodedup) keep no set: the sort puts
 * a report given twice next to its twin, and the commit keeps the first.
 * The bodies wait in a spill (spill.c): past 16 MiB, in a file; so do
 * the entries, pairs and keys past 16 MiB an array (bigmem.c). */
#include "store.h"

#include <stdlib.h>

#include "grow.h"
#include "hash.h"

void addset_free(struct addset *s)
{
	spill_free(&s->bodies);
	bigmem_free(&s->ents_mem, &s->ents);
	bigmem_free(&s->keys_mem, &s->keys);
	bigmem_free(&s->cons_mem, &s->cons);
	free(s->set);
	free(s->er.v);
	memset(s, 0, sizeof *s);
}

/* An entry's body: in the spill, or among the caller's stable bytes. */
static const uint8_t *body_of(const struct addset *s, uint64_t off)
{
	return off & ADDSET_EXT ? s->ext + (off & ~ADDSET_EXT) : s->base + off;
}

void addset_clear(struct addset *s)
{
	spill_clear(&s->bodies);
	s->base = NULL;
	s->nent = s->keylen = s->ncon = s->ext_bytes = 0;
	s->hint_ok = 0;
	if (s->set)
		memset(s->set, 0, s->setcap * sizeof *s->set);
}

/* A set slot: entry index + 1 in the low half (0: empty), and bytes 8-11
 * of the id in the high half, so that a probe reads the entry (a cache
 * miss: the entries are big and many) only when those match too. */
static uint64_t slot_tag(const uint8_t id[16])
{
	return (uint64_t)le32_get(id + 8) << 32;
}

static size_t set_slot(const struct addset *s, const uint8_t id[16], int *found)
{
	size_t mask = s->setcap - 1, j = le64_get(id) & mask;
	uint64_t tag = slot_tag(id);
	*found = 0;
	while (s->set[j]) {
		if ((s->set[j] & ~(uint64_t)UINT32_MAX) == tag &&
		    !memcmp(s->ents[(uint32_t)s->set[j] - 1].c.id, id, 16)) {
			*found = 1;
			break;
		}
		j = (j + 1) & mask;
	}
	return j;
}

static int set_resize(struct addset *s, size_t cap)
{
	uint64_t *n = calloc(cap, sizeof *n);
	if (!n)
		return SDX_ENOMEM;
	free(s->set);
	s->set = n;
	s->setcap = cap;
	s->hint_ok = 0;
	for (size_t i = 0; i < s->nent; i++) {
		int found;
		size_t j = set_slot(s, s->ents[i].c.id, &found);
		s->set[j] = slot_tag(s->ents[i].c.id) | (uint32_t)(i + 1);
	}
	return 0;
}

static int set_grow(struct addset *s)
{
	return set_resize(s, s->setcap ? s->setcap * 2 : 4096);
}

int addset_find(struct addset *s, const uint8_t id[16], const struct addent **e)
{
	*e = NULL;
	if ((s->nent + 1) * 2 > s->setcap) {
		int rc = set_grow(s);
		if (rc)
			return rc;
	}
	int found;
	size_t j = set_slot(s, id, &found);
	if (found) {
		*e = &s->ents[(uint32_t)s->set[j] - 1];
	} else { /* addset_put of this id takes the slot without a probe */
		s->hint_slot = j;
		memcpy(s->hint_id, id, 16);
		s->hint_ok = 1;
	}
	return 0;
}

/* The arrays, one growth rule: in memory, then past BIGMEM_AT in a file
 * (bigmem.c). */
static int grow_ents(struct addset *s, size_t need)
{
	return bigmem_grow(&s->ents_mem, s->dir, &s->ents, &s->capent, need,
			   sizeof *s->ents, 1024);
}

static int grow_cons(struct addset *s, size_t need)
{
	return bigmem_grow(&s->cons_mem, s->dir, &s->cons, &s->capcon, need,
			   sizeof *s->cons, 1024);
}

static int grow_keys(struct addset *s, size_t need)
{
	return bigmem_grow(&s->keys_mem, s->dir, &s->keys, &s->keycap, need, 1,
			   1024);
}

/* n more, capped at what memory holds before a file (half: growth
 * doubles): a file's blocks are allocated only as it grows, and a large
 * batch's growth does not copy */
static size_t upto(size_t have, size_t n, size_t elem)
{
	size_t most = BIGMEM_AT / elem / 2;
	return have + (n < most ? n : most);
}

int addset_reserve(struct addset *s, size_t n)
{
	int rc;
	if ((rc = grow_ents(s, upto(s->nent, n, sizeof *s->ents))) ||
	    (rc = grow_cons(s, upto(s->ncon, 2 * n, sizeof *s->cons))) ||
	    (rc = spill_reserve(&s->bodies, 256 * n)) ||
	    (rc = grow_keys(s, upto(s->keylen, 40 * n, 1))))
		return rc;
	if (s->nodedup) /* no set to size */
		return 0;
	size_t cap = s->setcap ? s->setcap : 4096;
	while (cap < 2 * (s->nent + n))
		cap *= 2;
	return cap > s->setcap ? set_resize(s, cap) : 0;
}

/* 16 key bytes from p (len bytes), big-endian, zero-padded: zero is the
 * smallest byte, so the pair orders like LMDB's memcmp-then-length. */
static void key_prefix(const uint8_t *p, size_t len, struct addcon *c)
{
	uint8_t b[16] = {0};
	memcpy(b, p, len < 16 ? len : 16);
	c->p0 = be64_get(b);
	c->p1 = be64_get(b + 8);
}

int addset_put(struct addset *s, const codec_report_view *v,
	       const uint8_t id[16], const uint8_t *body, size_t len)
{
	size_t nkeys = 0;
	for (size_t i = 0; i < v->n_idents; i++)
		nkeys += 1 + v->idents[i].canonical.len;
	int rc;
	size_t off;
	if (s->nent + 1 >= ADDSET_MAX || s->keylen + nkeys > UINT32_MAX)
		return SDX_ENOMEM;
	if (s->ext && body >= s->ext && len <= s->ext_len &&
	    (size_t)(body - s->ext) <= s->ext_len - len) {
		off = ADDSET_EXT | (size_t)(body - s->ext);
		s->ext_bytes += len;
	} else if ((rc = spill_append(&s->bodies, s->dir, body, len, &off))) {
		return rc;
	}
	if ((rc = grow_ents(s, s->nent + 1)) ||
	    (rc = grow_keys(s, s->keylen + nkeys)) ||
	    (rc = grow_cons(s, s->ncon + v->n_idents)))
		return rc;
	if (!s->nodedup && (s->nent + 1) * 2 > s->setcap && (rc = set_grow(s)))
		return rc;
	struct addent *e = &s->ents[s->nent];
	e->off = off;
	e->len = (uint32_t)len;
	e->audience = (uint8_t)v->audience;
	contrib_from_view(&e->c, v, id, 0);
	e->stored = 0;
	e->logged = 0;
	for (size_t i = 0; i < v->n_idents; i++) {
		const codec_ident *in = &v->idents[i];
		if (same_entity(v, i))
			continue;
		struct addcon *c = &s->cons[s->ncon++];
		size_t klen = ekey_make(in->kind, in->canonical.p,
					in->canonical.len, s->keys + s->keylen);
		c->koff = (uint32_t)s->keylen;
		c->klen = (uint32_t)klen & 0x1ffu;
		c->ent = (uint32_t)s->nent & 0x7fffffu;
		key_prefix(s->keys + s->keylen, klen, c);
		s->keylen += klen;
	}
	if (s->nodedup) {
		s->nent++;
		return 0;
	}
	int found;
	size_t j = s->hint_ok && !memcmp(s->hint_id, id, 16)
		       ? s->hint_slot
		       : set_slot(s, id, &found);
	s->hint_ok = 0;
	s->set[j] = slot_tag(id) | (uint32_t)(++s->nent);
	return 0;
}

void addset_logged(struct addset *s, uint32_t oindex, uint64_t oseq)
{
	struct addent *e = &s->ents[s->nent - 1];
	e->logged = 1;
	e->oindex = oindex;
	e->oseq = oseq;
}

/* ---- sorting: key order, then insertion order ---- */

/* The order of two pairs' identifier keys (<0, 0, >0): the first 16
 * bytes as two numbers, then the rest, then the length. */
static inline int key_cmp(const struct addcon *a, const struct addcon *b,
			  const uint8_t *keys)
{
	if (a->p0 != b->p0)
		return a->p0 < b->p0 ? -1 : 1;
	if (a->p1 != b->p1)
		return a->p1 < b->p1 ? -1 : 1;
	if (a->klen > 16 && b->klen > 16) {
		size_t n = (a->klen < b->klen ? a->klen : b->klen) - 16;
		int c = memcmp(keys + a->koff + 16, keys + b->koff + 16, n);
		if (c)
			return c;
	}
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	return 0;
}

static inline int con_less(const struct addcon *a, const struct addcon *b,
			   const uint8_t *keys)
{
	int c = key_cmp(a, b, keys);
	return c ? c < 0 : a->ent < b->ent;
}

static void con_swap(struct addcon *a, struct addcon *b)
{
	struct addcon t = *a;
	*a = *b;
	*b = t;
}

static void sift_down(struct addcon *a, size_t i, size_t n, const uint8_t *keys)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && con_less(&a[c], &a[c + 1], keys))
			c++;
		if (!con_less(&a[i], &a[c], keys))
			return;
		con_swap(&a[i], &a[c]);
		i = c;
	}
}

/* Introsort with an inlined comparison (qsort's indirect calls and
 * memcmp were a tenth of an import); heapsort below a depth limit keeps
 * the worst case n log n. Elements are distinct (ent breaks ties). */
static void con_sort(struct addcon *a, size_t n, const uint8_t *keys, int depth)
{
	while (n > 16) {
		if (depth-- == 0) {
			for (size_t i = n / 2; i-- > 0;)
				sift_down(a, i, n, keys);
			for (size_t i = n - 1; i > 0; i--) {
				con_swap(&a[0], &a[i]);
				sift_down(a, 0, i, keys);
			}
			return;
		}
		size_t m = n / 2;
		if (con_less(&a[m], &a[0], keys))
			con_swap(&a[m], &a[0]);
		if (con_less(&a[n - 1], &a[0], keys))
			con_swap(&a[n - 1], &a[0]);
		if (con_less(&a[n - 1], &a[m], keys))
			con_swap(&a[n - 1], &a[m]);
		struct addcon pivot = a[m];
		size_t i = 0, j = n - 1;
		for (;;) {
			while (con_less(&a[i], &pivot, keys))
				i++;
			while (con_less(&pivot, &a[j], keys))
				j--;
			if (i >= j)
				break;
			con_swap(&a[i], &a[j]);
			i++;
			j--;
		}
		/* [0, j] <= pivot <= [j + 1, n): recurse on the smaller */
		size_t left = j + 1;
		if (left < n - left) {
			con_sort(a, left, keys, depth);
			a += left;
			n -= left;
		} else {
			con_sort(a + left, n - left, keys, depth);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct addcon t = a[i];
		size_t j = i;
		for (; j > 0 && con_less(&t, &a[j - 1], keys); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

static void sort_cons(struct addcon *a, size_t n, const uint8_t *keys)
{
	int depth = 0;
	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	con_sort(a, n, keys, depth);
}

/* The filter hashes the sorted pairs' distinct keys add at most: each
 * key's, and the marker of an account named by a phone number
 * (filter.c). */
static size_t distinct_keys(const struct addset *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->ncon; i++)
		if (i == 0 || key_cmp(&s->cons[i - 1], &s->cons[i], s->keys)) {
			uint64_t h;
			n += 1 + (size_t)filter_key_marker(s->keys +
							       s->cons[i].koff,
							   s->cons[i].klen, &h);
		}
	return n;
}

/* ---- writing ----
 * The set is walked in key order, so its entries are read at random:
 * they are prefetched AHEAD steps before they are needed (a cache miss
 * per entry was most of the walk's own time). */
#define AHEAD 8

size_t addset_bytes(const struct addset *s, struct sdx_db *db)
{
	return store_need(db, s->nent, s->ncon,
			  s->bodies.len + s->ext_bytes + s->keylen);
}

/* The reports, sorted by id. One the database already holds (the caller
 * did not ask it first), or that came earlier in the set (nodedup: the
 * sort puts the first one first), is marked stored and counted. */
static int write_reports(struct addset *s, struct wtxn *w, size_t *stored)
{
	struct addcon *order = NULL;
	struct bigmem order_mem = {0};
	size_t ordercap = 0;
	int rc = bigmem_grow(&order_mem, s->dir, &order, &ordercap,
			     s->nent ? s->nent : 1, sizeof *order,
			     s->nent ? s->nent : 1);
	if (rc)
		return rc;
	/* ids are 16 bytes: the prefix pair is the whole key, the key
	 * bytes themselves are never read */
	for (size_t i = 0; i < s->nent; i++) {
		order[i].koff = 0;
		order[i].klen = 16;
		order[i].ent = (uint32_t)i & 0x7fffffu;
		key_prefix(s->ents[i].c.id, 16, &order[i]);
	}
	sort_cons(order, s->nent, NULL);
	struct tmerge m;
	MDB_cursor *c = NULL;
	rc = s->merge_ok ? tmerge_open(w, w->db->report, s->nent, &m) : 0;
	if (!rc && !s->merge_ok)
		tmerge_init(&m);
	if (!rc && !m.on)
		rc = mdb_cursor_open(w->txn, w->db->report, &c);
	if (rc) {
		bigmem_free(&order_mem, &order);
		return tmerge_close(&m, rc);
	}
	/* the body that stands for the current id: the database's, or the
	 * first one given (a twin's own differs: its op keeps its copy) */
	MDB_val win = {0, NULL};
	for (size_t i = 0; !rc && i < s->nent; i++) {
		const struct addent *e = &s->ents[order[i].ent];
		/* the entry 2 * AHEAD steps on, then the body of the one
		 * AHEAD steps on, whose entry is in the cache by now (reading
		 * its offset at once waited for the entry's miss) */
		if (i + 2 * AHEAD < s->nent)
			__builtin_prefetch(&s->ents[order[i + 2 * AHEAD].ent]);
		if (i + AHEAD < s->nent)
			__builtin_prefetch(
			    body_of(s, s->ents[order[i + AHEAD].ent].off));
		MDB_val k = {16, (void *)e->c.id},
			d = {e->len, (void *)body_of(s, e->off)};
		if (i && order[i].p0 == order[i - 1].p0 &&
		    order[i].p1 == order[i - 1].p1) {
			s->ents[order[i].ent].stored = 1;
			d = win;
		} else if (m.on) {
			int found;
			MDB_val old;
			if ((rc = tmerge_seek(&m, &k, &old, &found)))
				break;
			if (found) { /* the database's body stays */
				d = old;
				rc = tmerge_keep(&m, &k, &d);
			} else {
				rc = tmerge_put(&m, &k, &d);
			}
			s->ents[order[i].ent].stored = (uint8_t)found;
			win = d;
			if (rc || !found)
				continue;
		} else {
			rc = mdb_cursor_put(c, &k, &d, MDB_NOOVERWRITE);
			if (!rc)
				map_ahead_cursor(w, c, i);
			s->ents[order[i].ent].stored =
			    (uint8_t)(rc == MDB_KEYEXIST);
			win = d; /* LMDB returns the stored body in d */
			if (rc != MDB_KEYEXIST)
				continue;
		}
		++*stored;
		rc = 0;
		/* win stays valid: nothing writes `report` before the next
		 * id, oplog_own_body writes only the log, and a merge's old
		 * bodies are the read transaction's */
		if (e->logged &&
		    (d.mv_size != e->len ||
		     memcmp(d.mv_data, body_of(s, e->off), e->len)))
			rc = oplog_own_body(w, e->oindex, e->oseq,
					    body_of(s, e->off), e->len);
	}
	if (c)
		mdb_cursor_close(c);
	bigmem_free(&order_mem, &order);
	return tmerge_close(&m, rc);
}

/* An entity's new entity_report values in the table's order (memcmp),
 * each once; *n of them. Few: an insertion sort. */
static void er_sort(struct er_pending *p)
{
	uint8_t t[ER_LEN];
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		memcpy(t, p->v + i * ER_LEN, ER_LEN);
		size_t j = n;
		while (j > 0 && memcmp(p->v + (j - 1) * ER_LEN, t, ER_LEN) > 0)
			j--;
		if (j > 0 && !memcmp(p->v + (j - 1) * ER_LEN, t, ER_LEN))
			continue; /* given twice */
		memmove(p->v + (j + 1) * ER_LEN, p->v + j * ER_LEN,
			(n - j) * ER_LEN);
		memcpy(p->v + j * ER_LEN, t, ER_LEN);
		n++;
	}
	p->n = n;
}

int addset_write(struct addset *s, struct wtxn *w, size_t *stored)
{
	*stored = 0;
	int rc = spill_seal(&s->bodies, &s->base);
	if (!rc)
		rc = write_reports(s, w, stored);
	/* a pending retraction or dispute may wait for the report */
	for (size_t i = 0; !rc && i < s->nent; i++) {
		unsigned flags;
		if (s->ents[i].stored)
			continue;
		rc = apply_state_flags(w, s->ents[i].c.id,
				       body_of(s, s->ents[i].off),
				       s->ents[i].len, &flags);
		s->ents[i].c.sflags = (uint8_t)flags;
	}
	if (rc)
		return rc;
	if (s->ncon)
		sort_cons(s->cons, s->ncon, s->keys);
	/* one cursor on `entity`: an existing summary is overwritten where
	 * the read found it, without a second descent; or a merge (merge.c)
	 * when the set is large against the table */
	struct tmerge m, erm;
	MDB_cursor *ec = NULL;
	tmerge_init(&m);
	tmerge_init(&erm);
	if (s->merge_ok &&
	    ((rc = tmerge_open(w, w->db->entity, s->ncon, &m)) ||
	     (rc = tmerge_open(w, w->db->entity_report, s->ncon, &erm))))
		return tmerge_close(&erm, tmerge_close(&m, rc));
	/* a merge empties `entity` at its first write: the filter gets room
	 * for every new key now, while the table is whole (filter.c); room
	 * for the set's distinct keys, not its pairs (about two a key: a
	 * filter doubled for them makes every miss slower). So does a set
	 * written into an empty table (every key new), which would otherwise
	 * double the filter, rebuilding it from `entity`, at every power of
	 * two. */
	MDB_stat est;
	int empty = !m.on && !mdb_stat(w->txn, w->db->entity, &est) &&
		    est.ms_entries == 0;
	if ((m.on || empty) && (rc = filter_reserve(w, distinct_keys(s))))
		return tmerge_close(&erm, tmerge_close(&m, rc));
	w->entity_merging = m.on;
	/* entity_report has the same keys: its merge (of the entity's new
	 * values, which apply_contrib keeps in s->er) walks beside */
	w->er_pend = erm.on ? &s->er : NULL;
	if (!m.on && (rc = mdb_cursor_open(w->txn, w->db->entity, &ec)))
		return tmerge_close(&erm, rc);
	size_t ahead = 0; /* cons[< ahead] have been prefetched */
	/* the keys' hashes from AHEAD steps on, their filter blocks
	 * prefetched (a new key's filter_add missed the cache): cons[i]'s
	 * in hash[i % HASHES] for i < hashed */
	enum { HASHES = 4 * AHEAD };
	uint64_t hash[HASHES];
	size_t hashed = 0;
	size_t nput = 0;
	for (size_t i = 0; !rc && i < s->ncon;) {
		for (; ahead < s->ncon && ahead < i + 2 * AHEAD; ahead++) {
			const struct addent *f = &s->ents[s->cons[ahead].ent];
			__builtin_prefetch(f);
			__builtin_prefetch((const uint8_t *)f + 64);
			__builtin_prefetch(s->keys + s->cons[ahead].koff);
		}
		if (hashed < i)
			hashed = i;
		for (; hashed < s->ncon && hashed < i + AHEAD; hashed++) {
			uint64_t h = sdx_hash64(s->keys + s->cons[hashed].koff,
						s->cons[hashed].klen);
			hash[hashed % HASHES] = h;
			filter_prefetch(w, h);
		}
		const uint8_t *ek = s->keys + s->cons[i].koff;
		size_t eklen = s->cons[i].klen, j = i;
		entity_sum sum;
		MDB_val k = {eklen, (void *)ek}, d;
		int is_new;
		if (m.on) {
			int found;
			rc = tmerge_seek(&m, &k, &d, &found);
			is_new = !found;
		} else {
			rc = mdb_cursor_get(ec, &k, &d, MDB_SET_KEY);
			is_new = rc == MDB_NOTFOUND;
		}
		if (is_new && rc == MDB_NOTFOUND)
			rc = 0;
		if (rc)
			break;
		if (is_new)
			entity_zero(&sum);
		else if ((rc = entity_decode(d.mv_data, d.mv_size, &sum)))
			break;
		int any = 0;
		s->er.n = 0;
		for (; !rc && j < s->ncon && s->cons[j].klen == eklen &&
		       !memcmp(s->keys + s->cons[j].koff, ek, eklen);
		     j++) {
			const struct addent *e = &s->ents[s->cons[j].ent];
			if (e->stored)
				continue;
			any = 1;
			rc = apply_contrib(w, ek, eklen, &sum, &e->c);
		}
		if (rc)
			break;
		if (!any) {
			/* a merge took the old entry: it goes back as it was */
			if (m.on && !is_new)
				rc = tmerge_keep(&m, &k, &d);
			i = j;
			continue;
		}
		uint8_t v[ENTITY_MAX];
		MDB_val kk = {eklen, (void *)ek},
			dd = {entity_encode(&sum, v), v};
		if (erm.on) {
			er_sort(&s->er);
			if ((rc = tmerge_dups(&erm, &kk, s->er.v, s->er.n,
					      ER_LEN)))
				break;
		}
		if (is_new &&
		    (rc = filter_add_key(w, ek, eklen,
					 i < hashed ? hash[i % HASHES]
						    : sdx_hash64(ek, eklen))))
			break;
		if (m.on)
			rc = tmerge_put(&m, &kk, &dd);
		else if (!(rc = mdb_cursor_put(ec, &kk, &dd,
					       is_new ? 0 : MDB_CURRENT)))
			map_ahead_cursor(w, ec, ++nput);
		i = j;
	}
	if (ec)
		mdb_cursor_close(ec);
	w->entity_merging = 0;
	w->er_pend = NULL;
	return tmerge_close(&erm, tmerge_close(&m, rc));
}
