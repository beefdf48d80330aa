/* dbpoke.c: damage one record of a scamdex database on purpose, for the
 * fault tests.
 *
 *   dbpoke DIR SUBDB KEY VALUE   put VALUE under KEY (both hex; KEY may be
 *                                "first" for the sub-database's first key)
 *   dbpoke DIR SUBDB KEY -       delete KEY
 *
 * Writes through LMDB directly, so the file stays a valid LMDB
 * environment and only the record is wrong. Exit 0, 2 usage, 3 error. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

static int die(const char *what, int rc)
{
	fprintf(stderr, "dbpoke: %s: %s\n", what, mdb_strerror(rc));
	return 3;
}

/* Hex to bytes; NULL on a bad digit or odd length. *n = length. */
static unsigned char *unhex(const char *s, size_t *n)
{
	size_t len = strlen(s);
	if (len % 2)
		return NULL;
	unsigned char *b = malloc(len / 2 + 1);
	if (!b)
		return NULL;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(b);
			return NULL;
		}
		b[i] = (unsigned char)v;
	}
	*n = len / 2;
	return b;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: dbpoke DIR SUBDB KEY|first VALUE|-\n");
		return 2;
	}
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	int rc;
	if ((rc = mdb_env_create(&env)))
		return die("env", rc);
	mdb_env_set_maxdbs(env, 64);
	if ((rc = mdb_env_open(env, argv[1], 0, 0644)))
		return die(argv[1], rc);
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) ||
	    (rc = mdb_dbi_open(txn, argv[2], 0, &dbi)))
		return die(argv[2], rc);

	MDB_val k, v;
	unsigned char *kb = NULL, *vb = NULL;
	if (!strcmp(argv[3], "first")) {
		MDB_cursor *cur;
		if ((rc = mdb_cursor_open(txn, dbi, &cur)) ||
		    (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)))
			return die("first key", rc);
		kb = malloc(k.mv_size);
		if (!kb)
			return die("key", ENOMEM);
		memcpy(kb, k.mv_data, k.mv_size);
		k.mv_data = kb;
		mdb_cursor_close(cur);
	} else {
		kb = unhex(argv[3], &k.mv_size);
		if (!kb) {
			fprintf(stderr, "dbpoke: KEY is not hex\n");
			return 2;
		}
		k.mv_data = kb;
	}
	if (!strcmp(argv[4], "-")) {
		rc = mdb_del(txn, dbi, &k, NULL);
	} else {
		vb = unhex(argv[4], &v.mv_size);
		if (!vb) {
			fprintf(stderr, "dbpoke: VALUE is not hex\n");
			return 2;
		}
		v.mv_data = vb;
		rc = mdb_put(txn, dbi, &k, &v, 0);
	}
	if (rc || (rc = mdb_txn_commit(txn)))
		return die("write", rc);
	free(kb);
	free(vb);
	mdb_env_close(env);
	return 0;
}
