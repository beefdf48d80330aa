/* filter.c: the check filter, a split-block Bloom filter (Parquet's
 * SBBF: 32-byte blocks, one bit in each of 8 words) over XXH3-64 of the
 * entity keys. It lives in the map as 64 KiB values of sub-db `filter`, is
 * updated in the write transaction that adds an entity, and is read
 * zero-copy from the map, so most unreported identifiers are answered
 * without touching the entity B-tree. It doubles (rebuilt from `entity`)
 * when it holds more keys than its capacity (16 bits a key). */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

#include "hash.h"

static const uint32_t salt[8] = {0x47b6137bu, 0x44974d91u, 0x8824ad5bu,
				 0xa2b7289du, 0x705495c7u, 0x2df1424bu,
				 0x9efc4947u, 0x5c6bfb31u};

static const char hdr_name[] = "filter";

static int hdr_read(MDB_txn *txn, struct sdx_db *db, uint32_t *nchunks,
		    uint64_t *count)
{
	MDB_val k = {sizeof hdr_name - 1, (void *)hdr_name}, d;
	int rc = mdb_get(txn, db->meta, &k, &d);
	if (rc == MDB_NOTFOUND) {
		*nchunks = 0;
		*count = 0;
		return 0;
	}
	if (rc)
		return rc;
	if (d.mv_size != 16)
		return MDB_CORRUPTED;
	*nchunks = le32_get(d.mv_data);
	*count = le64_get((const uint8_t *)d.mv_data + 8);
	return 0;
}

static inline uint64_t block_of(uint64_t h, uint32_t nchunks)
{
	return ((h >> 32) * ((uint64_t)nchunks * FILTER_BLOCKS_PER_CHUNK)) >>
	       32;
}

static void set_bits(uint8_t *block, uint64_t h)
{
	uint32_t key = (uint32_t)h;
	for (int i = 0; i < 8; i++) {
		uint32_t wd;
		memcpy(&wd, block + 4 * i, 4);
		wd |= 1u << ((key * salt[i]) >> 27);
		memcpy(block + 4 * i, &wd, 4);
	}
}

/* Branch-free: all eight words load at once (a block that straddles two
 * cache lines costs one wait, not two). */
static int test_bits(const uint8_t *block, uint64_t h)
{
	uint32_t key = (uint32_t)h, missing = 0;
	for (int i = 0; i < 8; i++) {
		uint32_t wd;
		memcpy(&wd, block + 4 * i, 4);
		missing |= ~wd & (1u << ((key * salt[i]) >> 27));
	}
	return missing == 0;
}

void filter_release(struct wtxn *w)
{
	if (w->f_chunks) {
		for (uint32_t i = 0; i < w->f_nchunks; i++)
			free(w->f_chunks[i]);
		free(w->f_chunks);
	}
	w->f_chunks = NULL;
	w->f_loaded = w->f_dirty = 0;
}

/* In core/normalize/readings.c. */
int norm_phone_of_account(sdx_kind kind, const char *canon, size_t len,
			  char out[SDX_CANON_MAX]);

uint64_t filter_marker_hash(const char *phone, size_t len)
{
	uint8_t k[EKEY_MAX];
	k[0] = FILTER_MARKER;
	memcpy(k + 1, phone, len);
	return sdx_hash64(k, 1 + len);
}

int filter_key_marker(const uint8_t *ek, size_t eklen, uint64_t *h)
{
	char phone[SDX_CANON_MAX];
	/* cheap tests first: a handle with ":+", an e-wallet's account */
	if (eklen < 8 ||
	    !((ek[0] == SDX_KIND_HANDLE && memchr(ek + 1, '+', eklen - 1)) ||
	      (ek[0] == SDX_KIND_BANK && ek[1] == '9' && ek[2] == '7' &&
	       ek[3] == '1')) ||
	    !norm_phone_of_account((sdx_kind)ek[0], (const char *)ek + 1,
				   eklen - 1, phone))
		return 0;
	*h = filter_marker_hash(phone, strlen(phone));
	return 1;
}

size_t filter_key_hashes(const uint8_t *ek, size_t eklen, uint64_t h[2])
{
	h[0] = sdx_hash64(ek, eklen);
	return 1 + (size_t)filter_key_marker(ek, eklen, &h[1]);
}

static int load(struct wtxn *w)
{
	if (w->f_loaded)
		return 0;
	int rc = hdr_read(w->txn, w->db, &w->f_nchunks, &w->f_count);
	if (rc)
		return rc;
	/* no filter yet: one chunk, written only once a key is added (a
	 * header without its chunk is a filter verify finds wrong) */
	if (w->f_nchunks == 0)
		w->f_nchunks = 1;
	w->f_chunks = calloc(w->f_nchunks, sizeof *w->f_chunks);
	if (!w->f_chunks)
		return SDX_ENOMEM;
	w->f_loaded = 1;
	return 0;
}

/* The private, writable copy of chunk i. */
static uint8_t *chunk(struct wtxn *w, uint32_t i, int *rc)
{
	if (w->f_chunks[i])
		return w->f_chunks[i];
	uint8_t *c = malloc(FILTER_CHUNK);
	if (!c) {
		*rc = SDX_ENOMEM;
		return NULL;
	}
	uint8_t kb[4];
	be32_put(kb, i);
	MDB_val k = {4, kb}, d;
	int r = mdb_get(w->txn, w->db->filter, &k, &d);
	if (!r && d.mv_size == FILTER_CHUNK)
		memcpy(c, d.mv_data, FILTER_CHUNK);
	else if (!r || r == MDB_NOTFOUND)
		memset(c, 0, FILTER_CHUNK);
	else {
		free(c);
		*rc = r;
		return NULL;
	}
	w->f_chunks[i] = c;
	return c;
}

static int add_bits(struct wtxn *w, uint64_t h)
{
	uint64_t b = block_of(h, w->f_nchunks);
	int rc = 0;
	uint8_t *c = chunk(w, (uint32_t)(b / FILTER_BLOCKS_PER_CHUNK), &rc);
	if (!c)
		return rc;
	set_bits(c + (b % FILTER_BLOCKS_PER_CHUNK) * 32, h);
	return 0;
}

/* Rebuild with nchunks chunks from every key of `entity`. */
static int rebuild(struct wtxn *w, uint32_t nchunks)
{
	filter_release(w);
	w->f_chunks = calloc(nchunks, sizeof *w->f_chunks);
	if (!w->f_chunks)
		return SDX_ENOMEM;
	w->f_nchunks = nchunks;
	w->f_loaded = w->f_dirty = 1;
	w->db->filter_rebuilds++; /* under the write lock */
	for (uint32_t i = 0; i < nchunks; i++) {
		w->f_chunks[i] = calloc(1, FILTER_CHUNK);
		if (!w->f_chunks[i])
			return SDX_ENOMEM;
	}
	MDB_cursor *c;
	int rc = mdb_cursor_open(w->txn, w->db->entity, &c);
	if (rc)
		return rc;
	MDB_val k, d;
	uint64_t n = 0;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		uint64_t h[2];
		size_t nh = filter_key_hashes(k.mv_data, k.mv_size, h);
		for (size_t i = 0; !rc && i < nh; i++)
			rc = add_bits(w, h[i]);
		if (rc)
			break;
		n += nh;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	w->f_count = n;
	return 0;
}

int filter_rebuild(struct wtxn *w)
{
	int rc = load(w);
	return rc ? rc : rebuild(w, w->f_nchunks);
}

/* Room for `more` keys beyond those held: doubled (rebuilt from
 * `entity`) as often as needed, now. A writer that is about to rewrite
 * `entity` by a merge asks first, because a rebuild in the middle of the
 * merge would read a table holding only part of its keys and leave the
 * others out of the filter: checks of them would answer "not reported". */
int filter_reserve(struct wtxn *w, uint64_t more)
{
	int rc = load(w);
	if (rc)
		return rc;
	if (w->f_count + more <= (uint64_t)w->f_nchunks * FILTER_KEYS_PER_CHUNK)
		return 0;
	if (w->entity_merging)
		return SDX_EINVAL; /* never: the merge reserved room first */
	uint32_t n = w->f_nchunks;
	while (w->f_count + more > (uint64_t)n * FILTER_KEYS_PER_CHUNK)
		n *= 2;
	return rebuild(w, n);
}

void filter_prefetch(const struct wtxn *w, uint64_t h)
{
	if (!w->f_loaded)
		return;
	uint64_t b = block_of(h, w->f_nchunks);
	const uint8_t *c = w->f_chunks[b / FILTER_BLOCKS_PER_CHUNK];
	if (c)
		__builtin_prefetch(c + (b % FILTER_BLOCKS_PER_CHUNK) * 32);
}

int filter_add(struct wtxn *w, uint64_t h)
{
	int rc = filter_reserve(w, 1);
	if (rc)
		return rc;
	if ((rc = add_bits(w, h)))
		return rc;
	w->f_count++;
	w->f_dirty = 1;
	return 0;
}

int filter_migrate_markers(MDB_txn *txn, struct sdx_db *db)
{
	struct wtxn w;
	memset(&w, 0, sizeof w);
	w.db = db;
	w.txn = txn;
	int rc = hdr_read(txn, db, &w.f_nchunks, &w.f_count);
	/* no filter yet (no entity): nothing to hold markers */
	if (!rc && w.f_nchunks > 0 && !(rc = filter_rebuild(&w)) &&
	    !(rc = filter_reserve(&w, 0)))
		rc = filter_flush(&w);
	filter_release(&w);
	return rc;
}

int filter_add_key(struct wtxn *w, const uint8_t *ek, size_t eklen, uint64_t h)
{
	uint64_t hm;
	int rc = filter_add(w, h);
	if (!rc && filter_key_marker(ek, eklen, &hm))
		rc = filter_add(w, hm);
	return rc;
}

int filter_flush(struct wtxn *w)
{
	if (!w->f_loaded || !w->f_dirty)
		return 0;
	uint8_t hb[16] = {0};
	le32_put(hb, w->f_nchunks);
	le64_put(hb + 8, w->f_count);
	MDB_val k = {sizeof hdr_name - 1, (void *)hdr_name}, d = {16, hb};
	int rc = mdb_put(w->txn, w->db->meta, &k, &d, 0);
	for (uint32_t i = 0; !rc && i < w->f_nchunks; i++) {
		if (!w->f_chunks[i])
			continue;
		uint8_t kb[4];
		be32_put(kb, i);
		MDB_val ck = {4, kb}, cd = {FILTER_CHUNK, w->f_chunks[i]};
		rc = mdb_put(w->txn, w->db->filter, &ck, &cd, 0);
	}
	return rc;
}

/* The reader's view of the filter, for its current snapshot. */
static int reader_sync(struct reader *rd)
{
	struct sdx_db *db = rd->db;
	uint64_t id = mdb_txn_id(rd->txn);
	unsigned gen = atomic_load(&db->mapgen);
	if (id == rd->snap && gen == rd->mapgen && rd->f_chunks)
		return 0;
	uint32_t n;
	uint64_t count;
	int rc = hdr_read(rd->txn, db, &n, &count);
	if (rc)
		return store_err(rc);
	if (n > rd->f_cap) {
		const uint8_t **p = realloc(rd->f_chunks, n * sizeof *p);
		if (!p)
			return SDX_ENOMEM;
		rd->f_chunks = p;
		rd->f_cap = n;
	}
	if (n)
		memset(rd->f_chunks, 0, n * sizeof *rd->f_chunks);
	rd->f_nchunks = n;
	rd->snap = id;
	rd->mapgen = gen;
	if (!rd->f_chunks) {
		rd->f_chunks = calloc(1, sizeof *rd->f_chunks);
		if (!rd->f_chunks)
			return SDX_ENOMEM;
		rd->f_cap = 1;
	}
	return 0;
}

/* The block of h; NULL when there is no filter or no such chunk (then
 * every key may be present). */
static const uint8_t *block_at(struct reader *rd, uint64_t h)
{
	if (rd->f_nchunks == 0)
		return NULL;
	uint64_t b = block_of(h, rd->f_nchunks);
	uint32_t ci = (uint32_t)(b / FILTER_BLOCKS_PER_CHUNK);
	const uint8_t *c = rd->f_chunks[ci];
	if (!c) {
		uint8_t kb[4];
		be32_put(kb, ci);
		MDB_val k = {4, kb}, d;
		int rc = mdb_get(rd->txn, rd->db->filter, &k, &d);
		if (rc || d.mv_size != FILTER_CHUNK)
			return NULL; /* no chunk: fall through to the B-tree */
		c = rd->f_chunks[ci] = d.mv_data;
	}
	return c + (b % FILTER_BLOCKS_PER_CHUNK) * 32;
}

int filter_sync(struct reader *rd)
{
	return reader_sync(rd);
}

const uint8_t *filter_block_synced(struct reader *rd, uint64_t h)
{
	const uint8_t *blk = block_at(rd, h);
	if (blk) {
		__builtin_prefetch(blk);
		__builtin_prefetch(blk + 31);
	}
	return blk;
}

const uint8_t *filter_block(struct reader *rd, uint64_t h, int *rc)
{
	if ((*rc = reader_sync(rd)))
		return NULL;
	return filter_block_synced(rd, h);
}

int filter_test(const uint8_t *blk, uint64_t h)
{
	return blk ? test_bits(blk, h) : 1;
}

int filter_maybe(struct reader *rd, uint64_t h)
{
	int rc;
	const uint8_t *blk = filter_block(rd, h, &rc);
	return rc ? rc : filter_test(blk, h);
}

int filter_verify(MDB_txn *txn, struct sdx_db *db,
		  int (*say)(void *ctx, const char *msg), void *ctx)
{
	uint32_t n;
	uint64_t count;
	int rc = hdr_read(txn, db, &n, &count);
	if (rc || n == 0)
		return rc;
	uint8_t *want = calloc(n, FILTER_CHUNK);
	if (!want)
		return SDX_ENOMEM;
	MDB_cursor *c;
	if ((rc = mdb_cursor_open(txn, db->entity, &c))) {
		free(want);
		return rc;
	}
	MDB_val k, d;
	uint64_t entities = 0;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		uint64_t h[2];
		size_t nh = filter_key_hashes(k.mv_data, k.mv_size, h);
		for (size_t i = 0; i < nh; i++)
			set_bits(want + block_of(h[i], n) * 32, h[i]);
		entities += nh;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND) {
		free(want);
		return rc;
	}
	rc = 0;
	char msg[160];
	if (entities != count) {
		snprintf(msg, sizeof msg,
			 "check filter: holds %llu identifiers, "
			 "the database %llu",
			 (unsigned long long)count,
			 (unsigned long long)entities);
		rc = say(ctx, msg);
	}
	for (uint32_t i = 0; !rc && i < n; i++) {
		uint8_t kb[4];
		be32_put(kb, i);
		MDB_val ck = {4, kb}, cd;
		int r2 = mdb_get(txn, db->filter, &ck, &cd);
		if (r2 || cd.mv_size != FILTER_CHUNK ||
		    memcmp(cd.mv_data, want + (size_t)i * FILTER_CHUNK,
			   FILTER_CHUNK)) {
			snprintf(msg, sizeof msg,
				 "check filter: part %u of %u differs "
				 "from the identifiers it should hold",
				 i + 1, n);
			rc = say(ctx, msg);
		}
	}
	free(want);
	return rc;
}
