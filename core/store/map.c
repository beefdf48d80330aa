/* map.c: the size of the database's map: how much a write will take,
 * growing the map (readers paused), and the file's next pages prepared
 * before a large write. */
#define _GNU_SOURCE /* fallocate */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* With MDB_WRITEMAP, LMDB extends the file to the map size as a sparse
 * file; a page written into a hole on a full disk would be SIGBUS, not
 * an error. So every block of the map is allocated up front (and a
 * filesystem that cannot do that gets no writable map). */
int map_reserve(MDB_env *env)
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

#ifdef MADV_POPULATE_WRITE
#define POP_ALIGN (((size_t)1 << 20) - 1)

/* Where the map starts in this process (LMDB says so only for
 * MDB_FIXEDMAP): the mapping of /proc/self/maps that holds a value read
 * through it. 0 if not found. */
static uintptr_t map_base(struct sdx_db *db, MDB_txn *txn)
{
	static const char name[] = "schema";
	MDB_val k = {sizeof name - 1, (void *)name}, d;
	if (mdb_get(txn, db->meta, &k, &d))
		return 0;
	uintptr_t p = (uintptr_t)d.mv_data, base = 0;
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return 0;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi, off;
		if (sscanf(line, "%lx-%lx %*s %lx", &lo, &hi, &off) == 3 &&
		    lo <= p && p < hi) {
			if (off == 0)
				base = (uintptr_t)lo;
			break;
		}
	}
	fclose(f);
	return base;
}

/* Fault in the map's pages [w->pop_to, end) writable, in one call: a
 * page fault per 4 KiB page costs several microseconds (on a virtual
 * machine more: most of an import's page faults), MADV_POPULATE_WRITE a
 * fraction of that. The file's blocks are allocated (map_reserve), so it
 * cannot fail for want of them. Off for the rest of the transaction if
 * the kernel refuses (before 5.14). */
static int populate(struct wtxn *w, size_t end)
{
	if (end > w->pop_end)
		end = w->pop_end;
	end &= ~POP_ALIGN; /* whole pages, whatever their size */
	if (end <= w->pop_to)
		return 0;
	if (madvise((void *)(w->pop_base + w->pop_to), end - w->pop_to,
		    MADV_POPULATE_WRITE)) {
		w->pop_base = 0;
		return -1;
	}
	w->pop_to = end;
	return 0;
}

void map_populate_more(struct wtxn *w, size_t off)
{
	(void)populate(w, off + 2 * POP_AHEAD);
}
#else
void map_populate_more(struct wtxn *w, size_t off)
{
	(void)off;
	w->pop_base = 0;
}
#endif

/* Prepare the next `bytes` of the file past the last page in use, where
 * the coming transaction will take its new pages: through the writable
 * map, each new page's first touch is a page fault (a "major" one that
 * reads the page in, about 5 us; a third of an import's CPU). Where the
 * kernel can, the pages are faulted in writable by MADV_POPULATE_WRITE,
 * POP_AHEAD at a time ahead of the transaction's writes (map_ahead: at
 * most that much more than it uses, not the whole estimate); otherwise
 * zeros are written over them with pwrite, so that the faults are minor
 * (only before a transaction has written anything: later, pages past
 * the last committed one may be the transaction's own). A hint: errors
 * are ignored. */
void store_prewrite(struct wtxn *w, size_t bytes)
{
	static const char zeros[1 << 16];
	struct sdx_db *db = w->db;
	MDB_txn *txn = w->txn;
	size_t used, mapsize, psize;
	int fd;
	w->pop_base = 0;
	if (!db->writemap || mdb_env_get_fd(db->env, &fd) ||
	    store_map_use(db, &used, &mapsize, &psize))
		return;
	/* what the free list cannot give comes from the tail */
	size_t reuse = free_pages(txn) * psize;
	if (reuse >= bytes)
		return;
	bytes -= reuse;
#ifdef MADV_POPULATE_WRITE
	if ((w->pop_base = map_base(db, txn))) {
		w->pop_to = used;
		w->pop_end = bytes < mapsize - used ? used + bytes : mapsize;
		if (populate(w, used + 2 * POP_AHEAD) == 0)
			return;
	}
#endif
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
		ssize_t wr = pwrite(fd, zeros, n, (off_t)(start + off));
		if (wr <= 0)
			return;
		off += (size_t)wr;
	}
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
	store_prewrite(w, need);
	return rc;
}

/* Grow the map (double it, or to what another process set when
 * min_extra is 0) with every other reader of this handle paused and its
 * snapshot released. Called with no write transaction open. */
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
