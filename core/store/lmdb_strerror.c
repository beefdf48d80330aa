/* lmdb_strerror.c: LMDB's status codes in sdx_strerror() form. */
#include <stddef.h>

#include <lmdb.h>

#include "lmdb_errors.h"

const char *sdx_lmdb_strerror(int status)
{
	if (status >= MDB_KEYEXIST && status <= MDB_LAST_ERRCODE)
		return mdb_strerror(status);
	return NULL;
}
