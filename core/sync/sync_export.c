/* sync_export.c: writing the bundle a peer needs. For every origin, the
 * operations after the seq the peer last announced, up to what an origin
 * signature covers (our own: signed now; others: the signature stored
 * when they arrived), so a relay forwards without being able to forge. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle_io.h"
#include "codec.h"
#include "grow.h"

/* The origins, collected by sdx_origins. */
typedef struct origins {
	sdx_origin_info *v;
	size_t n, cap;
} origins;

static int collect(const sdx_origin_info *o, void *ctx)
{
	origins *os = ctx;
	if (os->n >= SDX_BUNDLE_ORIGINS_MAX)
		return SDX_ETOOLONG;
	int rc = sdx_grow(&os->v, &os->cap, os->n + 1, sizeof *os->v, 64);
	if (rc)
		return rc;
	os->v[os->n++] = *o;
	return 0;
}

#define STOP 1 /* a scan callback's "enough" */

typedef struct run_ctx {
	sdx_db *db;
	sdx_report *rep; /* scratch for police_state */
	sdx_bwriter *w;
	int audience;
	uint64_t end;	   /* last seq to write */
	uint64_t last;	   /* last seq written */
	uint8_t chain[32]; /* chain(last) */
	uint64_t redacted;
} run_ctx;

/* A retraction, dispute or resolution of a police-only report held here
 * is police-only too: its reason is about that report. (A report not
 * held here cannot be judged; its state op travels.) */
static int police_state(run_ctx *c, const sdx_op *op)
{
	codec_state_op s;
	if (op->type != SDX_OP_RETRACT && op->type != SDX_OP_DISPUTE &&
	    op->type != SDX_OP_RESOLVE)
		return 0;
	if (codec_state_op_decode(op->body, op->body_len, &s) != 0)
		return 0;
	return sdx_report_get(c->db, s.id, SDX_AUD_POLICE, c->rep) == 0 &&
	       c->rep->audience == SDX_AUD_POLICE;
}

static int write_op(const sdx_op *op, void *ctx)
{
	run_ctx *c = ctx;
	int rc;
	if (op->seq > c->end)
		return STOP;
	if (op->seq != c->last + 1)
		return SDX_ECORRUPT;
	/* A marked operation's audience is its mark (signed); one from
	 * before marks is judged by its audience and its report. */
	int police =
	    c->audience == SDX_AUD_BANK &&
	    (op->mark ? (op->mark & SDX_MARK_POLICE) != 0
		      : op->audience == SDX_AUD_POLICE || police_state(c, op));
	if (!op->body || police) {
		rc = sdx_bw_redacted(c->w, op->seq, op->type | op->mark,
				     op->digest);
		c->redacted++;
	} else {
		rc = sdx_bw_op(c->w, op->seq, op->type | op->mark, op->body,
			       op->body_len);
	}
	if (rc)
		return rc;
	c->last = op->seq;
	memcpy(c->chain, op->chain, 32);
	return op->seq == c->end ? STOP : 0;
}

/* Police audience: an op held here only as its digest cannot be
 * forwarded (the peer would lose the report for good). */
static int find_redacted(const sdx_op *op, void *ctx)
{
	uint64_t *end = ctx;
	if (op->seq > *end)
		return STOP;
	if (!op->body) {
		*end = 0;
		return STOP;
	}
	return 0;
}

static uint64_t peer_has(const sdx_vv_entry *vv, size_t n, const char *o)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(vv[i].origin, o) == 0)
			return vv[i].seq;
	return 0;
}

/* One origin's run: ops after `from` up to `end`, then its signature. */
static int export_run(sdx_db *db, sdx_bwriter *w, const sdx_key *key,
		      const sdx_origin_info *o, int own, int audience,
		      uint64_t from, uint64_t end, sdx_export_result *res)
{
	run_ctx c = {db, NULL, w, audience, end, from, {0}, 0};
	uint8_t sig[64];
	int rc;
	if ((rc = sdx_oplog_chain(db, o->origin, from, c.chain)))
		return rc == SDX_ENOTFOUND ? SDX_ECORRUPT : rc;
	if ((rc = sdx_bw_run(w, o->origin, from + 1, c.chain)))
		return rc;
	/* a police peer gets the key of the origin's police-only digests */
	if (audience == SDX_AUD_POLICE) {
		uint8_t secret[32];
		rc = sdx_digest_secret_get(db, o->origin, secret);
		if (!rc)
			rc = sdx_bw_secret(w, o->origin, secret);
		if (rc && rc != SDX_ENOTFOUND)
			return rc;
	}
	if (audience == SDX_AUD_BANK && !(c.rep = malloc(sizeof *c.rep)))
		return SDX_ENOMEM;
	rc = sdx_oplog_scan(db, o->origin, from, write_op, &c);
	free(c.rep);
	if (rc < 0)
		return rc;
	if (c.last != end)
		return SDX_ECORRUPT; /* the log lacks ops its head counts */
	if (own) {
		if ((rc = sdx_segment_sign(key, o->origin, end, c.chain, sig)))
			return rc;
	} else {
		memcpy(sig, o->sig, 64);
	}
	if ((rc = sdx_bw_segsig(w, end, sig)))
		return rc;
	res->ops += end - from;
	res->redacted += c.redacted;
	res->origins++;
	return 0;
}

/* Freshness: this office's own head, signed now, and the newest head
 * held of every other trusted origin (forwarded as it was signed). */
static int write_head(sdx_db *db, sdx_bwriter *w, const sdx_key *key,
		      const sdx_origin_info *o)
{
	sdx_head h;
	int rc;
	memset(&h, 0, sizeof h);
	if (!strcmp(o->origin, key->office)) {
		if (!o->seq)
			return 0;
		strcpy(h.origin, o->origin);
		h.seq = o->seq;
		memcpy(h.chain, o->chain, 32);
		h.clock = (uint64_t)time(NULL);
		if ((rc = sdx_head_sign(key, &h)))
			return rc;
		return sdx_bw_head(w, &h);
	}
	if (!o->trusted)
		return 0;
	rc = sdx_head_get(db, o->origin, &h);
	if (rc == SDX_ENOTFOUND)
		return 0;
	return rc ? rc : sdx_bw_head(w, &h);
}

static int export_all(sdx_db *db, const sdx_key *key, const char *peer,
		      int role, int audience, unsigned flags, FILE *f,
		      sdx_export_result *res)
{
	origins os = {0};
	sdx_vv_entry *pvv = NULL, *mine = NULL;
	size_t np = 0, nm = 0;
	sdx_bwriter w;
	int rc;

	memset(&w, 0, sizeof w);
	if ((rc = sdx_origins(db, collect, &os)))
		goto out;
	if (!(pvv = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *pvv)) ||
	    !(mine = calloc(os.n ? os.n : 1, sizeof *mine))) {
		rc = SDX_ENOMEM;
		goto out;
	}
	if (!(flags & SDX_EXPORT_FULL)) {
		rc =
		    sdx_peer_get_vv(db, peer, pvv, SDX_BUNDLE_ORIGINS_MAX, &np);
		if (rc)
			goto out;
		if (np > SDX_BUNDLE_ORIGINS_MAX)
			np = SDX_BUNDLE_ORIGINS_MAX;
	}
	for (size_t i = 0; i < os.n; i++) {
		uint64_t seq = os.v[i].seq, red = 0;
		/* Redacted is not held: a police database announces an
		 * origin only up to before the first operation it holds as a
		 * digest alone (one kept before roles), so that a police
		 * peer sends that operation's body. */
		if (role == SDX_OFFICE_POLICE && seq > 0 &&
		    strcmp(os.v[i].origin, key->office) != 0) {
			if ((rc = sdx_oplog_first_redacted(db, os.v[i].origin,
							   &red)))
				goto out;
			if (red)
				seq = red - 1;
		}
		if (seq > 0) {
			strcpy(mine[nm].origin, os.v[i].origin);
			mine[nm++].seq = seq;
		}
	}
	if ((rc = sdx_bw_open(&w, f)) ||
	    (rc = sdx_bw_header(&w, key->office, peer, audience,
				(uint64_t)time(NULL), mine, nm)))
		goto out;
	for (size_t i = 0; i < os.n; i++)
		if ((rc = write_head(db, &w, key, &os.v[i])))
			goto out;
	for (size_t i = 0; i < os.n; i++) {
		const sdx_origin_info *o = &os.v[i];
		int own = strcmp(o->origin, key->office) == 0;
		uint64_t from = peer_has(pvv, np, o->origin), end = o->seq;
		if (end <= from)
			continue;
		if (!own) {
			end = o->trusted && o->sig_seq < end ? o->sig_seq : end;
			if (!o->trusted)
				end = from;
			if (audience == SDX_AUD_POLICE && end > from) {
				uint64_t e = end;
				rc = sdx_oplog_scan(db, o->origin, from,
						    find_redacted, &e);
				if (rc < 0)
					goto out;
				if (!e)
					end = from;
			}
		}
		res->held_back += o->seq - (end > from ? end : from);
		if (end <= from)
			continue;
		rc = export_run(db, &w, key, o, own, audience, from, end, res);
		if (rc)
			goto out;
	}
	if ((rc = sdx_bw_finish(&w, key)))
		goto out;
	res->bytes = w.bytes;
out:
	sdx_bw_close(&w);
	free(os.v);
	free(pvv);
	free(mine);
	return rc;
}

int sdx_bundle_export(sdx_db *db, const sdx_key *key, const char *peer,
		      int audience, unsigned flags, const char *path,
		      sdx_export_result *res)
{
	char office[SDX_OFFICE_MAX + 1], *tmp = NULL;
	sdx_export_result dummy;
	sdx_origin_info pinfo;
	FILE *f;
	int rc, to_stdout, role;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof *res);
	if (!db || !key || !peer || !path ||
	    (audience != SDX_AUD_BANK && audience != SDX_AUD_POLICE) ||
	    !sdx_office_valid(peer, strlen(peer)))
		return SDX_EINVAL;
	if ((rc = sdx_db_office(db, office, sizeof office)))
		return rc;
	if (strcmp(office, key->office) != 0)
		return SDX_EKEY;
	if (strcmp(peer, office) == 0)
		return SDX_EINVAL;
	/* The audience comes from the roles: the caller's may only narrow
	 * it. A bank never sends police data (it holds none), and a peer
	 * without a role gets nothing. */
	if ((rc = sdx_db_role(db, &role)))
		return rc;
	if (role == SDX_OFFICE_NOROLE)
		return SDX_EROLE;
	rc = sdx_origin_get(db, peer, &pinfo);
	if (rc == SDX_ENOTFOUND || (!rc && !pinfo.trusted))
		return SDX_EUNTRUSTED;
	if (rc)
		return rc;
	if (pinfo.role == SDX_OFFICE_NOROLE)
		return SDX_EROLE;
	if (audience > pinfo.role)
		audience = pinfo.role;
	if (audience > role)
		audience = role;
	res->audience = audience;
	to_stdout = strcmp(path, "-") == 0;
	if (to_stdout) {
		f = stdout;
	} else {
		size_t n = strlen(path) + 5;
		if (!(tmp = malloc(n)))
			return SDX_ENOMEM;
		snprintf(tmp, n, "%s.tmp", path);
		/* 0600; a planted symlink named like the .tmp is removed,
		 * never followed (rename then replaces whatever has the
		 * final name, a symlink too, without following it) */
		int fl = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
		int fd = open(tmp, fl, 0600);
		if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
			fd = open(tmp, fl, 0600);
		if (fd < 0 || !(f = fdopen(fd, "wb"))) {
			if (fd >= 0)
				close(fd);
			free(tmp);
			return SDX_EIO;
		}
	}
	rc = export_all(db, key, peer, role, audience, flags, f, res);
	if (to_stdout)
		return rc;
	/* Durable before it takes the final name. */
	if (!rc && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		rc = errno == ENOSPC ? SDX_EFULL : SDX_EIO;
	if (fclose(f) != 0 && !rc)
		rc = SDX_EIO;
	if (!rc && rename(tmp, path) != 0)
		rc = SDX_EIO;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}
