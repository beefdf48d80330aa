/* lmdb_errors.h: LMDB's status strings, translated by the store module
 * (the only one that includes <lmdb.h>). Internal. */
#ifndef SCAMDEX_LMDB_ERRORS_H
#define SCAMDEX_LMDB_ERRORS_H

/* LMDB's own text for an LMDB status code (MDB_*), or NULL if status is
 * not in LMDB's band. */
const char *sdx_lmdb_strerror(int status);

#endif
