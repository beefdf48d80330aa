/* helpers.h: simulated offices for the sync tests (real databases in
 * temporary directories). */
#ifndef SCAMDEX_TEST_SYNC_HELPERS_H
#define SCAMDEX_TEST_SYNC_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include <scamdex/scamdex.h>
#include <scamdex/bundle.h>

typedef struct office {
	char name[SDX_OFFICE_MAX + 1];
	char dir[128];
	sdx_db *db;
	sdx_key key;
	int role; /* SDX_OFFICE_POLICE or SDX_OFFICE_BANK */
} office;

/* A temporary directory for the whole test (removed by th_cleanup). */
const char *th_tmpdir(void);
void th_cleanup(void);

/* Create office `name` with a fresh database and key; trusts itself. */
void th_office(office *o, const char *name);
/* The same in directory `dirname` (two databases of one office id). */
void th_office_in(office *o, const char *name, const char *dirname);
/* th_office and th_office_in make police offices; these, either role. */
void th_office_role(office *o, const char *name, int role);
void th_office_in_role(office *o, const char *name, const char *dirname,
		       int role);
void th_close(office *o);
/* a trusts b's key */
void th_trust(office *a, const office *b);

uint64_t th_rand(uint64_t *s);

/* Reports: ids of every report made in the test, and the identifiers. */
#define TH_IDENTS 48
const char *th_ident(size_t i); /* canonical phone of identifier i */
int th_add_report(office *o, uint64_t *rng, int audience, uint8_t id[16]);
/* Police offices HN-PA05 (a) and HCM-PA05 (b) that trust each other; a
 * holds n reports drawn from seed (every 3rd police-only, their ids in
 * ids[0..n-1]), then retracts the first: n + 1 operations. */
void th_two_offices(office *a, office *b, int n, uint64_t seed,
		    uint8_t ids[][16]);

/* Export from a for b into path; returns the sdx status. */
int th_export(office *a, const office *b, int audience, const char *path,
	      sdx_export_result *res);
/* The file `name` in the test's temporary directory, into buf. */
void th_path(char *buf, size_t size, const char *name);
/* The bundle at p imported by o: it must succeed. */
void th_import_ok(office *o, const char *p, sdx_import_result *res);
/* from's bundle for `to` at `audience` (the file `name` in the temporary
 * directory), imported by `to`: both must succeed. */
void th_exchange(office *from, office *to, int audience, const char *name,
		 sdx_import_result *res);

/* Operations as a database holds them, copied by th_keep_op (an
 * sdx_oplog_scan callback; at most 8, bodies included, origin NULL). */
struct th_ops {
	sdx_op op[8];
	uint8_t body[8][2048];
	int n;
};
int th_keep_op(const sdx_op *op, void *ctx);
/* What a relay could write: the bundle from `relay` to office `to` at
 * `audience` holding every operation of `ops` (all of `origin`'s, from
 * seq 1), those whose bit is set in `redact` (bit i: ops->op[i]) as their
 * digests alone, with the digest secret `secret` (NULL: none) and the
 * origin's segment signature the relay holds; into path. */
void th_relay_bundle(office *relay, const char *origin, const char *to,
		     int audience, const struct th_ops *ops, unsigned redact,
		     const uint8_t *secret, const char *path);

/* A canonical text dump of what a database holds, for comparing:
 * origins (seq, fingerprint), every known report's state at `audience`,
 * every identifier's check result. Caller frees. ids: the reports to
 * look at. with_checks = 0 leaves out the entity summaries. */
char *th_dump(office *o, uint8_t (*ids)[16], size_t n_ids, int audience,
	      int with_checks);
/* Fingerprints alone: "origin seq fp\n"... Caller frees. */
char *th_fingerprints(office *o);
/* Both offices hold every origin at the same seq and fingerprint. */
void th_same_fingerprints(office *x, office *y);
/* Mismatches found by sdx_verify. */
size_t th_verify(office *o);

/* n operations of office o's own, written by hand (what a modified scamdex
 * at a trusted office could send): a bundle from o to `to` at path, after
 * o's log, signed with o's key. */
void th_forge(office *o, const char *to, const char *path, int n,
	      const int *types, uint8_t (*bodies)[512], const size_t *lens);

#endif
