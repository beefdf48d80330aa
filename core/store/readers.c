/* readers.c: each thread's read transaction, kept open ("parked")
 * between calls until a commit, and taken from the threads by a writer
 * that commits or grows the map. */
#include "store.h"

#include <sched.h>
#include <stdlib.h>

void reader_free(struct reader *rd)
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

void reader_destroy(void *p)
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
void readers_take(struct sdx_db *db, int hold)
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

void readers_release(struct sdx_db *db)
{
	struct reader *self = pthread_getspecific(db->rkey);
	for (struct reader *rd = db->readers; rd; rd = rd->next)
		if (rd != self || self->depth == 0)
			atomic_store(&rd->busy, 0);
}

void reader_sweep(struct sdx_db *db)
{
	pthread_mutex_lock(&db->rlist_mtx);
	readers_take(db, 0);
	pthread_mutex_unlock(&db->rlist_mtx);
}
