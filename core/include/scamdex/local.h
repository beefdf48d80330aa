/* scamdex/local.h: what a database keeps for its own office only: local
 * tables (tokens, access grants) and the audit log. Neither is in the
 * operation log, in a bundle or in a compacted copy's sync state: they
 * never leave this database. */
#ifndef SCAMDEX_LOCAL_H
#define SCAMDEX_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include <scamdex/db.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest table name and key of a local record (bytes). */
#define SDX_LOCAL_TABLE_MAX 31
#define SDX_LOCAL_KEY_MAX 255
/* Largest local value and largest audit record (bytes). */
#define SDX_LOCAL_VALUE_MAX 4096
#define SDX_AUDIT_RECORD_MAX (256u << 20)

/* Set table/key to the value (sub-db `local`, made on the first write).
 * SDX_ETOOLONG past the bounds, SDX_EINVAL for an empty or NUL-holding
 * table or key, SDX_EREADONLY on a read-only handle. */
SDX_API int sdx_local_put(sdx_db *db, const char *table, const char *key,
			  const void *val, size_t len);
/* Remove table/key: SDX_ENOTFOUND if there is none. */
SDX_API int sdx_local_del(sdx_db *db, const char *table, const char *key);
/* Copy table/key's value into buf (size bytes); *len is its length. A
 * value longer than size is SDX_ETOOLONG (with *len set).
 * SDX_ENOTFOUND if there is none. */
SDX_API int sdx_local_get(sdx_db *db, const char *table, const char *key,
			  void *buf, size_t size, size_t *len);
/* Each record of table in key order; a non-zero return from cb stops
 * the walk and is returned. key and val are valid during the call. */
typedef int (*sdx_local_cb)(const char *key, const void *val, size_t len,
			    void *ctx);
SDX_API int sdx_local_scan(sdx_db *db, const char *table, sdx_local_cb cb,
			   void *ctx);

/* ---- the audit log (sub-db `audit`) ----
 * Append-only: records are keyed by time (microseconds since the epoch)
 * and a sequence number, and nothing changes them; only
 * sdx_audit_prune removes the oldest. A record is opaque bytes (the
 * scamdex command writes a compact binary record, format 1, and reads
 * the JSON objects it wrote before too). Appends commit without an
 * fsync of their own, so a look-up never waits for the disk: a process
 * that crashes loses nothing, a machine that loses power loses what
 * the kernel had not written (the next synced commit of the database
 * writes it too). */

/* Append n records, in this order, in one transaction, stamped with
 * usec (0: now). */
SDX_API int sdx_audit_append(sdx_db *db, int64_t usec, const void *const *recs,
			     const size_t *lens, size_t n);
/* Each record stamped at or after since (microseconds), oldest first; a
 * non-zero return from cb stops the walk and is returned. rec is valid
 * during the call. */
typedef int (*sdx_audit_cb)(int64_t usec, const void *rec, size_t len,
			    void *ctx);
SDX_API int sdx_audit_scan(sdx_db *db, int64_t since, sdx_audit_cb cb,
			   void *ctx);
/* Remove every record stamped before `before` (microseconds); *removed
 * (may be NULL) counts them. */
SDX_API int sdx_audit_prune(sdx_db *db, int64_t before, uint64_t *removed);

#ifdef __cplusplus
}
#endif

#endif /* SCAMDEX_LOCAL_H */
