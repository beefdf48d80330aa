/* db.c: the environment: open/create, schema check, error translation,
 * write transactions. Per-thread read transactions: readers.c; the
 * map's size, growth and prepared pages: map.c. */
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

const char *store_dir(struct sdx_db *db)
{
	const char *p = NULL;
	return mdb_env_get_path(db->env, &p) ? NULL : p;
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
	 * then recomputes: bank_legacy). Schema 5: the check filter holds
	 * the phone markers; a writable open rebuilds an older one. */
	if (!fresh && !db->rdonly && schema < SDX_SCHEMA_VERSION &&
	    ((schema < 3 && (rc = entity_migrate_bank(txn, db))) ||
	     (schema < 5 && (rc = filter_migrate_markers(txn, db))) ||
	     (rc = meta_put_u64(txn, db, "schema", SDX_SCHEMA_VERSION))))
		goto fail;
	db->bank_legacy = !fresh && schema < 3 && db->rdonly;
	/* schema 5: the filter holds phone markers (filter.c); a read-only
	 * handle on an older one probes every account of a number */
	db->filter_markers = fresh || schema >= 5 || !db->rdonly;
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
