/* raw_lmdb.h: tests that reach past the API to read or damage a record
 * open the database with plain LMDB: one sub-database in one txn. */
#ifndef SCAMDEX_TEST_RAW_LMDB_H
#define SCAMDEX_TEST_RAW_LMDB_H

#include <criterion/criterion.h>
#include <lmdb.h>

struct raw {
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
};

static inline struct raw raw_open(const char *path, const char *sub, int rdonly)
{
	struct raw r;
	unsigned f = rdonly ? MDB_RDONLY : 0;
	cr_assert_eq(mdb_env_create(&r.env), 0);
	mdb_env_set_maxdbs(r.env, 16);
	cr_assert_eq(mdb_env_open(r.env, path, f, 0644), 0);
	cr_assert_eq(mdb_txn_begin(r.env, NULL, f, &r.txn), 0);
	cr_assert_eq(mdb_dbi_open(r.txn, sub, 0, &r.dbi), 0);
	return r;
}

/* commit (or, read-only, end) and close */
static inline void raw_close(struct raw *r, int commit)
{
	if (commit)
		cr_assert_eq(mdb_txn_commit(r->txn), 0);
	else
		mdb_txn_abort(r->txn);
	mdb_env_close(r->env);
}

#endif
