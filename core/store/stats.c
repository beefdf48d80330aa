/* stats.c: totals by scanning (identifiers per kind, active reports per
 * category, agency and month) and verify (recompute every summary, index
 * entry and filter bit from the reports and compare). */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "hash.h"

#define MONTHS ((2200 - 1970) * 12)

struct agency_ent {
	uint64_t h;
	uint64_t n;
	char name[SDX_AGENCY_MAX + 1];
};

struct agencies {
	struct agency_ent *e;
	size_t n, cap;
};

static int agency_count(struct agencies *a, codec_str name)
{
	if ((a->n + 1) * 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct agency_ent *e = calloc(cap, sizeof *e);
		if (!e)
			return SDX_ENOMEM;
		for (size_t i = 0; i < a->cap; i++) {
			if (!a->e[i].n)
				continue;
			size_t j = a->e[i].h & (cap - 1);
			while (e[j].n)
				j = (j + 1) & (cap - 1);
			e[j] = a->e[i];
		}
		free(a->e);
		a->e = e;
		a->cap = cap;
	}
	uint64_t h = sdx_hash64(name.p, name.len);
	size_t j = h & (a->cap - 1);
	while (a->e[j].n) {
		if (a->e[j].h == h && strlen(a->e[j].name) == name.len &&
		    !memcmp(a->e[j].name, name.p, name.len)) {
			a->e[j].n++;
			return 0;
		}
		j = (j + 1) & (a->cap - 1);
	}
	a->e[j].h = h;
	a->e[j].n = 1;
	memcpy(a->e[j].name, name.p, name.len);
	a->e[j].name[name.len] = 0;
	a->n++;
	return 0;
}

static int agency_cmp(const void *x, const void *y)
{
	const struct agency_ent *a = x, *b = y;
	if (!a->n || !b->n)
		return !a->n - !b->n; /* empty slots last */
	return strcmp(a->name, b->name);
}

static int emit(sdx_stat_cb cb, void *ctx, const char *dim, const char *key,
		uint64_t n)
{
	sdx_stat s = {dim, key, n};
	return cb(&s, ctx);
}

struct stats {
	uint64_t kinds[SDX_KIND_COUNT];
	uint64_t cats[32];
	uint64_t months[MONTHS];
	uint64_t undated;
	uint64_t reports, retracted, identifiers, allowlisted;
	struct agencies ag;
};

static int scan(MDB_txn *txn, struct sdx_db *db, struct stats *st)
{
	MDB_cursor *c;
	MDB_val k, d;
	int rc = mdb_cursor_open(txn, db->entity, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		entity_sum s;
		const uint8_t *key = k.mv_data;
		if ((rc = entity_decode(d.mv_data, d.mv_size, &s)))
			break;
		int allowed = (s.flags & ENT_ALLOWLISTED) != 0;
		if (!s.active && !s.retracted && !allowed)
			continue;
		if (key[0] < SDX_KIND_COUNT)
			st->kinds[key[0]]++;
		st->identifiers++;
		st->allowlisted += (uint64_t)allowed;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return rc;
	if ((rc = mdb_cursor_open(txn, db->report, &c)))
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		codec_report_view v;
		rstate rs;
		if (k.mv_size != 16) {
			rc = SDX_ECORRUPT;
			break;
		}
		int r2 = rstate_get(txn, db, k.mv_data, &rs);
		if (!r2 && (rs.flags & SDX_RSTATE_RETRACTED)) {
			st->retracted++;
			continue;
		}
		if (r2 && r2 != SDX_ENOTFOUND) {
			rc = r2;
			break;
		}
		if ((rc = codec_report_view_decode(d.mv_data, d.mv_size, &v)))
			break;
		st->reports++;
		st->cats[v.category]++;
		if (v.agency.len && (rc = agency_count(&st->ag, v.agency)))
			break;
		char date[11];
		sdx_date_format(v.incident_date, date);
		int y = atoi(date), m = date[0] ? atoi(date + 5) : 0;
		if (y >= 1970 && y < 2200 && m >= 1 && m <= 12)
			st->months[(y - 1970) * 12 + m - 1]++;
		else
			st->undated++;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int report_stats(struct stats *st, sdx_stat_cb cb, void *ctx)
{
	int rc = 0;
	for (int k = 1; !rc && k < SDX_KIND_COUNT; k++)
		if (st->kinds[k])
			rc = emit(cb, ctx, "kind", sdx_kind_name((sdx_kind)k),
				  st->kinds[k]);
	for (int c = 0; !rc && c < 32; c++)
		if (st->cats[c]) {
			char num[16];
			const char *name = sdx_category_name(c);
			if (c == 0)
				name = "none";
			else if (!strcmp(name, "?")) {
				snprintf(num, sizeof num, "%d", c);
				name = num;
			}
			rc = emit(cb, ctx, "category", name, st->cats[c]);
		}
	if (st->ag.cap)
		qsort(st->ag.e, st->ag.cap, sizeof *st->ag.e, agency_cmp);
	for (size_t i = 0; !rc && i < st->ag.n; i++)
		rc = emit(cb, ctx, "agency", st->ag.e[i].name, st->ag.e[i].n);
	for (int i = 0; !rc && i < MONTHS; i++)
		if (st->months[i]) {
			char key[16];
			snprintf(key, sizeof key, "%04d-%02d", 1970 + i / 12,
				 i % 12 + 1);
			rc = emit(cb, ctx, "month", key, st->months[i]);
		}
	if (!rc && st->undated)
		rc = emit(cb, ctx, "month", "unknown", st->undated);
	if (!rc)
		rc = emit(cb, ctx, "total", "reports", st->reports);
	if (!rc)
		rc = emit(cb, ctx, "total", "retracted", st->retracted);
	if (!rc)
		rc = emit(cb, ctx, "total", "identifiers", st->identifiers);
	if (!rc)
		rc = emit(cb, ctx, "total", "allowlisted", st->allowlisted);
	return rc;
}

int sdx_stats(sdx_db *db, sdx_stat_cb cb, void *ctx)
{
	if (!db || !cb)
		return SDX_EINVAL;
	struct stats *st = calloc(1, sizeof *st);
	if (!st)
		return SDX_ENOMEM;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (!rc) {
		rc = walk_end(scan(rd->txn, db, st));
		if (!rc)
			rc = report_stats(st, cb, ctx);
		reader_put(rd);
	}
	free(st->ag.e);
	free(st);
	return rc;
}

/* ---- verify ---- */

struct vctx {
	sdx_verify_cb cb;
	void *ctx;
	size_t n;
	int stop;
};

static int say(struct vctx *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int say(struct vctx *v, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	v->n++;
	if (v->cb && !v->stop) {
		int rc = v->cb(msg, v->ctx);
		if (rc)
			v->stop = rc;
	}
	return v->stop;
}

static void ename(const uint8_t *k, size_t n, char *out, size_t size)
{
	int len = n - 1 > 255 ? 255 : (int)(n - 1);
	snprintf(out, size, "%s %.*s", sdx_kind_name((sdx_kind)k[0]), len,
		 (const char *)k + 1);
}

static int compare(struct vctx *v, const char *name, const entity_sum *a,
		   const entity_sum *b)
{
	char diff[512];
	size_t off = 0;
#define CMP(field, label)                                                      \
	if (a->field != b->field && off < sizeof diff)                         \
	off += (size_t)snprintf(                                               \
	    diff + off, sizeof diff - off, "%s%s %lld, recomputed %lld",       \
	    off ? "; " : "", label, (long long)a->field, (long long)b->field)
/* the kept newest dates: no more than recomputing keeps, no fewer than
 * layouts 2-3 kept, and each the same */
#define KEPT(kept, older, pre)                                                 \
	uint32_t least_ =                                                      \
	    b->kept < ENT_RECENT_FIXED ? b->kept : ENT_RECENT_FIXED;           \
	if ((a->kept > b->kept || a->kept < least_) && off < sizeof diff)      \
		off +=                                                         \
		    (size_t)snprintf(diff + off, sizeof diff - off,            \
				     "%s" pre "kept dates %u, recomputed %u",  \
				     off ? "; " : "", a->kept, b->kept);       \
	else                                                                   \
		for (uint32_t i_ = 0; i_ + 1 < a->kept; i_++)                  \
		CMP(older[i_], pre "an inline recent date")
	CMP(active, "active reports");
	CMP(retracted, "retracted reports");
	CMP(agencies, "agencies");
	CMP(categories, "category bits");
	CMP(first_seen, "first seen");
	CMP(last_seen, "last seen");
	CMP(max_conf, "confirmation");
	CMP(disputed, "disputed");
	CMP(undated, "undated");
	CMP(flags, "flags");
	/* the newest dates kept inline (layout 2 on); a layout-1 record
	 * does not have them and says so. A record keeps at most as many as
	 * recomputing does: fewer when it comes from layout 2-3, never fewer
	 * than those layouts kept. */
	if (!a->older_unknown) {
		KEPT(kept, older, "");
	}
	/* the bank view (layout 3), when both keep one */
	if (a->flags & b->flags & ENT_BANKVIEW) {
		CMP(bank.active, "bank view: active reports");
		CMP(bank.retracted, "bank view: retracted reports");
		CMP(bank.agencies, "bank view: agencies");
		CMP(bank.categories, "bank view: category bits");
		CMP(bank.first_seen, "bank view: first seen");
		CMP(bank.last_seen, "bank view: last seen");
		CMP(bank.max_conf, "bank view: confirmation");
		CMP(bank.disputed, "bank view: disputed");
		CMP(bank.undated, "bank view: undated");
		if (!a->bank.older_unknown) {
			KEPT(bank.kept, bank.older, "bank view: ");
		}
	}
#undef KEPT
#undef CMP
	if (off)
		return say(v, "entity %s: summary says %s", name, diff);
	return 0;
}

static int verify_entities(struct reader *rd, struct vctx *v)
{
	struct sdx_db *db = rd->db;
	MDB_cursor *c;
	MDB_val k, d;
	int rc = mdb_cursor_open(rd->txn, db->entity, &c);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc && !v->stop;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		char name[300];
		entity_sum have, want;
		ename(k.mv_data, k.mv_size, name, sizeof name);
		if (entity_decode(d.mv_data, d.mv_size, &have)) {
			say(v, "entity %s: summary record cannot be decoded",
			    name);
			continue;
		}
		if ((rc = entity_recompute(rd->txn, db, k.mv_data, k.mv_size,
					   &want, 0)))
			break;
		/* a read-only handle on schema 2: no bank views yet (a
		 * writable open adds them) */
		if (db->bank_legacy)
			want.flags &= ~ENT_BANKVIEW;
		if (compare(v, name, &have, &want))
			break;
		int m = filter_maybe(rd, sdx_hash64(k.mv_data, k.mv_size));
		if (m < 0) {
			rc = m;
			break;
		}
		if (!m)
			say(v, "entity %s: missing from the check filter",
			    name);
	}
	mdb_cursor_close(c);
	return rc;
}

static int verify_reports(struct reader *rd, struct vctx *v)
{
	struct sdx_db *db = rd->db;
	MDB_cursor *c, *er, *ab;
	MDB_val k, d;
	int rc = mdb_cursor_open(rd->txn, db->report, &c);
	if (rc)
		return rc;
	if ((rc = mdb_cursor_open(rd->txn, db->entity_report, &er))) {
		mdb_cursor_close(c);
		return rc;
	}
	if ((rc = mdb_cursor_open(rd->txn, db->account_bank, &ab))) {
		mdb_cursor_close(er);
		mdb_cursor_close(c);
		return rc;
	}
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc && !v->stop;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		char hex[33];
		codec_report_view rep;
		if (k.mv_size != 16) {
			say(v, "report with a %zu-byte key", k.mv_size);
			continue;
		}
		sdx_id_to_hex(k.mv_data, hex);
		if (codec_report_view_decode(d.mv_data, d.mv_size, &rep)) {
			say(v, "report %s: cannot be decoded", hex);
			continue;
		}
		uint8_t idbuf[CODEC_REPORT_MAX], id[16];
		size_t idlen;
		if (codec_report_view_encode(&rep, 0, idbuf, sizeof idbuf,
					     &idlen) ||
		    (sdx_hash128(idbuf, idlen, id), memcmp(id, k.mv_data, 16)))
			say(v, "report %s: its content does not hash to its id",
			    hex);
		rstate rs;
		int r2 = rstate_get(rd->txn, db, k.mv_data, &rs);
		unsigned fl =
		    !r2 && (rs.flags & SDX_RSTATE_RETRACTED) ? ER_RETRACTED : 0;
		uint8_t erv[ER_LEN];
		er_make(rep.incident_date, k.mv_data, fl, erv);
		for (size_t i = 0; i < rep.n_idents && !v->stop; i++) {
			const codec_ident *in = &rep.idents[i];
			uint8_t ek[EKEY_MAX];
			char name[300];
			size_t eklen = ekey_make(in->kind, in->canonical.p,
						 in->canonical.len, ek);
			ename(ek, eklen, name, sizeof name);
			MDB_val kk = {eklen, ek}, dd;
			if (mdb_get(rd->txn, db->entity, &kk, &dd))
				say(v, "report %s: entity %s has no summary",
				    hex, name);
			MDB_val ev = {ER_LEN, erv};
			if (mdb_cursor_get(er, &kk, &ev, MDB_GET_BOTH))
				say(v,
				    "report %s: missing from the reports of %s",
				    hex, name);
			if (in->kind == SDX_KIND_BANK) {
				const char *colon = memchr(in->canonical.p, ':',
							   in->canonical.len);
				if (colon) {
					size_t bl =
					    (size_t)(colon - in->canonical.p);
					MDB_val ak = {in->canonical.len - bl -
							  1,
						      (void *)(colon + 1)},
						av = {bl,
						      (void *)in->canonical.p};
					if (mdb_cursor_get(ab, &ak, &av,
							   MDB_GET_BOTH))
						say(v,
						    "report %s: account index "
						    "lacks %s",
						    hex, name);
				}
			}
		}
	}
	mdb_cursor_close(ab);
	mdb_cursor_close(er);
	mdb_cursor_close(c);
	return rc;
}

static int say_plain(void *ctx, const char *msg)
{
	return say(ctx, "%s", msg);
}

int sdx_verify(sdx_db *db, sdx_verify_cb cb, void *ctx, size_t *mismatches)
{
	if (!db)
		return SDX_EINVAL;
	struct vctx v = {cb, ctx, 0, 0};
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	rc = walk_end(verify_entities(rd, &v));
	if (!rc && !v.stop)
		rc = walk_end(verify_reports(rd, &v));
	if (!rc && !v.stop)
		rc = walk_end(filter_verify(rd->txn, db, say_plain, &v));
	if (!rc && !v.stop)
		rc = walk_end(oplog_verify(rd->txn, db, say_plain, &v));
	reader_put(rd);
	if (mismatches)
		*mismatches = v.n;
	if (!rc && v.stop)
		rc = v.stop;
	return rc;
}
