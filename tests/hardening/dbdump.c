/* dbdump.c: a content fingerprint of a scamdex database, to prove that a
 * refused input changed nothing.
 *
 *   dbdump DIR
 *
 * Prints one line per LMDB sub-database (named database), in name order:
 *   <name> <entries> <XXH3-64 over every key and value, in order>
 * except the audit log (sub-db `audit`), which every look-up appends to
 * by design, refused inputs included.
 * Reads through LMDB directly (read-only, no lock file written), so it
 * does not depend on the code under test. Exit 0, or 3 with a message. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>
#include <xxhash.h>

#define MAX_DBS 64

static int die(const char *what, int rc)
{
	fprintf(stderr, "dbdump: %s: %s\n", what, mdb_strerror(rc));
	return 3;
}

/* Hash length-prefixed so that ("ab","c") and ("a","bc") differ. */
static void feed(XXH3_state_t *st, const MDB_val *v)
{
	uint64_t n = v->mv_size;
	XXH3_64bits_update(st, &n, sizeof n);
	XXH3_64bits_update(st, v->mv_data, v->mv_size);
}

static int dump_db(MDB_txn *txn, const char *name)
{
	MDB_dbi dbi;
	int rc = mdb_dbi_open(txn, name, 0, &dbi);
	if (rc)
		return die(name ? name : "(main)", rc);
	MDB_cursor *cur;
	if ((rc = mdb_cursor_open(txn, dbi, &cur)))
		return die("cursor", rc);
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		return die("xxh3", ENOMEM);
	XXH3_64bits_reset(st);
	MDB_val k, v;
	uint64_t n = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		feed(st, &k);
		feed(st, &v);
		n++;
	}
	mdb_cursor_close(cur);
	printf("%s %llu %016llx\n", name ? name : "(main)",
	       (unsigned long long)n,
	       (unsigned long long)XXH3_64bits_digest(st));
	XXH3_freeState(st);
	return rc == MDB_NOTFOUND ? 0 : die("walk", rc);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: dbdump DIR\n");
		return 2;
	}
	MDB_env *env;
	int rc = mdb_env_create(&env);
	if (rc)
		return die("env", rc);
	mdb_env_set_maxdbs(env, MAX_DBS);
	if ((rc = mdb_env_open(env, argv[1], MDB_RDONLY | MDB_NOLOCK, 0)))
		return die(argv[1], rc);
	MDB_txn *txn;
	if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)))
		return die("txn", rc);

	/* The main database's keys are the names of the sub-databases. */
	char *names[MAX_DBS];
	int count = 0;
	MDB_dbi main_dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	if ((rc = mdb_dbi_open(txn, NULL, 0, &main_dbi)) ||
	    (rc = mdb_cursor_open(txn, main_dbi, &cur)))
		return die("main", rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	     rc == 0 && count < MAX_DBS;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		names[count] = strndup(k.mv_data, k.mv_size);
		if (!names[count])
			return die("names", ENOMEM);
		count++;
	}
	mdb_cursor_close(cur);

	/* Not the main database's values: they hold page numbers, which a
	 * commit that changed nothing may still move. */
	int status = 0;
	for (int i = 0; i < count; i++) {
		if (status == 0 && strcmp(names[i], "audit"))
			status = dump_db(txn, names[i]);
		free(names[i]);
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return status;
}
