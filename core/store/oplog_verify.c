/* oplog_verify.c: verify's check of every origin's chain: each body
 * digested again (keyed with the origin's digest secret when marked
 * police-only), each chain step and the set fingerprint recomputed. */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>

#define MSG_MAX 256

/* What is wrong with an origin's log, into msg (MSG_MAX bytes); returns
 * 1 (bad). */
__attribute__((format(printf, 2, 3))) static int fail(char *msg,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, MSG_MAX, fmt, ap);
	va_end(ap);
	return 1;
}

/* Recompute every origin's chain and fingerprint from its operations
 * (bodies digested again, ADD bodies read from `report`) and report each
 * difference through say(). */
int oplog_verify(MDB_txn *txn, struct sdx_db *db,
		 int (*say)(void *ctx, const char *msg), void *ctx)
{
	MDB_cursor *oc, *c;
	MDB_val k, d;
	char msg[MSG_MAX];
	int rc = mdb_cursor_open(txn, db->origin, &oc);
	if (rc)
		return rc;
	if ((rc = mdb_cursor_open(txn, db->oplog, &c))) {
		mdb_cursor_close(oc);
		return rc;
	}
	for (rc = mdb_cursor_get(oc, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(oc, &k, &d, MDB_NEXT)) {
		origin_rec o, calc;
		if (origin_decode(&k, &d, &o)) {
			snprintf(msg, sizeof msg,
				 "origin record %.*s cannot be decoded",
				 (int)(k.mv_size > 64 ? 64 : k.mv_size),
				 (const char *)k.mv_data);
			if ((rc = say(ctx, msg)))
				break;
			continue;
		}
		calc = o;
		sdx_chain_start(o.id, calc.chain);
		memset(calc.fp, 0, 16);
		uint64_t seq = 0;
		int bad = 0;
		uint8_t secret[32];
		int has_secret = !dsecret_read(txn, db, o.id, secret);
		uint8_t kb[12];
		be32_put(kb, o.index);
		be64_put(kb + 4, 1);
		MDB_val ok = {12, kb}, od;
		int r2;
		for (r2 = mdb_cursor_get(c, &ok, &od, MDB_SET_RANGE); !r2;
		     r2 = mdb_cursor_get(c, &ok, &od, MDB_NEXT)) {
			const uint8_t *key = ok.mv_data, *v = od.mv_data;
			if (ok.mv_size != 12 || be32_get(key) != o.index)
				break;
			uint64_t s = be64_get(key + 4);
			if (s != seq + 1 || od.mv_size < OPLOG_HDR) {
				bad = fail(msg,
					   "oplog of %s: operation %llu "
					   "after %llu",
					   o.id, (unsigned long long)s,
					   (unsigned long long)seq);
				break;
			}
			uint8_t digest[32];
			const uint8_t *body = v + OPLOG_HDR;
			size_t blen = od.mv_size - OPLOG_HDR;
			MDB_val rk = {16, (void *)body}, rv;
			if (v[2] & OPF_REF) {
				if (blen != 16 ||
				    mdb_get(txn, db->report, &rk, &rv)) {
					bad =
					    fail(msg,
						 "oplog of %s: operation "
						 "%llu names a missing report",
						 o.id, (unsigned long long)s);
					break;
				}
				body = rv.mv_data;
				blen = rv.mv_size;
			}
			if (!(v[2] & OPF_REDACTED) &&
			    (v[3] & SDX_MARK_POLICE) && !has_secret) {
				bad =
				    fail(msg,
					 "oplog of %s: operation %llu is "
					 "police-only, but this database holds "
					 "no digest secret of %s",
					 o.id, (unsigned long long)s, o.id);
				break;
			}
			if (!(v[2] & OPF_REDACTED)) {
				if (v[3] & SDX_MARK_POLICE)
					sdx_digest_keyed(body, blen, secret,
							 digest);
				else
					sdx_digest(body, blen, digest);
				if (memcmp(digest, v + 4, 32)) {
					bad = fail(msg,
						   "oplog of %s: the body of "
						   "operation %llu does not "
						   "match its digest",
						   o.id, (unsigned long long)s);
					break;
				}
			}
			sdx_chain_next(calc.chain, v[0] | v[3], v + 4,
				       calc.chain);
			if (memcmp(calc.chain, v + 36, 32)) {
				bad = fail(msg,
					   "oplog of %s: chain broken at "
					   "operation %llu",
					   o.id, (unsigned long long)s);
				break;
			}
			fp_update(&calc, s, v[0] | v[3], v + 4);
			seq = s;
		}
		if (!bad && (seq != o.seq || memcmp(calc.chain, o.chain, 32) ||
			     memcmp(calc.fp, o.fp, 16))) {
			bad = fail(msg,
				   "origin %s: record says %llu "
				   "operations, the log holds %llu%s",
				   o.id, (unsigned long long)o.seq,
				   (unsigned long long)seq,
				   seq == o.seq
				       ? " with another chain or fingerprint"
				       : "");
		}
		if (bad && (rc = say(ctx, msg)))
			break;
	}
	mdb_cursor_close(c);
	mdb_cursor_close(oc);
	return rc;
}
