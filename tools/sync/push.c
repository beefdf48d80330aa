/* push.c: scamdex-sync push: for every trusted peer, the bundle it lacks
 * (from the vector it last announced, for the audience of its role) goes
 * to this office's drop under its content address, then the signed index
 * that lists what is there and this office's own vector (the
 * acknowledgement its peers prune by). A peer's bundle leaves the index
 * once the peer announces holding all of it, or once a newer bundle for
 * it supersedes it; its file is deleted after the retention floor.
 * Local state: DB/drops/own.state. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle_io.h"
#include "drop.h"
#include "drop_sig.h"

#define RUNS_MAX 2048 /* bytes of "ORIGIN=END,..." kept per bundle */

typedef struct own_entry {
	char name[DROP_NAME_LEN + 1];
	char to[SDX_OFFICE_MAX + 1];
	uint64_t size, created;
	uint64_t delisted; /* 0: in the index; else when it left it */
	char key[33];	   /* what it was exported from (see base_key) */
	char runs[RUNS_MAX];
} own_entry;

typedef struct own_state {
	uint64_t serial;
	own_entry *v;
	size_t n;
} own_state;

static int state_path(char *buf, size_t size)
{
	char dir[4200];
	if (state_dir(dir, sizeof dir, NULL) != 0)
		return -1;
	return snprintf(buf, size, "%s/own.state", dir) >= (int)size ? -1 : 0;
}

static int load_state(own_state *s)
{
	char path[4300], line[RUNS_MAX + 512];
	FILE *f;
	memset(s, 0, sizeof *s);
	if (state_path(path, sizeof path) != 0)
		return -1;
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof line, f)) {
		own_entry e, *v;
		unsigned long long size, created, delisted;
		memset(&e, 0, sizeof e);
		if (sscanf(line, "serial %" SCNu64, &s->serial) == 1)
			continue;
		if (sscanf(line, "bundle %64s %32s %llu %llu %llu %32s %2047s",
			   e.name, e.to, &size, &created, &delisted, e.key,
			   e.runs) != 7) {
			fprintf(stderr, PROG ": %s: a damaged line: %s", path,
				line);
			fclose(f);
			return -1;
		}
		e.size = size;
		e.created = created;
		e.delisted = delisted;
		if (!(v = realloc(s->v, (s->n + 1) * sizeof *v))) {
			fclose(f);
			return -1;
		}
		s->v = v;
		s->v[s->n++] = e;
	}
	fclose(f);
	return 0;
}

static int save_state(const own_state *s)
{
	char path[4300], tmp[4400];
	FILE *f;
	int err = 0;
	if (state_path(path, sizeof path) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!(f = fopen(tmp, "w"))) {
		fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "serial %" PRIu64 "\n", s->serial);
	for (size_t i = 0; i < s->n; i++) {
		const own_entry *e = &s->v[i];
		fprintf(f,
			"bundle %s %s %" PRIu64 " %" PRIu64 " %" PRIu64
			" %s %s\n",
			e->name, e->to, e->size, e->created, e->delisted,
			e->key, e->runs[0] ? e->runs : "-");
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(err));
		return -1;
	}
	return 0;
}

static uint64_t vv_get(const sdx_vv_entry *vv, size_t n, const char *o)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(vv[i].origin, o))
			return vv[i].seq;
	return 0;
}

/* Every run of the entry is held by the peer (vector vv). */
static int acked(const own_entry *e, const sdx_vv_entry *vv, size_t n)
{
	char runs[RUNS_MAX], *save = NULL, *t;
	if (!e->runs[0] || !strcmp(e->runs, "-"))
		return 1;
	strcpy(runs, e->runs);
	for (t = strtok_r(runs, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		char *eq = strrchr(t, '=');
		if (!eq)
			return 0;
		*eq = '\0';
		if (vv_get(vv, n, t) < strtoull(eq + 1, NULL, 10))
			return 0;
	}
	return 1;
}

/* The runs of a bundle file: "ORIGIN=LAST,..." (the segment signature
 * closing each run names its last operation). */
static int bundle_runs(const char *path, char *out, size_t size)
{
	sdx_breader r;
	sdx_bitem it;
	char origin[SDX_OFFICE_MAX + 1] = "";
	size_t o = 0;
	int rc;
	out[0] = '\0';
	if ((rc = sdx_br_open(&r, path)))
		return rc;
	while ((rc = sdx_br_next(&r, &it)) == 0) {
		if (it.kind == SDX_BI_RUN) {
			memcpy(origin, it.name, it.name_len);
			origin[it.name_len] = '\0';
		} else if (it.kind == SDX_BI_SEGSIG) {
			int n = snprintf(out + o, size - o, "%s%s=%" PRIu64,
					 o ? "," : "", origin, it.seq);
			if (n < 0 || (size_t)n >= size - o) {
				rc = SDX_ETOOLONG;
				break;
			}
			o += (size_t)n;
		} else if (it.kind == SDX_BI_SIGNATURE) {
			rc = 1;
			break;
		}
	}
	sdx_br_close(&r);
	return rc == 1 ? 0 : rc;
}

/* What a bundle for the peer is made from: its vector, ours and the
 * audience. The same key again means the same bundle: skip it. */
static void base_key(const sdx_vv_entry *pvv, size_t np,
		     const sdx_vv_entry *mine, size_t nm, int audience,
		     char out[33])
{
	char *buf = NULL;
	size_t len = 0;
	uint8_t h[32];
	FILE *f = open_memstream(&buf, &len);
	static const char d[] = "0123456789abcdef";
	if (f) {
		for (size_t i = 0; i < np; i++)
			fprintf(f, "%s=%" PRIu64 " ", pvv[i].origin,
				pvv[i].seq);
		fprintf(f, "| %d |", audience);
		for (size_t i = 0; i < nm; i++)
			fprintf(f, " %s=%" PRIu64, mine[i].origin, mine[i].seq);
		fclose(f);
	}
	sdx_drop_hash(buf ? buf : "", buf ? len : 0, h);
	free(buf);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = d[h[i] >> 4];
		out[2 * i + 1] = d[h[i] & 15];
	}
	out[32] = '\0';
}

/* The audience of a peer's bundles: its role in the trust list (the
 * export narrows it further to this database's); a drop's --role bank
 * narrows it too. A peer without a role gets no bundle (the export says
 * SDX_EROLE). */
static int peer_audience(sdx_db *db, drops *d, const char *peer,
			 const char **note)
{
	drop *x = drops_find(d, peer);
	sdx_origin_info oi;
	int own = SDX_OFFICE_NOROLE;
	*note = "";
	if (sdx_origin_get(db, peer, &oi) != 0 || oi.role == SDX_OFFICE_NOROLE)
		return SDX_AUD_BANK;
	if (sdx_db_role(db, &own) == 0 && own == SDX_OFFICE_BANK)
		return SDX_AUD_BANK;
	if (x && !strcmp(x->role, "bank"))
		return SDX_AUD_BANK;
	return oi.role == SDX_OFFICE_POLICE ? SDX_AUD_POLICE : SDX_AUD_BANK;
}

typedef struct peers {
	char (*v)[SDX_OFFICE_MAX + 1];
	size_t n;
	const char *self;
} peers;

static int collect_peer(const sdx_origin_info *o, void *p)
{
	peers *ps = p;
	char(*v)[SDX_OFFICE_MAX + 1];
	if (!o->trusted || !strcmp(o->origin, ps->self))
		return 0;
	if (!(v = realloc(ps->v, (ps->n + 1) * sizeof *v)))
		return SDX_ENOMEM;
	ps->v = v;
	strcpy(ps->v[ps->n++], o->origin);
	return 0;
}

static void rate_line(uint64_t bytes, double seconds)
{
	char b[32], r[32];
	double t = seconds > 1e-6 ? seconds : 1e-6;
	printf("; %s in %.2f s (%s/s)\n", human_bytes(bytes, b), seconds,
	       human_bytes((uint64_t)(bytes / t), r));
}

/* One peer: 0 done or nothing to do, 1 failed (line printed), 3 local. */
static int push_peer(sdx_db *db, const sdx_key *key, drops *d, xfer *x,
		     const xfer_opts *o, own_state *s, const char *peer,
		     const sdx_vv_entry *mine, size_t nm)
{
	char dir[4200], tmp[4400], path[4400], fname[DROP_NAME_LEN + 8],
	    name[DROP_NAME_LEN + 1], bk[33];
	const char *note;
	sdx_vv_entry *pvv = calloc(SDX_BUNDLE_ORIGINS_MAX, sizeof *pvv);
	size_t np = 0;
	int aud = peer_audience(db, d, peer, &note), rc, status = EXIT_SYSTEM;
	sdx_export_result res;
	uint64_t bytes0 = x->bytes;
	double secs0 = x->seconds;
	uint8_t h[32];
	uint64_t size;
	own_entry e;

	if (!pvv)
		return EXIT_SYSTEM;
	if ((rc =
		 sdx_peer_get_vv(db, peer, pvv, SDX_BUNDLE_ORIGINS_MAX, &np))) {
		fprintf(stderr, PROG " push: %s: %s\n", peer, sdx_strerror(rc));
		goto out;
	}
	if (np > SDX_BUNDLE_ORIGINS_MAX)
		np = SDX_BUNDLE_ORIGINS_MAX;
	/* the peer's acknowledgement takes its bundles out of the index */
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].delisted && !strcmp(s->v[i].to, peer) &&
		    acked(&s->v[i], pvv, np))
			s->v[i].delisted = (uint64_t)time(NULL);
	base_key(pvv, np, mine, nm, aud, bk);
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].delisted && !strcmp(s->v[i].to, peer) &&
		    !strcmp(s->v[i].key, bk)) {
			if (!o->quiet)
				printf("push %s: nothing new (bundle %.16s "
				       "waits in the drop)\n",
				       peer, s->v[i].name);
			status = EXIT_OK;
			goto out;
		}
	if (state_dir(dir, sizeof dir, "out") != 0)
		goto out;
	snprintf(tmp, sizeof tmp, "%s/%s.sdxb", dir, peer);
	if ((rc = sdx_bundle_export(db, key, peer, aud, 0, tmp, &res))) {
		/* the database or the disk: stop; this peer alone: go on */
		int local = rc == SDX_EIO || rc == SDX_EFULL ||
			    rc == SDX_ENOMEM || rc == SDX_ECORRUPT;
		printf("push %s: %s: export: %s\n", peer,
		       local ? "failed" : "refused", sdx_strerror(rc));
		status = local ? EXIT_SYSTEM : EXIT_REJECTED;
		goto out;
	}
	if (res.ops == 0) {
		unlink(tmp);
		if (!o->quiet)
			printf("push %s: nothing new, audience %s%s\n", peer,
			       sdx_audience_name(aud), note);
		status = EXIT_OK;
		goto out;
	}
	memset(&e, 0, sizeof e);
	if (sdx_drop_hash_file(tmp, h, &size) != 0 ||
	    (rc = bundle_runs(tmp, e.runs, sizeof e.runs))) {
		fprintf(stderr, PROG " push: %s: reading %s back failed\n",
			peer, tmp);
		unlink(tmp);
		goto out;
	}
	for (int i = 0; i < 32; i++)
		sprintf(name + 2 * i, "%02x", h[i]);
	snprintf(path, sizeof path, "%s/%s.sdxb", dir, name);
	if (rename(tmp, path) != 0) {
		fprintf(stderr, PROG " push: %s: %s\n", path, strerror(errno));
		goto out;
	}
	snprintf(fname, sizeof fname, "%s.sdxb", name);
	if (xfer_put_file(x, fname, path, 0) != 0) {
		printf("push %s: failed: %s\n", peer, x->err);
		unlink(path);
		status = EXIT_REJECTED;
		goto out;
	}
	unlink(path);
	/* the new bundle holds everything the older ones for this peer did
	 * that the peer still lacks: they leave the index */
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].delisted && !strcmp(s->v[i].to, peer))
			s->v[i].delisted = (uint64_t)time(NULL);
	strcpy(e.name, name);
	strcpy(e.to, peer);
	e.size = size;
	e.created = (uint64_t)time(NULL);
	strcpy(e.key, bk);
	{
		own_entry *v = realloc(s->v, (s->n + 1) * sizeof *v);
		if (!v)
			goto out;
		s->v = v;
		s->v[s->n++] = e;
	}
	if (!o->quiet) {
		printf("push %s: 1 bundle, %" PRIu64 " operations (%" PRIu64
		       " redacted), audience %s%s",
		       peer, res.ops, res.redacted,
		       sdx_audience_name(res.audience), note);
		rate_line(x->bytes - bytes0, x->seconds - secs0);
	}
	status = EXIT_OK;
out:
	free(pvv);
	return status;
}

int push_all(sdx_db *db, const sdx_key *key, drops *d, const xfer_opts *o)
{
	char office[SDX_OFFICE_MAX + 1];
	peers ps = {NULL, 0, NULL};
	sdx_vv_entry *mine = NULL;
	size_t nm = 0;
	own_state s;
	drop *own;
	xfer x = {0};
	int rc, status = EXIT_OK;
	drop_index ix;
	char *text = NULL;
	size_t tlen = 0;

	if ((rc = sdx_db_office(db, office, sizeof office))) {
		fprintf(stderr, PROG " push: %s\n", sdx_strerror(rc));
		return EXIT_SYSTEM;
	}
	if (!(own = drops_find(d, office))) {
		fprintf(stderr,
			PROG " push: no drop for this office (%s): run "
			     "'" PROG " drop add %s URL' first\n",
			office, office);
		return EXIT_SYSTEM;
	}
	if (load_state(&s) != 0) {
		fprintf(stderr, PROG " push: cannot read the drop state\n");
		return EXIT_SYSTEM;
	}
	ps.self = office;
	if ((rc = sdx_origins(db, collect_peer, &ps)) ||
	    (rc = own_vector(db, &mine, &nm))) {
		fprintf(stderr, PROG " push: %s\n", sdx_strerror(rc));
		status = EXIT_SYSTEM;
		goto out;
	}
	memset(&x, 0, sizeof x);
	x.d = own;
	x.o = o;
	/* a listed bundle gone or damaged in the drop leaves the index, so
	 * its peer gets a new one now */
	for (size_t i = 0; i < s.n; i++) {
		char fname[DROP_NAME_LEN + 8];
		int64_t size;
		own_entry *e = &s.v[i];
		if (e->delisted)
			continue;
		snprintf(fname, sizeof fname, "%s.sdxb", e->name);
		if (xfer_size(&x, fname, &size) != 0 ||
		    (uint64_t)size == e->size)
			continue;
		printf("push: %.16s for %s is %s in the drop: made again\n",
		       e->name, e->to, size < 0 ? "missing" : "damaged");
		e->delisted = (uint64_t)time(NULL);
	}
	for (size_t i = 0; i < ps.n; i++) {
		int st = push_peer(db, key, d, &x, o, &s, ps.v[i], mine, nm);
		if (st == EXIT_SYSTEM) {
			status = EXIT_SYSTEM;
			goto out;
		}
		if (st > status)
			status = st;
	}
	/* the index: every listed bundle and this office's vector */
	memset(&ix, 0, sizeof ix);
	strcpy(ix.office, office);
	ix.created = (uint64_t)time(NULL);
	ix.serial = s.serial + 1;
	if (ix.serial < ix.created)
		ix.serial = ix.created; /* a lost state file does not go back */
	ix.vv = mine;
	ix.n_vv = nm;
	if (!(ix.e = calloc(s.n + 1, sizeof *ix.e))) {
		status = EXIT_SYSTEM;
		goto out;
	}
	for (size_t i = 0; i < s.n; i++)
		if (!s.v[i].delisted) {
			index_entry *e = &ix.e[ix.n++];
			strcpy(e->name, s.v[i].name);
			strcpy(e->to, s.v[i].to);
			e->size = s.v[i].size;
		}
	rc = index_write(&ix, key, &text, &tlen);
	free(ix.e);
	if (rc) {
		fprintf(stderr, PROG " push: signing the index: %s\n",
			sdx_strerror(rc));
		status = EXIT_SYSTEM;
		goto out;
	}
	if (xfer_put_mem(&x, DROP_INDEX_NAME, text, tlen) != 0) {
		printf("push: index: failed: %s\n", x.err);
		status = status > EXIT_REJECTED ? status : EXIT_REJECTED;
		goto save;
	}
	s.serial = ix.serial;
	/* the retention floor: delisted bundles stay that long */
	for (size_t i = 0; i < s.n;) {
		char fname[DROP_NAME_LEN + 8];
		own_entry *e = &s.v[i];
		if (!e->delisted ||
		    (uint64_t)time(NULL) < e->delisted + (uint64_t)o->retain) {
			i++;
			continue;
		}
		snprintf(fname, sizeof fname, "%s.sdxb", e->name);
		if (xfer_delete(&x, fname) != 0) {
			printf("push: pruning %.16s: failed: %s\n", e->name,
			       x.err);
			i++;
			continue;
		}
		if (!o->quiet)
			printf("push: pruned %.16s (for %s)\n", e->name, e->to);
		memmove(e, e + 1, (s.n - i - 1) * sizeof *e);
		s.n--;
	}
save:
	if (save_state(&s) != 0)
		status = EXIT_SYSTEM;
out:
	xfer_close(&x);
	free(text);
	free(mine);
	free(ps.v);
	free(s.v);
	return status;
}

int cmd_push(int argc, char **argv)
{
	return run_command("push", argc, argv);
}
