/* show.c: an identifier's reports (newest first) and the link graph
 * (breadth-first over shared reports). */
#include "store.h"
#include "grow.h"

#include <stdlib.h>

#include "hash.h"

struct er_list {
	uint8_t (*v)[ER_LEN];
	size_t n, cap;
};

static int er_push(struct er_list *l, const uint8_t *v)
{
	int rc = sdx_grow(&l->v, &l->cap, l->n + 1, ER_LEN, 64);
	if (rc)
		return rc;
	memcpy(l->v[l->n++], v, ER_LEN);
	return 0;
}

/* newest first: descending date, then id */
static int er_cmp_desc(const void *a, const void *b)
{
	return -memcmp(a, b, 20);
}

/* Collect the entity_report entries of one entity. */
static int er_collect(MDB_txn *txn, struct sdx_db *db, const uint8_t *ek,
		      size_t eklen, struct er_list *l)
{
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, db->entity_report, &c);
	if (rc)
		return rc;
	MDB_val k = {eklen, (void *)ek}, d;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_DUP)) {
		if (d.mv_size != ER_LEN) {
			rc = SDX_ECORRUPT;
			break;
		}
		if ((rc = er_push(l, d.mv_data)))
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int account_collect(MDB_txn *txn, struct sdx_db *db, const char *acct,
			   struct er_list *l)
{
	MDB_cursor *c;
	size_t len = strlen(acct);
	int rc = mdb_cursor_open(txn, db->account_bank, &c);
	if (rc)
		return rc;
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
		if ((rc = er_collect(txn, db, ek, eklen, l)))
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int sdx_show(sdx_db *db, sdx_kind kind, const char *canonical, int audience,
	     sdx_report_cb cb, void *ctx)
{
	if (!db || !canonical || !cb || kind < SDX_KIND_PHONE ||
	    kind > SDX_KIND_ACCOUNT)
		return SDX_EINVAL;
	size_t clen = strnlen(canonical, SDX_CANON_MAX);
	if (clen >= SDX_CANON_MAX)
		return SDX_ETOOLONG;
	sdx_report *r = malloc(sizeof *r);
	if (!r)
		return SDX_ENOMEM;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc) {
		free(r);
		return rc;
	}
	struct er_list l = {NULL, 0, 0};
	if (kind == SDX_KIND_ACCOUNT) {
		rc = account_collect(rd->txn, db, canonical, &l);
	} else {
		uint8_t ek[EKEY_MAX];
		size_t eklen = ekey_make(kind, canonical, clen, ek);
		rc = er_collect(rd->txn, db, ek, eklen, &l);
	}
	if (!rc && l.n)
		qsort(l.v, l.n, ER_LEN, er_cmp_desc);
	for (size_t i = 0; !rc && i < l.n; i++) {
		if (i > 0 && !memcmp(l.v[i], l.v[i - 1], 20))
			continue;
		MDB_val k = {16, l.v[i] + 4}, d;
		if ((rc = mdb_get(rd->txn, db->report, &k, &d)))
			break;
		rc = report_fill(rd->txn, db, l.v[i] + 4, d.mv_data, d.mv_size,
				 audience, r);
		if (rc == SDX_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (!rc)
			rc = cb(r, ctx);
	}
	free(l.v);
	reader_put(rd);
	free(r);
	return walk_end(rc);
}

/* ---- links ---- */

struct node {
	uint8_t key[EKEY_MAX];
	uint16_t len;
	unsigned depth;
};

struct graph {
	struct node *q;
	size_t n, cap;
	uint32_t *set; /* open addressing: node index + 1, 0 = empty */
	size_t setcap;
	uint8_t (*rep)[16]; /* expanded reports, open addressing */
	size_t nrep, repcap;
};

static uint64_t key_hash(const uint8_t *k, size_t n)
{
	return sdx_hash64(k, n);
}

static int set_grow(struct graph *g)
{
	size_t cap = g->setcap ? g->setcap * 2 : 256;
	uint32_t *s = calloc(cap, sizeof *s);
	if (!s)
		return SDX_ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		size_t j = key_hash(g->q[i].key, g->q[i].len) & (cap - 1);
		while (s[j])
			j = (j + 1) & (cap - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(g->set);
	g->set = s;
	g->setcap = cap;
	return 0;
}

/* Index of the node with this key, or -1. */
static long node_find(const struct graph *g, const uint8_t *k, size_t n)
{
	if (!g->setcap)
		return -1;
	size_t j = key_hash(k, n) & (g->setcap - 1);
	while (g->set[j]) {
		const struct node *nd = &g->q[g->set[j] - 1];
		if (nd->len == n && !memcmp(nd->key, k, n))
			return (long)(g->set[j] - 1);
		j = (j + 1) & (g->setcap - 1);
	}
	return -1;
}

static int node_add(struct graph *g, const uint8_t *k, size_t n, unsigned depth)
{
	int rc;
	if ((g->n + 1) * 2 > g->setcap && (rc = set_grow(g)))
		return rc;
	if ((rc = sdx_grow(&g->q, &g->cap, g->n + 1, sizeof *g->q, 64)))
		return rc;
	struct node *nd = &g->q[g->n];
	memcpy(nd->key, k, n);
	nd->len = (uint16_t)n;
	nd->depth = depth;
	size_t j = key_hash(k, n) & (g->setcap - 1);
	while (g->set[j])
		j = (j + 1) & (g->setcap - 1);
	g->set[j] = (uint32_t)(++g->n);
	return 0;
}

/* 1 if the report was already expanded, else records it. */
static int rep_seen(struct graph *g, const uint8_t id[16], int *seen)
{
	if ((g->nrep + 1) * 2 > g->repcap) {
		size_t cap = g->repcap ? g->repcap * 2 : 256;
		uint8_t(*r)[16] = calloc(cap, 16);
		if (!r)
			return SDX_ENOMEM;
		static const uint8_t zero[16];
		for (size_t i = 0; i < g->repcap; i++) {
			if (!memcmp(g->rep[i], zero, 16))
				continue;
			size_t j = le64_get(g->rep[i]) & (cap - 1);
			while (memcmp(r[j], zero, 16))
				j = (j + 1) & (cap - 1);
			memcpy(r[j], g->rep[i], 16);
		}
		free(g->rep);
		g->rep = r;
		g->repcap = cap;
	}
	static const uint8_t zero[16];
	size_t j = le64_get(id) & (g->repcap - 1);
	while (memcmp(g->rep[j], zero, 16)) {
		if (!memcmp(g->rep[j], id, 16)) {
			*seen = 1;
			return 0;
		}
		j = (j + 1) & (g->repcap - 1);
	}
	memcpy(g->rep[j], id, 16);
	g->nrep++;
	*seen = 0;
	return 0;
}

int sdx_links(sdx_db *db, sdx_kind kind, const char *canonical, unsigned depth,
	      size_t limit, int audience, sdx_link_cb cb, void *ctx,
	      int *truncated)
{
	if (!db || !canonical || !cb || kind < SDX_KIND_PHONE ||
	    kind > SDX_KIND_DOMAIN)
		return SDX_EINVAL;
	size_t clen = strnlen(canonical, SDX_CANON_MAX);
	if (clen >= SDX_CANON_MAX)
		return SDX_ETOOLONG;
	if (truncated)
		*truncated = 0;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	struct graph g;
	memset(&g, 0, sizeof g);
	struct er_list l = {NULL, 0, 0};
	uint8_t ek[EKEY_MAX];
	size_t eklen = ekey_make(kind, canonical, clen, ek);
	size_t count = 0;
	int stop = 0;
	rc = node_add(&g, ek, eklen, 0);
	for (size_t qi = 0; !rc && !stop && qi < g.n; qi++) {
		if (g.q[qi].depth >= depth)
			continue;
		struct node cur = g.q[qi]; /* g.q may move */
		l.n = 0;
		if ((rc = er_collect(rd->txn, db, cur.key, cur.len, &l)))
			break;
		/* newest reports first, as show */
		if (l.n)
			qsort(l.v, l.n, ER_LEN, er_cmp_desc);
		for (size_t i = 0; !rc && !stop && i < l.n; i++) {
			const uint8_t *id = l.v[i] + 4;
			int seen;
			if (l.v[i][20] & ER_RETRACTED)
				continue;
			if ((rc = rep_seen(&g, id, &seen)) || seen)
				continue;
			MDB_val k = {16, (void *)id}, d;
			codec_report_view v;
			if ((rc = mdb_get(rd->txn, db->report, &k, &d)) ||
			    (rc = codec_report_view_decode(d.mv_data, d.mv_size,
							   &v)))
				break;
			if (audience == SDX_AUD_BANK &&
			    v.audience != SDX_AUD_BANK)
				continue;
			for (size_t j = 0; !rc && j < v.n_idents; j++) {
				const codec_ident *in = &v.idents[j];
				uint8_t k2[EKEY_MAX];
				size_t k2len =
				    ekey_make(in->kind, in->canonical.p,
					      in->canonical.len, k2);
				if ((k2len == cur.len &&
				     !memcmp(k2, cur.key, k2len)) ||
				    (k2len == eklen && !memcmp(k2, ek, eklen)))
					continue;
				long idx = node_find(&g, k2, k2len);
				unsigned nd;
				if (idx < 0) {
					if (limit && count >= limit) {
						if (truncated)
							*truncated = 1;
						stop = 1;
						break;
					}
					if ((rc = node_add(&g, k2, k2len,
							   cur.depth + 1)))
						break;
					count++;
					nd = cur.depth + 1;
				} else {
					nd = g.q[idx].depth;
				}
				char canon[SDX_CANON_MAX];
				memcpy(canon, in->canonical.p,
				       in->canonical.len);
				canon[in->canonical.len] = 0;
				sdx_link link = {(sdx_kind)in->kind, canon,
						 (sdx_role)in->role, {0},
						 v.category,	     nd};
				memcpy(link.report_id, id, 16);
				if ((rc = cb(&link, ctx)))
					stop = 1;
			}
		}
	}
	free(l.v);
	free(g.q);
	free(g.set);
	free(g.rep);
	reader_put(rd);
	return walk_end(rc);
}
