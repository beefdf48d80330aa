/* peer.c: the version vector each peer announced (sub-db `peer`). */
#include "store.h"

#include <stdlib.h>

/* peer value: per entry u8 length, origin bytes, u64 seq (LE) */
int peer_put(struct wtxn *w, const char *peer, const sdx_vv_entry *vv, size_t n)
{
	if (!office_ok(peer))
		return SDX_EINVAL;
	if (n > 65536)
		return SDX_ETOOLONG;
	MDB_val k = {strlen(peer), (void *)peer}, d = {0, NULL};
	for (size_t i = 0; i < n; i++) {
		if (!office_ok(vv[i].origin))
			return SDX_EINVAL;
		d.mv_size += 1 + strlen(vv[i].origin) + 8;
	}
	if (d.mv_size == 0) {
		int rc = mdb_del(w->txn, w->db->peer, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	int rc = mdb_put(w->txn, w->db->peer, &k, &d, MDB_RESERVE);
	if (rc)
		return rc;
	uint8_t *p = d.mv_data;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(vv[i].origin);
		*p++ = (uint8_t)l;
		memcpy(p, vv[i].origin, l);
		p += l;
		le64_put(p, vv[i].seq);
		p += 8;
	}
	return 0;
}

/* Decodes a peer value; calls out for each entry (when vv non-NULL,
 * fills up to cap). Returns the count or a negative status. */
static long peer_decode(const MDB_val *d, sdx_vv_entry *vv, size_t cap)
{
	const uint8_t *p = d->mv_data, *end = p + d->mv_size;
	long n = 0;
	while (p < end) {
		size_t l = *p++;
		if (l == 0 || l > SDX_OFFICE_MAX || (size_t)(end - p) < l + 8)
			return SDX_ECORRUPT;
		if (vv && (size_t)n < cap) {
			memcpy(vv[n].origin, p, l);
			vv[n].origin[l] = 0;
			vv[n].seq = le64_get(p + l);
		}
		p += l + 8;
		n++;
	}
	return n;
}

struct vv_args {
	const char *peer;
	const sdx_vv_entry *vv;
	size_t n;
};

static int vv_fn(struct wtxn *w, void *ctx)
{
	struct vv_args *a = ctx;
	return peer_put(w, a->peer, a->vv, a->n);
}

int sdx_peer_set_vv(sdx_db *db, const char *peer, const sdx_vv_entry *vv,
		    size_t n)
{
	if (!db || !peer || (n && !vv))
		return SDX_EINVAL;
	struct vv_args a = {peer, vv, n};
	return store_write(db, vv_fn, &a);
}

int sdx_peer_get_vv(sdx_db *db, const char *peer, sdx_vv_entry *vv, size_t cap,
		    size_t *n)
{
	if (!db || !peer || !n || (cap && !vv))
		return SDX_EINVAL;
	*n = 0;
	struct reader *rd;
	int rc = reader_get(db, &rd);
	if (rc)
		return rc;
	MDB_val k = {strlen(peer), (void *)peer}, d;
	rc = mdb_get(rd->txn, db->peer, &k, &d);
	if (!rc) {
		long cnt = peer_decode(&d, vv, cap);
		if (cnt < 0)
			rc = (int)cnt;
		else
			*n = (size_t)cnt;
	} else {
		rc = rc == MDB_NOTFOUND ? 0 : store_err(rc);
	}
	reader_put(rd);
	return rc;
}

struct peers_walk {
	sdx_peer_cb cb;
	void *ctx;
	sdx_vv_entry *vv; /* grown as needed, freed by sdx_peers */
};

static int peers_one(const MDB_val *k, const MDB_val *d, void *ctx)
{
	struct peers_walk *w = ctx;
	long cnt = peer_decode(d, NULL, 0);
	char peer[SDX_OFFICE_MAX + 1];
	if (cnt < 0 || k->mv_size > SDX_OFFICE_MAX)
		return SDX_ECORRUPT;
	sdx_vv_entry *nv = realloc(w->vv, ((size_t)cnt + 1) * sizeof *nv);
	if (!nv)
		return SDX_ENOMEM;
	w->vv = nv;
	peer_decode(d, w->vv, (size_t)cnt);
	memcpy(peer, k->mv_data, k->mv_size);
	peer[k->mv_size] = 0;
	return w->cb(peer, w->vv, (size_t)cnt, w->ctx);
}

int sdx_peers(sdx_db *db, sdx_peer_cb cb, void *ctx)
{
	if (!db || !cb)
		return SDX_EINVAL;
	struct peers_walk w = {cb, ctx, NULL};
	int rc = store_scan_all(db, db->peer, peers_one, &w);
	free(w.vv);
	return rc;
}

/* After a key replacement: no peer holds an operation of origin after
 * seq (each voids them), so the next bundle to each starts after it. */
int peer_cap_all(struct wtxn *w, const char *origin, uint64_t seq, uint64_t *n)
{
	MDB_cursor *c;
	MDB_val k, d;
	size_t olen = strlen(origin);
	int rc = mdb_cursor_open(w->txn, w->db->peer, &c);
	*n = 0;
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		uint8_t *p = d.mv_data, *end = p + d.mv_size, *hit = NULL;
		while (p < end) {
			size_t l = *p++;
			if (l == 0 || (size_t)(end - p) < l + 8) {
				mdb_cursor_close(c);
				return SDX_ECORRUPT;
			}
			if (l == olen && !memcmp(p, origin, l) &&
			    le64_get(p + l) > seq)
				hit = p + l;
			p += l + 8;
		}
		if (!hit)
			continue;
		/* the same value with one entry lowered, written in place */
		uint8_t *copy = malloc(d.mv_size);
		if (!copy) {
			mdb_cursor_close(c);
			return SDX_ENOMEM;
		}
		memcpy(copy, d.mv_data, d.mv_size);
		le64_put(copy + (hit - (uint8_t *)d.mv_data), seq);
		MDB_val nd = {d.mv_size, copy};
		rc = mdb_cursor_put(c, &k, &nd, MDB_CURRENT);
		free(copy);
		if (rc)
			break;
		(*n)++;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
