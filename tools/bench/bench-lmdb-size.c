/* bench-lmdb-size.c: what an LMDB environment takes, measured the same
 * way for scamdex's database and the raw LMDB baseline (the data file is
 * sparse up to the map size, so its length says nothing).
 *
 *   bench-lmdb-size DIR
 *
 * prints "PAGE_SIZE PAGES_USED FREE_PAGES": pages up to the last one in
 * use (as mdb_stat -e counts them) and, of those, the pages on the free
 * list (as mdb_stat -f counts them). Exit status 1 with a message if DIR
 * is not an LMDB environment. */
#include <stdio.h>

#include <lmdb.h>

static int fail(const char *dir, const char *what, int rc)
{
	fprintf(stderr, "bench-lmdb-size: %s: %s: %s\n", dir, what,
		mdb_strerror(rc));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench-lmdb-size DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	MDB_env *env;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_envinfo info;
	MDB_stat st;
	int rc = mdb_env_create(&env);
	if (rc)
		return fail(dir, "mdb_env_create", rc);
	mdb_env_set_maxdbs(env, 64);
	if ((rc = mdb_env_open(env, dir, MDB_RDONLY | MDB_NOLOCK, 0644)))
		return fail(dir, "open", rc);
	if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)))
		return fail(dir, "read transaction", rc);
	mdb_env_info(env, &info);
	mdb_env_stat(env, &st);
	/* the free list: dbi 0, each value a list of page numbers whose
	 * first word is their count */
	size_t free_pages = 0;
	if ((rc = mdb_cursor_open(txn, 0, &cur)))
		return fail(dir, "free list", rc);
	MDB_val k, v;
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0)
		free_pages += *(const size_t *)v.mv_data;
	if (rc != MDB_NOTFOUND)
		return fail(dir, "free list", rc);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	printf("%u %zu %zu\n", st.ms_psize, info.me_last_pgno + 1, free_pages);
	mdb_env_close(env);
	return 0;
}
