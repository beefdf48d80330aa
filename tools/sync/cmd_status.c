/* cmd_status.c: scamdex-sync status: this office's version vector with
 * each origin's set fingerprint and its newest signed head (how far
 * behind this database is, since when), and per peer what it last
 * announced and how many operations it lacks. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync_tool.h"

typedef struct ctx {
	sdx_origin_info *v;
	size_t n, cap;
} ctx;

static int collect(const sdx_origin_info *o, void *p)
{
	ctx *c = p;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		sdx_origin_info *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return SDX_ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *o;
	return 0;
}

/* Days without news from an origin before its head is called stale. */
#define STALE_DAYS 2

/* "head ORIGIN seq Y signed T: ..." for an origin whose head is known. */
static int head_line(sdx_db *db, const char *office, const sdx_origin_info *o,
		     time_t now)
{
	sdx_head h;
	char when[32];
	time_t t;
	struct tm tm;
	int rc;
	if (!strcmp(o->origin, office))
		return 0; /* this office signs its head afresh */
	rc = sdx_head_get(db, o->origin, &h);
	if (rc == SDX_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	t = (time_t)h.clock;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm))
		strcpy(when, "?");
	printf("head %s seq %llu signed %s: ", o->origin,
	       (unsigned long long)h.seq, when);
	if (h.seq > o->seq)
		printf("%llu operations behind since then",
		       (unsigned long long)(h.seq - o->seq));
	else
		printf("up to date");
	if (now > t && (now - t) / 86400 >= STALE_DAYS)
		printf("; no news for %lld days",
		       (long long)((now - t) / 86400));
	putchar('\n');
	return 0;
}

static int peer_line(const char *peer, const sdx_vv_entry *vv, size_t n,
		     void *p)
{
	ctx *c = p;
	uint64_t lacks = 0;
	printf("peer %s announced", peer);
	if (!n)
		printf(" nothing");
	for (size_t i = 0; i < n; i++)
		printf(" %s=%llu", vv[i].origin, (unsigned long long)vv[i].seq);
	for (size_t i = 0; i < c->n; i++) {
		uint64_t has = 0;
		for (size_t j = 0; j < n; j++)
			if (!strcmp(vv[j].origin, c->v[i].origin))
				has = vv[j].seq;
		if (c->v[i].seq > has)
			lacks += c->v[i].seq - has;
	}
	printf(" lacks %llu\n", (unsigned long long)lacks);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	char office[SDX_OFFICE_MAX + 1];
	ctx c = {0};
	sdx_db *db;
	int rc, role;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			printf("usage: " PROG " status\n");
			return EXIT_OK;
		}
		return tool_usage("status", "unexpected argument '%s'",
				  argv[1]);
	}
	if (!(db = tool_open(SDX_OPEN_RDONLY)))
		return EXIT_SYSTEM;
	if ((rc = sdx_db_office(db, office, sizeof office)) ||
	    (rc = sdx_db_role(db, &role)) ||
	    (rc = sdx_origins(db, collect, &c)))
		goto out;
	printf("office %s role %s\n", office, sdx_office_role_name(role));
	for (size_t i = 0; i < c.n; i++) {
		const sdx_origin_info *o = &c.v[i];
		char fp[33];
		sdx_id_to_hex(o->fingerprint, fp);
		printf("origin %s seq %llu signed %llu %s%s%s fingerprint %s\n",
		       o->origin, (unsigned long long)o->seq,
		       (unsigned long long)o->sig_seq,
		       o->trusted ? "trusted" : "untrusted",
		       o->trusted ? " " : "",
		       o->trusted ? sdx_office_role_name(o->role) : "", fp);
		if ((rc = head_line(db, office, o, time(NULL))))
			goto out;
	}
	rc = sdx_peers(db, peer_line, &c);
out:
	free(c.v);
	sdx_db_close(db);
	if (rc) {
		fprintf(stderr, PROG " status: %s\n", sdx_strerror(rc));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}
