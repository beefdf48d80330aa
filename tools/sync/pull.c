/* pull.c: scamdex-sync pull: for every peer's drop, the signed index,
 * then every bundle it lists for this office not applied yet (continuing
 * a partial download), checked against its content address and imported;
 * then the vector the peer published, the acknowledgement push prunes by.
 * A drop that fails gives one line and status 1 for that peer; the others
 * go on. Local state: DB/drops/peer-OFFICE.state (the newest index serial
 * seen, the bundles applied), DB/drops/in/ (downloads). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_io.h"
#include "drop.h"
#include "drop_sig.h"

typedef struct peer_state {
	uint64_t serial;
	char (*applied)[DROP_NAME_LEN + 1];
	size_t n;
} peer_state;

static int pstate_path(const char *peer, char *buf, size_t size)
{
	char dir[4200];
	if (state_dir(dir, sizeof dir, NULL) != 0)
		return -1;
	return snprintf(buf, size, "%s/peer-%s.state", dir, peer) >= (int)size
		   ? -1
		   : 0;
}

static int add_applied(peer_state *s, const char *name)
{
	char(*v)[DROP_NAME_LEN + 1] =
	    realloc(s->applied, (s->n + 1) * sizeof *v);
	if (!v)
		return -1;
	s->applied = v;
	strcpy(s->applied[s->n++], name);
	return 0;
}

static int load_pstate(const char *peer, peer_state *s)
{
	char path[4300], line[256], name[DROP_NAME_LEN + 1];
	FILE *f;
	memset(s, 0, sizeof *s);
	if (pstate_path(peer, path, sizeof path) != 0)
		return -1;
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "serial %" SCNu64, &s->serial) == 1)
			continue;
		if (sscanf(line, "applied %64s", name) == 1 &&
		    add_applied(s, name) == 0)
			continue;
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int save_pstate(const char *peer, const peer_state *s)
{
	char path[4300], tmp[4400];
	FILE *f;
	int err = 0;
	if (pstate_path(peer, path, sizeof path) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!(f = fopen(tmp, "w")))
		return -1;
	fprintf(f, "serial %" PRIu64 "\n", s->serial);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "applied %s\n", s->applied[i]);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	return err ? -1 : 0;
}

static int was_applied(const peer_state *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->applied[i], name))
			return 1;
	return 0;
}

/* The peer's vector becomes what its index announces: the newest the
 * peer signed (older serials are refused), so a peer that went back to a
 * backup gets again what it lost. */
static int store_vv(sdx_db *db, const char *peer, const drop_index *ix)
{
	return sdx_peer_set_vv(db, peer, ix->vv, ix->n_vv);
}

typedef struct totals {
	uint64_t bundles, ops, applied, redacted, dup, gap;
} totals;

static void summary(const char *peer, const totals *t, const xfer *x)
{
	char b[32], r[32];
	double s = x->seconds > 1e-6 ? x->seconds : 1e-6;
	if (!t->bundles)
		printf("pull %s: nothing new", peer);
	else
		printf("pull %s: %" PRIu64 " bundle%s, %" PRIu64
		       " operations: %" PRIu64 " applied (%" PRIu64
		       " redacted), %" PRIu64 " already held, %" PRIu64
		       " skipped",
		       peer, t->bundles, t->bundles == 1 ? "" : "s", t->ops,
		       t->applied, t->redacted, t->dup, t->gap);
	printf("; %s in %.2f s (%s/s)\n", human_bytes(x->bytes, b), x->seconds,
	       human_bytes((uint64_t)(x->bytes / s), r));
}

/* One bundle: fetched (continued), checked, imported. 0, 1 (line
 * printed), 3. */
static int fetch_one(sdx_db *db, const char *peer, xfer *x,
		     const index_entry *e, totals *t)
{
	char dir[4200], part[4400], fname[DROP_NAME_LEN + 8], hex[65];
	uint8_t h[32];
	uint64_t size = 0, resumed = 0;
	struct stat st;
	sdx_import_result res;
	int rc;

	if (state_dir(dir, sizeof dir, "in") != 0)
		return EXIT_SYSTEM;
	snprintf(part, sizeof part, "%s/%s.part", dir, e->name);
	snprintf(fname, sizeof fname, "%s.sdxb", e->name);
	if (stat(part, &st) == 0 && (uint64_t)st.st_size > e->size &&
	    unlink(part) != 0) {
		fprintf(stderr, PROG " pull: %s: %s\n", part, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (stat(part, &st) != 0 || (uint64_t)st.st_size < e->size) {
		if (xfer_get_file(x, fname, part, e->size, &resumed) != 0) {
			printf("pull %s: failed: %s\n", peer, x->err);
			return EXIT_REJECTED;
		}
	}
	if (sdx_drop_hash_file(part, h, &size) != 0) {
		fprintf(stderr, PROG " pull: %s: %s\n", part, strerror(errno));
		return EXIT_SYSTEM;
	}
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", h[i]);
	if (size != e->size || strcmp(hex, e->name) != 0) {
		printf("pull %s: refused: %s%s: %" PRIu64
		       " bytes that hash to %.16s..., the index says "
		       "%" PRIu64 " bytes %.16s... (a damaged or replaced "
		       "file; fetched again next time)\n",
		       peer, x->d->url, fname, size, hex, e->size, e->name);
		unlink(part);
		return EXIT_REJECTED;
	}
	if (resumed && !x->o->quiet)
		printf("pull %s: %.16s continued from byte %" PRIu64 "\n", peer,
		       e->name, resumed);
	rc = sdx_bundle_import(db, part, &res);
	if (rc) {
		printf("pull %s: refused: %s%s: %s (at byte %llu; %s)\n", peer,
		       x->d->url, fname, res.reason,
		       (unsigned long long)res.offset, sdx_status_name(rc));
		unlink(part);
		return tool_status(rc) == EXIT_REJECTED ? EXIT_REJECTED
							: EXIT_SYSTEM;
	}
	unlink(part);
	t->bundles++;
	t->ops += res.ops;
	t->applied += res.applied;
	t->redacted += res.redacted;
	t->dup += res.duplicates;
	t->gap += res.gap;
	return EXIT_OK;
}

static int pull_peer(sdx_db *db, const char *office, drop *dp,
		     const xfer_opts *o)
{
	const char *peer = dp->name;
	sdx_origin_info info;
	xfer x = {dp, o, 0, 0, "", NULL, 0};
	char *text = NULL, why[300];
	size_t len = 0;
	drop_index ix;
	peer_state s, keep;
	totals t = {0};
	int rc, status = EXIT_OK;

	memset(&keep, 0, sizeof keep);
	if ((rc = sdx_origin_get(db, peer, &info)) || !info.trusted) {
		printf("pull %s: refused: %s is not trusted ('" PROG
		       " trust add' first)\n",
		       peer, peer);
		return EXIT_REJECTED;
	}
	if (load_pstate(peer, &s) != 0) {
		fprintf(stderr, PROG " pull: %s: a damaged state file\n", peer);
		free(s.applied);
		return EXIT_SYSTEM;
	}
	if (xfer_get_mem(&x, DROP_INDEX_NAME, DROP_INDEX_MAX, &text, &len)) {
		printf("pull %s: failed: %s\n", peer, x.err);
		status = EXIT_REJECTED;
		goto out;
	}
	if (index_read(text, len, peer, info.pubkey, &ix, why, sizeof why)) {
		printf("pull %s: refused: %s" DROP_INDEX_NAME ": %s\n", peer,
		       dp->url, why);
		status = EXIT_REJECTED;
		goto out;
	}
	if (ix.serial < s.serial) {
		printf("pull %s: refused: %s" DROP_INDEX_NAME
		       ": serial %" PRIu64 " is older than %" PRIu64
		       " seen before (a replayed index)\n",
		       peer, dp->url, ix.serial, s.serial);
		index_free(&ix);
		status = EXIT_REJECTED;
		goto out;
	}
	for (size_t i = 0; i < ix.n && status != EXIT_SYSTEM; i++) {
		int st;
		if (strcmp(ix.e[i].to, office) != 0 ||
		    was_applied(&s, ix.e[i].name))
			continue;
		st = fetch_one(db, peer, &x, &ix.e[i], &t);
		if (st == EXIT_OK && add_applied(&s, ix.e[i].name) != 0)
			st = EXIT_SYSTEM;
		if (st > status)
			status = st;
		if (st != EXIT_OK && strstr(x.err, "after"))
			break; /* the drop is down: the rest would wait too */
	}
	if (status != EXIT_SYSTEM && (rc = store_vv(db, peer, &ix))) {
		fprintf(stderr, PROG " pull: %s: storing its vector: %s\n",
			peer, sdx_strerror(rc));
		status = EXIT_SYSTEM;
	}
	/* keep only the applied bundles the index still lists */
	for (size_t i = 0; i < ix.n; i++)
		if (was_applied(&s, ix.e[i].name) &&
		    add_applied(&keep, ix.e[i].name) != 0)
			status = EXIT_SYSTEM;
	keep.serial = ix.serial;
	index_free(&ix);
	if (save_pstate(peer, &keep) != 0) {
		fprintf(stderr, PROG " pull: %s: cannot save its state\n",
			peer);
		status = EXIT_SYSTEM;
	}
	if (status == EXIT_OK && !o->quiet)
		summary(peer, &t, &x);
	else if (status == EXIT_REJECTED && t.bundles && !o->quiet)
		summary(peer, &t, &x);
out:
	xfer_close(&x);
	free(text);
	free(s.applied);
	free(keep.applied);
	return status;
}

int pull_all(sdx_db *db, drops *d, const xfer_opts *o, const char *only)
{
	char office[SDX_OFFICE_MAX + 1];
	int rc, status = EXIT_OK, found = 0;
	if ((rc = sdx_db_office(db, office, sizeof office))) {
		fprintf(stderr, PROG " pull: %s\n", sdx_strerror(rc));
		return EXIT_SYSTEM;
	}
	for (size_t i = 0; i < d->n; i++) {
		int st;
		if (!strcmp(d->v[i].name, office) ||
		    (only && strcmp(d->v[i].name, only)))
			continue;
		found = 1;
		st = pull_peer(db, office, &d->v[i], o);
		if (st > status)
			status = st;
		if (st == EXIT_SYSTEM)
			break;
	}
	if (only && !found) {
		fprintf(stderr, PROG " pull: no drop named %s\n", only);
		return EXIT_USAGE;
	}
	return status;
}

int cmd_pull(int argc, char **argv)
{
	return run_command("pull", argc, argv);
}
