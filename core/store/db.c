/* db.c: the environment: open/create, schema check, error translation,
 * per-thread cached read transactions, write transactions and map
 * growth. */
#define _GNU_SOURCE /* fallocate */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static size_t initial_mapsize = (size_t)64 << 20;

void sdx_db_set_initial_mapsize(size_t bytes)
{
	initial_mapsize = bytes;
}

/* With MDB_WRITEMAP, LMDB extends the file to the map size as a sparse
 * file; a page written into a hole on a full disk would be SIGBUS, not
 * an error. So every block of the map is allocated up front (and a
 * filesystem that cannot do that gets no writable map). */
static int map_reserve(MDB_env *env)
{
	MDB_envinfo info;
	mdb_filehandle_t fd;
	int rc = mdb_env_get_fd(env, &fd);
	if (rc || (rc = mdb_env_info(env, &info)))
		return rc;
	/* fallocate, not posix_fallocate: where the filesystem cannot
	 * reserve blocks (EOPNOTSUPP), glibc would write every block */
	if (fallocate(fd, 0, 0, (off_t)info.me_mapsize))
		return errno;
	return 0;
}

int store_err(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case MDB_NOTFOUND:
		return SDX_ENOTFOUND;
	case MDB_KEYEXIST:
		return SDX_EEXISTS;
	case MDB_INVALID:
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_VERSION_MISMATCH:
	case MDB_INCOMPATIBLE:
	case MDB_BAD_VALSIZE:
		return SDX_ECORRUPT;
	case MDB_MAP_FULL:
	case ENOSPC:
	case EFBIG: /* over the file size limit: no room either */
		return SDX_EFULL;
	case EACCES:
	case EROFS:
	case EPERM:
		return SDX_EREADONLY;
	case ENOENT:
		return SDX_ENODB;
	case ENOMEM:
		return SDX_ENOMEM;
	case EIO:
		return SDX_EIO;
	case MDB_READERS_FULL:
	case EBUSY:
	case EAGAIN:
		return SDX_EBUSY;
	default:
		if (rc <= -40000 && rc > -40100)
			return rc; /* already ours */
		return SDX_EDB;
	}
}

/* ---- readers ---- */

static void reader_free(struct reader *rd)
{
	if (rd->er_cur)
		mdb_cursor_close(rd->er_cur);
	if (rd->ab_cur)
		mdb_cursor_close(rd->ab_cur);
	if (rd->txn)
		mdb_txn_abort(rd->txn);
	free(rd->f_chunks);
	free(rd);
}

static void reader_destroy(void *p)
{
	struct reader *rd = p;
	struct sdx_db *db = rd->db;
	pthread_mutex_lock(&db->rlist_mtx);
	for (struct reader **pp = &db->readers; *pp; pp = &(*pp)->next)
		if (*pp == rd) {
			*pp = rd->next;
			break;
		}
	pthread_mutex_unlock(&db->rlist_mtx);
	reader_free(rd);
}

/* Each reader owns its slot through `busy`: 0 free, 1 in use by its
 * thread, 2 taken by a writer (sweeping parked transactions or resizing
 * the map). */
static void reader_lock(struct reader *rd)
{
	for (;;) {
		int expect = 0;
		if (atomic_compare_exchange_weak(&rd->busy, &expect, 1))
			return;
		sched_yield();
	}
}

/* Between calls a reader keeps its transaction open ("parked") as long
 * as nothing was committed since; the next call then needs no renew. A
 * commit in this process resets every parked transaction (reader_sweep),
 * so old snapshots do not pin pages. */
int reader_get(struct sdx_db *db, struct reader **out)
{
	struct reader *rd = pthread_getspecific(db->rkey);
	int rc;
	if (rd && rd->depth > 0) {
		rd->depth++;
		*out = rd;
		return 0;
	}
	if (!rd) {
		rd = calloc(1, sizeof *rd);
		if (!rd)
			return SDX_ENOMEM;
		rd->db = db;
		pthread_mutex_lock(&db->rlist_mtx);
		rd->next = db->readers;
		db->readers = rd;
		pthread_mutex_unlock(&db->rlist_mtx);
		pthread_setspecific(db->rkey, rd);
	}
	reader_lock(rd);
	if (rd->parked) {
		MDB_envinfo info;
		if (!mdb_env_info(db->env, &info) &&
		    info.me_last_txnid == mdb_txn_id(rd->txn)) {
			rd->depth = 1;
			*out = rd;
			return 0;
		}
		mdb_txn_reset(rd->txn);
		rd->parked = 0;
	}
	for (int tries = 0;; tries++) {
		if (rd->txn)
			rc = mdb_txn_renew(rd->txn);
		else
			rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &rd->txn);
		if (rc == MDB_MAP_RESIZED && tries < 3) {
			/* another process grew the map: adopt its size */
			atomic_store(&rd->busy, 0);
			store_grow(db, 0);
			reader_lock(rd);
			continue;
		}
		break;
	}
	if (rc) {
		atomic_store(&rd->busy, 0);
		return store_err(rc);
	}
	rd->parked = 1;
	rd->cur_ok = 0;
	rd->ab_ok = 0;
	rd->depth = 1;
	*out = rd;
	return 0;
}

void reader_put(struct reader *rd)
{
	if (--rd->depth > 0)
		return;
	atomic_store(&rd->busy, 0);
}

int reader_cursor(struct reader *rd)
{
	if (rd->cur_ok)
		return 0;
	int rc = rd->er_cur ? mdb_cursor_renew(rd->txn, rd->er_cur)
			    : mdb_cursor_open(rd->txn, rd->db->entity_report,
					      &rd->er_cur);
	if (rc)
		return store_err(rc);
	rd->cur_ok = 1;
	return 0;
}

int reader_ab_cursor(struct reader *rd)
{
	if (rd->ab_ok)
		return 0;
	int rc = rd->ab_cur ? mdb_cursor_renew(rd->txn, rd->ab_cur)
			    : mdb_cursor_open(rd->txn, rd->db->account_bank,
					      &rd->ab_cur);
	if (rc)
		return store_err(rc);
	rd->ab_ok = 1;
	return 0;
}

/* Take every other reader's slot (reset its parked transaction); with
 * hold, keep them taken until readers_release. */
static void readers_take(struct sdx_db *db, int hold)
{
	struct reader *self = pthread_getspecific(db->rkey);
	for (struct reader *rd = db->readers; rd; rd = rd->next) {
		if (rd == self && self->depth > 0)
			continue; /* this thread is inside a read call */
		int expect = 0;
		while (!atomic_compare_exchange_weak(&rd->busy, &expect, 2)) {
			if (!hold)
				break;
			expect = 0;
			sched_yield();
		}
		if (expect != 0)
			continue; /* in use, and we need not wait */
		if (rd->parked) {
			mdb_txn_reset(rd->txn);
			rd->parked = 0;
		}
		if (!hold)
			atomic_store(&rd->busy, 0);
	}
}

static void readers_release(struct sdx_db *db)
{
	struct reader *self = pthread_getspecific(db->rkey);
	for (struct reader *rd = db->readers; rd; rd = rd->next)
		if (rd != self || self->depth == 0)
			atomic_store(&rd->busy, 0);
}

static void reader_sweep(struct sdx_db *db)
{
	pthread_mutex_lock(&db->rlist_mtx);
	readers_take(db, 0);
	pthread_mutex_unlock(&db->rlist_mtx);
}

/* Grow the map (double it, or to what another process set when
 * min_extra is 0) with every other reader of this handle paused and its
 * snapshot released. Called with no write transaction open. */
/* Write zeros over the next `bytes` of the file past the last page in
 * use, where the coming transaction will take its new pages: through the
 * writable map, each new page's first touch was a page fault that read
 * the page in (a "major" fault, about 5 us; a third of an import's CPU);
 * after pwrite the page is in the page cache and the fault is minor.
 * Only before a transaction has written anything: later, pages past the
 * last committed one may be the transaction's own. A hint: errors are
 * ignored. */
/* Pages on LMDB's free list (records of the free DB, dbi 0: a count,
 * then the page numbers): new pages come from there before the tail. */
static size_t free_pages(MDB_txn *txn)
{
	MDB_cursor *c;
	MDB_val k, d;
	size_t n = 0;
	if (mdb_cursor_open(txn, 0, &c))
		return 0;
	int rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if (d.mv_size >= sizeof(size_t))
			n += *(const size_t *)d.mv_data;
	mdb_cursor_close(c);
	return n;
}

#define PREWRITE_MAX ((size_t)512 << 20)

int store_map_use(struct sdx_db *db, size_t *used, size_t *mapsize,
		  size_t *psize)
{
	MDB_envinfo info;
	MDB_stat st;
	int rc = mdb_env_info(db->env, &info);
	if (rc || (rc = mdb_env_stat(db->env, &st)))
		return rc;
	*used = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
	*mapsize = info.me_mapsize;
	*psize = st.ms_psize;
	return 0;
}

size_t store_need(struct sdx_db *db, size_t reports, size_t idents,
		  size_t bytes)
{
	size_t used, mapsize, psize;
	if (store_map_use(db, &used, &mapsize, &psize))
		return 0;
	size_t touched = (3 * idents + reports) * psize;
	return (touched < used ? touched : used) +
	       2 * (bytes + idents * 40 + reports * 120);
}

void store_prewrite(struct sdx_db *db, MDB_txn *txn, size_t bytes)
{
	static const char zeros[1 << 16];
	size_t used, mapsize, psize;
	int fd;
	if (!db->writemap || mdb_env_get_fd(db->env, &fd) ||
	    store_map_use(db, &used, &mapsize, &psize))
		return;
	/* what the free list cannot give comes from the tail */
	size_t reuse = free_pages(txn) * psize;
	if (reuse >= bytes)
		return;
	bytes -= reuse;
	/* at most PREWRITE_MAX a transaction, each page once (what an
	 * earlier one prepared and did not use is still there) */
	if (bytes > PREWRITE_MAX)
		bytes = PREWRITE_MAX;
	size_t start = used, end = start + bytes;
	if (end > mapsize)
		end = mapsize;
	if (db->prewritten > start && db->prewritten <= mapsize)
		start = db->prewritten;
	if (start >= end)
		return;
	bytes = end - start;
	db->prewritten = end;
	for (size_t off = 0; off < bytes;) {
		size_t n =
		    bytes - off < sizeof zeros ? bytes - off : sizeof zeros;
		ssize_t w = pwrite(fd, zeros, n, (off_t)(start + off));
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

const char *store_dir(struct sdx_db *db)
{
	const char *p = NULL;
	return mdb_env_get_path(db->env, &p) ? NULL : p;
}

size_t store_room_short(struct sdx_db *db, size_t bytes)
{
	size_t used, mapsize, psize;
	if (store_map_use(db, &used, &mapsize, &psize))
		return 0;
	return used + bytes > mapsize ? used + bytes - mapsize : 0;
}

int wtxn_make_room(struct wtxn *w, size_t need)
{
	struct sdx_db *db = w->db;
	size_t short_by = store_room_short(db, need);
	int rc = 0;
	if (short_by) {
		struct addset *adds = w->adds;
		wtxn_abort(w);
		rc = store_grow(db, short_by);
		int rc2 = wtxn_begin(db, w);
		w->adds = adds;
		if (rc2)
			return rc2;
	}
	store_prewrite(db, w->txn, need);
	return rc;
}

int store_grow(struct sdx_db *db, size_t min_extra)
{
	pthread_mutex_lock(&db->resize_mtx);
	pthread_mutex_lock(&db->rlist_mtx);
	readers_take(db, 1);
	int rc;
	MDB_envinfo info;
	mdb_env_info(db->env, &info);
	size_t size = 0;
	if (min_extra == 0) {
		rc = mdb_env_set_mapsize(db->env, 0);
	} else {
		size = info.me_mapsize * 2;
		while (size < info.me_mapsize + min_extra)
			size *= 2;
		rc = mdb_env_set_mapsize(db->env, size);
	}
	unsigned eflags = 0;
	mdb_env_get_flags(db->env, &eflags);
	if (!rc && (eflags & MDB_WRITEMAP) && (rc = map_reserve(db->env))) {
		/* the disk cannot hold the doubled map: try smaller steps
		 * (a quarter at a time, down to 1 MiB) before giving up */
		size_t step = size > info.me_mapsize
				  ? (size - info.me_mapsize) / 4 >> 20 << 20
				  : 0;
		for (; rc && rc != ENOMEM && step >= ((size_t)1 << 20) &&
		       step >= min_extra;
		     step = step / 4 >> 20 << 20)
			if (!mdb_env_set_mapsize(db->env,
						 info.me_mapsize + step))
				rc = map_reserve(db->env);
	}
	if (rc && (eflags & MDB_WRITEMAP)) {
		/* no room at all: back to the old size, so no page is ever
		 * written into an unallocated hole */
		mdb_env_set_mapsize(db->env, info.me_mapsize);
		if (rc != ENOMEM)
			rc = ENOSPC;
	}
	atomic_fetch_add(&db->mapgen, 1);
	readers_release(db);
	pthread_mutex_unlock(&db->rlist_mtx);
	pthread_mutex_unlock(&db->resize_mtx);
	return rc;
}

/* ---- write transactions ---- */

int wtxn_begin(struct sdx_db *db, struct wtxn *w)
{
	memset(w, 0, sizeof *w);
	w->db = db;
	if (db->rdonly)
		return SDX_EREADONLY;
	/* grow before the map is nearly full rather than replaying */
	size_t used, mapsize, psize;
	if (!store_map_use(db, &used, &mapsize, &psize) &&
	    used > mapsize / 4 * 3)
		store_grow(db, 1);
	int rc;
	for (int tries = 0;; tries++) {
		rc = mdb_txn_begin(db->env, NULL, 0, &w->txn);
		if (rc == MDB_MAP_RESIZED && tries < 3) {
			store_grow(db, 0);
			continue;
		}
		break;
	}
	if (rc)
		return rc;
	w->today = sdx_date_today();
	return 0;
}

/* LMDB 0.9 reports a short write as EIO: when the disk under the data
 * file is (nearly) full, or a file-size limit cut the write, say so. */
static int commit_failure(struct sdx_db *db, int rc)
{
	if (rc == EFBIG)
		return ENOSPC;
	if (rc != EIO)
		return rc;
	int fd;
	struct statvfs vfs;
	if (mdb_env_get_fd(db->env, &fd) != 0)
		return rc;
	if (fstatvfs(fd, &vfs) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < ((uint64_t)4 << 20))
		return ENOSPC;
	/* a write cut short at the process's file size limit
	 * (RLIMIT_FSIZE): LMDB says EIO for a short write */
	struct rlimit rl;
	struct stat st;
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    fstat(fd, &st) == 0 &&
	    (uint64_t)st.st_size + ((uint64_t)4 << 20) >= rl.rlim_cur)
		return ENOSPC;
	return rc;
}

int wtxn_commit(struct wtxn *w)
{
	int rc = origin_flush(w);
	if (!rc)
		rc = filter_flush(w);
	if (rc) {
		wtxn_abort(w);
		return rc;
	}
	rc = mdb_txn_commit(w->txn);
	if (rc)
		rc = commit_failure(w->db, rc);

	w->txn = NULL;
	w->er_cur = w->log_cur = w->ea_cur = w->ab_cur = NULL;
	filter_release(w);
	if (!rc)
		reader_sweep(w->db);
	if (!rc && w->merged >= SETTLE_PAGES)
		tmerge_settle(w->db);
	return rc;
}

void wtxn_abort(struct wtxn *w)
{
	if (w->txn)
		mdb_txn_abort(w->txn);
	w->txn = NULL;
	w->er_cur = w->log_cur = w->ea_cur = w->ab_cur = NULL;
	filter_release(w);
}

int store_write(struct sdx_db *db, int (*fn)(struct wtxn *w, void *ctx),
		void *ctx)
{
	struct wtxn w;
	int rc;
	pthread_mutex_lock(&db->wmtx);
	for (int tries = 0; tries < 40; tries++) {
		rc = wtxn_begin(db, &w);
		if (rc)
			break;
		rc = fn(&w, ctx);
		if (rc)
			wtxn_abort(&w);
		else
			rc = wtxn_commit(&w);
		if (rc != MDB_MAP_FULL)
			break;
		if ((rc = store_grow(db, 1)))
			break;
		rc = MDB_MAP_FULL;
	}
	pthread_mutex_unlock(&db->wmtx);
	return store_err(rc);
}

/* ---- meta ---- */

int meta_get_u64(MDB_txn *txn, struct sdx_db *db, const char *name, uint64_t *v)
{
	MDB_val k = {strlen(name), (void *)name}, d;
	int rc = mdb_get(txn, db->meta, &k, &d);
	if (rc)
		return rc;
	if (d.mv_size != 8)
		return MDB_CORRUPTED;
	*v = le64_get(d.mv_data);
	return 0;
}

int meta_put_u64(MDB_txn *txn, struct sdx_db *db, const char *name, uint64_t v)
{
	uint8_t b[8];
	le64_put(b, v);
	MDB_val k = {strlen(name), (void *)name}, d = {8, b};
	return mdb_put(txn, db->meta, &k, &d, 0);
}

static int meta_get_str(MDB_txn *txn, struct sdx_db *db, const char *name,
			char *buf, size_t size)
{
	MDB_val k = {strlen(name), (void *)name}, d;
	int rc = mdb_get(txn, db->meta, &k, &d);
	if (rc)
		return rc;
	if (d.mv_size >= size)
		return MDB_CORRUPTED;
	memcpy(buf, d.mv_data, d.mv_size);
	buf[d.mv_size] = 0;
	return 0;
}

static int meta_put_str(MDB_txn *txn, struct sdx_db *db, const char *name,
			const char *s)
{
	MDB_val k = {strlen(name), (void *)name}, d = {strlen(s), (void *)s};
	return mdb_put(txn, db->meta, &k, &d, 0);
}

/* ---- open / close ---- */

const struct dbi_spec store_dbis[] = {
    {"entity", 0, offsetof(struct sdx_db, entity)},
    {"report", 0, offsetof(struct sdx_db, report)},
    {"entity_report", MDB_DUPSORT | MDB_DUPFIXED,
     offsetof(struct sdx_db, entity_report)},
    {"entity_agency", 0, offsetof(struct sdx_db, entity_agency)},
    {"account_bank", MDB_DUPSORT, offsetof(struct sdx_db, account_bank)},
    {"rstate", 0, offsetof(struct sdx_db, rstate)},
    {"allow", 0, offsetof(struct sdx_db, allow)},
    {"oplog", 0, offsetof(struct sdx_db, oplog)},
    {"origin", 0, offsetof(struct sdx_db, origin)},
    {"peer", 0, offsetof(struct sdx_db, peer)},
    {"meta", 0, offsetof(struct sdx_db, meta)},
    {"filter", 0, offsetof(struct sdx_db, filter)},
};
const size_t store_ndbis = sizeof store_dbis / sizeof store_dbis[0];

static int env_open(struct sdx_db *db, const char *path, unsigned flags)
{
	int rc = mdb_env_create(&db->env);
	if (rc)
		return rc;
	mdb_env_set_maxdbs(db->env, 16);
	mdb_env_set_maxreaders(db->env, 510);
	mdb_env_set_mapsize(db->env, initial_mapsize);
	rc = mdb_env_open(db->env, path, flags, 0600);
	if (!rc && (flags & MDB_WRITEMAP))
		rc = map_reserve(db->env);
	if (rc) {
		mdb_env_close(db->env);
		db->env = NULL;
	}
	return rc;
}

static int setup_once(struct sdx_db *db, int create)
{
	MDB_txn *txn;
	int rc =
	    mdb_txn_begin(db->env, NULL, db->rdonly ? MDB_RDONLY : 0, &txn);
	if (rc)
		return rc;
	/* schema first: an empty env (no meta) is only fine when creating */
	MDB_dbi meta;
	rc = mdb_dbi_open(txn, "meta", db->rdonly || !create ? 0 : MDB_CREATE,
			  &meta);
	if (rc == MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		return create ? SDX_EREADONLY : SDX_ENODB;
	}
	if (rc)
		goto fail;
	db->meta = meta;
	uint64_t schema = 0;
	rc = meta_get_u64(txn, db, "schema", &schema);
	if (rc == MDB_NOTFOUND && !create) {
		mdb_txn_abort(txn);
		return SDX_ENODB;
	}
	if (rc && rc != MDB_NOTFOUND)
		goto fail;
	if (schema > SDX_SCHEMA_VERSION) {
		mdb_txn_abort(txn);
		return SDX_ESCHEMA;
	}
	int fresh = rc == MDB_NOTFOUND;
	for (size_t i = 0; i < store_ndbis; i++) {
		MDB_dbi *d =
		    (MDB_dbi *)(void *)((char *)db + store_dbis[i].off);
		rc = mdb_dbi_open(
		    txn, store_dbis[i].name,
		    store_dbis[i].flags | (fresh ? MDB_CREATE : 0), d);
		if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
			rc = MDB_CORRUPTED;
		if (rc)
			goto fail;
	}
	/* a writable handle writes layout-4 summaries (schema 4), and gives
	 * the entities of police-only reports their bank view first (schema
	 * 2); an older binary then refuses the database (SDX_ESCHEMA) instead
	 * of misreading them. Layout-3 summaries stay until rewritten (they
	 * keep fewer newest dates, which costs only time). This binary still
	 * reads schemas 1 to 3 read-only (schemas 1-2: a bank-view check
	 * then recomputes: bank_legacy). */
	if (!fresh && !db->rdonly && schema < SDX_SCHEMA_VERSION &&
	    ((schema < 3 && (rc = entity_migrate_bank(txn, db))) ||
	     (rc = meta_put_u64(txn, db, "schema", SDX_SCHEMA_VERSION))))
		goto fail;
	db->bank_legacy = !fresh && schema < 3 && db->rdonly;
	if (fresh) {
		if ((rc =
			 meta_put_u64(txn, db, "schema", SDX_SCHEMA_VERSION)) ||
		    (rc = meta_put_u64(txn, db, "created",
				       (uint64_t)time(NULL))) ||
		    (rc = meta_put_str(txn, db, "office", "local")))
			goto fail;
	}
	rc = meta_get_str(txn, db, "office", db->office, sizeof db->office);
	if (rc)
		goto fail;
	return mdb_txn_commit(txn);
fail:
	mdb_txn_abort(txn);
	return rc;
}

/* setup_once, with a larger map while the schema-3 migration (its
 * rewritten summaries) does not fit in the one the file had */
static int setup(struct sdx_db *db, int create)
{
	for (int tries = 0;; tries++) {
		int rc = setup_once(db, create);
		MDB_envinfo info;
		if (rc != MDB_MAP_FULL || tries == 16 ||
		    mdb_env_info(db->env, &info) ||
		    mdb_env_set_mapsize(db->env, info.me_mapsize * 2))
			return rc;
	}
}

/* A writable handle maps the file writable (MDB_WRITEMAP): a write
 * transaction's dirty pages then live in the file mapping instead of in
 * anonymous memory, and commit writes them back with msync instead of
 * pwrite. Commits still sync (data, then meta page), so a crash leaves
 * the database as after the last commit. Reopened only once the plain
 * open has checked the file (truncated files, schema, creation), since
 * a writable map extends the file to the map size first. If the
 * filesystem cannot back the whole map (full disk, RLIMIT_FSIZE) the
 * plain handle stays. SCAMDEX_NO_WRITEMAP (any value) keeps the plain
 * handle too, for comparisons. */
struct wm_file {
	dev_t dev;
	ino_t ino;
	int refs;
	char *path;
	struct wm_file *next;
};
static pthread_mutex_t wm_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct wm_file *wm_files;

static int env_writemap(struct sdx_db *db, const char *path)
{
	if (getenv("SCAMDEX_NO_WRITEMAP"))
		return 0;
	char datafile[4096];
	struct stat st;
	snprintf(datafile, sizeof datafile, "%s/data.mdb", path);
	if (stat(datafile, &st))
		return 0;
	pthread_mutex_lock(&wm_mtx);
	struct wm_file *f = wm_files;
	while (f && (f->dev != st.st_dev || f->ino != st.st_ino))
		f = f->next;
	if (!f) {
		f = calloc(1, sizeof *f);
		if (!f || !(f->path = strdup(path))) {
			free(f);
			pthread_mutex_unlock(&wm_mtx);
			return 0;
		}
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->next = wm_files;
		wm_files = f;
	}
	/* every writable handle counts, so that no other handle of this
	 * process still uses the pages a close cuts off */
	f->refs++;
	db->wm = f;
	MDB_env *plain = db->env;
	db->env = NULL;
	mdb_env_close(plain);
	int rc = env_open(db, path, MDB_NOTLS | MDB_WRITEMAP | MDB_NORDAHEAD);
	if (!rc) {
		rc = setup(db, 0);
		if (!rc) {
			db->writemap = 1;
			pthread_mutex_unlock(&wm_mtx);
			return 0;
		}
		mdb_env_close(db->env);
		db->env = NULL;
	}
	pthread_mutex_unlock(&wm_mtx);
	rc = env_open(db, path, MDB_NOTLS);
	return rc ? rc : setup(db, 0);
}

/* Close a MDB_WRITEMAP handle. The last one in the last process cuts
 * the file back to the pages in use (the map size is only reserved
 * space). "Last process" is LMDB's own test: every process with the
 * environment open holds a read lock on byte 0 of lock.mdb, so a write
 * lock there succeeds only if no other process has it open, and keeps
 * new openers waiting until our close releases it. */
static void env_close_writemap(struct sdx_db *db)
{
	struct wm_file *f = db->wm;
	int lfd = -1;
	pthread_mutex_lock(&wm_mtx);
	int last = --f->refs == 0;
	if (last && db->writemap) {
		char lockfile[4096];
		snprintf(lockfile, sizeof lockfile, "%s/lock.mdb", f->path);
		lfd = open(lockfile, O_RDWR | O_CLOEXEC);
		struct flock lk = {.l_type = F_WRLCK,
				   .l_whence = SEEK_SET,
				   .l_start = 0,
				   .l_len = 1};
		MDB_envinfo info;
		MDB_stat ms;
		mdb_filehandle_t fd;
		if (lfd >= 0 && !fcntl(lfd, F_SETLK, &lk) &&
		    !mdb_env_info(db->env, &info) &&
		    !mdb_env_stat(db->env, &ms) &&
		    !mdb_env_get_fd(db->env, &fd))
			(void)!ftruncate(fd, (off_t)(info.me_last_pgno + 1) *
						 (off_t)ms.ms_psize);
	}
	if (db->env)
		mdb_env_close(db->env);
	db->env = NULL;
	if (lfd >= 0)
		close(lfd); /* after LMDB's close: keeps openers waiting */
	if (last) {
		for (struct wm_file **pp = &wm_files; *pp; pp = &(*pp)->next)
			if (*pp == f) {
				*pp = f->next;
				break;
			}
		free(f->path);
		free(f);
	}
	pthread_mutex_unlock(&wm_mtx);
}

/* mkdir -p path: a new database's parent directories may not exist yet
 * (~/.local/share on a fresh system). */
static int mkdir_parents(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf)
		return n ? SDX_ETOOLONG : SDX_EINVAL;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return store_err(errno);
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return store_err(errno);
	return 0;
}

int sdx_db_open(const char *path, unsigned flags, sdx_db **out)
{
	if (!out)
		return SDX_EINVAL;
	*out = NULL;
	if (!path || !*path)
		return SDX_EINVAL;
	struct stat st;
	char datafile[4096];
	if ((size_t)snprintf(datafile, sizeof datafile, "%s/data.mdb", path) >=
	    sizeof datafile)
		return SDX_ETOOLONG;
	int exists = stat(datafile, &st) == 0;
	int create = (flags & SDX_OPEN_CREATE) && !(flags & SDX_OPEN_RDONLY);
	if (!exists) {
		if (!create)
			return SDX_ENODB;
		int rc = mkdir_parents(path);
		if (rc)
			return rc;
	}
	struct sdx_db *db = calloc(1, sizeof *db);
	if (!db)
		return SDX_ENOMEM;
	db->rdonly = (flags & SDX_OPEN_RDONLY) != 0;
	unsigned eflags = MDB_NOTLS | (db->rdonly ? MDB_RDONLY : 0);
	int rc = env_open(db, path, eflags);
	if ((rc == EACCES || rc == EROFS) && exists) {
		/* a directory we may only read: open read-only, without the
		 * lock file if we cannot write it */
		db->rdonly = 1;
		rc = env_open(db, path, MDB_NOTLS | MDB_RDONLY);
		if (rc == EACCES || rc == EROFS)
			rc = env_open(db, path,
				      MDB_NOTLS | MDB_RDONLY | MDB_NOLOCK);
	}
	if (!rc && exists) {
		/* LMDB maps the pages the meta page names: past the end of a
		 * truncated file that would be SIGBUS, so refuse it here */
		MDB_envinfo info;
		MDB_stat ms;
		struct stat now;
		if (!mdb_env_info(db->env, &info) &&
		    !mdb_env_stat(db->env, &ms) && !stat(datafile, &now) &&
		    (uint64_t)now.st_size <
			((uint64_t)info.me_last_pgno + 1) * ms.ms_psize)
			rc = SDX_ECORRUPT;
	}
	if (!rc) {
		rc = setup(db, create);
		if (rc == SDX_EREADONLY && !create)
			rc = SDX_ENODB;
	}
	if (!rc && !db->rdonly && !(flags & SDX_OPEN_LOOKUP))
		rc = env_writemap(db, path);
	if (rc) {
		if (db->wm)
			env_close_writemap(db);
		else if (db->env)
			mdb_env_close(db->env);
		free(db);
		return store_err(rc);
	}
	if (pthread_key_create(&db->rkey, reader_destroy)) {
		if (db->wm)
			env_close_writemap(db);
		else
			mdb_env_close(db->env);
		free(db);
		return SDX_ENOMEM;
	}
	pthread_mutex_init(&db->rlist_mtx, NULL);
	pthread_mutex_init(&db->wmtx, NULL);
	pthread_mutex_init(&db->resize_mtx, NULL);
	*out = db;
	return 0;
}

void sdx_db_close(sdx_db *db)
{
	if (!db)
		return;
	pthread_key_delete(db->rkey);
	pthread_mutex_lock(&db->rlist_mtx);
	struct reader *rd = db->readers;
	db->readers = NULL;
	pthread_mutex_unlock(&db->rlist_mtx);
	while (rd) {
		struct reader *n = rd->next;
		reader_free(rd);
		rd = n;
	}
	if (db->wm)
		env_close_writemap(db);
	else
		mdb_env_close(db->env);
	pthread_mutex_destroy(&db->rlist_mtx);
	pthread_mutex_destroy(&db->wmtx);
	pthread_mutex_destroy(&db->resize_mtx);
	free(db);
}

static int valid_office(const char *s)
{
	size_t n = strnlen(s, SDX_OFFICE_MAX + 1);
	if (n == 0 || n > SDX_OFFICE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int set_office(struct wtxn *w, void *ctx)
{
	const char *office = ctx;
	struct sdx_db *db = w->db;
	char cur[SDX_OFFICE_MAX + 1];
	int rc = meta_get_str(w->txn, db, "office", cur, sizeof cur);
	if (rc)
		return rc;
	if (!strcmp(cur, office))
		return 0;
	origin_rec o;
	rc = origin_read(w->txn, db, cur, &o);
	if (!rc && o.seq > 0)
		return SDX_EEXISTS;
	if (rc && rc != SDX_ENOTFOUND)
		return rc;
	return meta_put_str(w->txn, db, "office", office);
}

int sdx_db_set_office(sdx_db *db, const char *office)
{
	if (!db || !office)
		return SDX_EINVAL;
	if (!valid_office(office))
		return strnlen(office, SDX_OFFICE_MAX + 1) > SDX_OFFICE_MAX
			   ? SDX_ETOOLONG
			   : SDX_EINVAL;
	if (db->rdonly)
		return SDX_EREADONLY;
	int rc = store_write(db, set_office, (void *)office);
	if (!rc)
		bounded_copy(db->office, SDX_OFFICE_MAX, office);
	return rc;
}

int sdx_db_office(sdx_db *db, char *buf, size_t size)
{
	if (!db || !buf)
		return SDX_EINVAL;
	size_t n = strlen(db->office);
	if (n + 1 > size)
		return SDX_ETOOLONG;
	memcpy(buf, db->office, n + 1);
	return 0;
}
