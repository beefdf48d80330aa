/* helpers.c: simulated offices for the sync tests. */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_io.h"
#include "helpers.h"

static char tmp[64];

const char *th_tmpdir(void)
{
	if (!tmp[0]) {
		strcpy(tmp, "/tmp/sdx-sync-XXXXXX");
		cr_assert_not_null(mkdtemp(tmp));
	}
	return tmp;
}

void th_cleanup(void)
{
	char cmd[128];
	if (!tmp[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	cr_assert_eq(system(cmd), 0);
	tmp[0] = '\0';
}

void th_office(office *o, const char *name)
{
	th_office_in(o, name, name);
}

void th_office_role(office *o, const char *name, int role)
{
	th_office_in_role(o, name, name, role);
}

void th_office_in(office *o, const char *name, const char *dirname)
{
	th_office_in_role(o, name, dirname, SDX_OFFICE_POLICE);
}

void th_office_in_role(office *o, const char *name, const char *dirname,
		       int role)
{
	int rc;
	memset(o, 0, sizeof *o);
	o->role = role;
	snprintf(o->name, sizeof o->name, "%s", name);
	snprintf(o->dir, sizeof o->dir, "%s/%s", th_tmpdir(), dirname);
	rc = sdx_db_open(o->dir, SDX_OPEN_CREATE, &o->db);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	rc = sdx_db_set_office(o->db, name);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	rc = sdx_db_set_role(o->db, role);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	cr_assert_eq(sdx_keygen(name, &o->key), 0);
	rc = sdx_trust_set(o->db, name, o->key.pubkey, role);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
}

void th_close(office *o)
{
	sdx_db_close(o->db);
	o->db = NULL;
	sdx_key_wipe(&o->key);
}

void th_trust(office *a, const office *b)
{
	int rc = sdx_trust_set(a->db, b->name, b->key.pubkey, b->role);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
}

uint64_t th_rand(uint64_t *s)
{
	/* splitmix64: seeded, the same everywhere */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

const char *th_ident(size_t i)
{
	static char buf[TH_IDENTS][16];
	if (!buf[i][0])
		snprintf(buf[i], sizeof buf[i], "+8479%07zu", 5550000 + i * 37);
	return buf[i];
}

void th_two_offices(office *a, office *b, int n, uint64_t seed,
		    uint8_t ids[][16])
{
	th_office(a, "HN-PA05");
	th_office(b, "HCM-PA05");
	th_trust(a, b);
	th_trust(b, a);
	for (int i = 0; i < n; i++)
		th_add_report(a, &seed,
			      i % 3 == 2 ? SDX_AUD_POLICE : SDX_AUD_BANK,
			      ids[i]);
	cr_assert_eq(sdx_report_retract(a->db, ids[0], "wrong number", "PA05",
					SDX_DATE_NONE),
		     0);
}

int th_add_report(office *o, uint64_t *rng, int audience, uint8_t id[16])
{
	static sdx_report r;
	sdx_norm_error err;
	int rc, added = 0, n = 1 + (int)(th_rand(rng) % 3);
	sdx_report_init(&r);
	snprintf(r.agency, sizeof r.agency, "PA05 %s", o->name);
	snprintf(r.case_ref, sizeof r.case_ref, "%llu/CAT-PA05",
		 (unsigned long long)(th_rand(rng) % 100000));
	r.incident_date = 20000 + (int32_t)(th_rand(rng) % 500);
	r.received_date = r.incident_date + 1;
	r.category = 1 + (int)(th_rand(rng) % 14);
	r.channel = 1 + (int)(th_rand(rng) % 11);
	r.amount = (int64_t)(th_rand(rng) % 1000) * 1000000;
	r.audience = audience;
	snprintf(r.narrative, sizeof r.narrative,
		 "%s narrative %llu: caller posed as an officer",
		 audience == SDX_AUD_POLICE ? "POLICE-ONLY" : "shared",
		 (unsigned long long)th_rand(rng));
	for (int i = 0; i < n; i++) {
		const char *p = th_ident(th_rand(rng) % TH_IDENTS);
		rc = sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER,
					  p, strlen(p), &err);
		cr_assert_eq(rc, 0, "%s: %s", p, sdx_strerror(rc));
	}
	rc = sdx_report_add(o->db, &r, id, &added);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	return added;
}

int th_export(office *a, const office *b, int audience, const char *path,
	      sdx_export_result *res)
{
	return sdx_bundle_export(a->db, &a->key, b->name, audience, 0, path,
				 res);
}

/* growing string */
typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL,
			      b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (b->p && b->len + (size_t)n < b->cap)
			break;
		b->cap = b->cap ? 2 * b->cap + (size_t)n : 4096 + (size_t)n;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	b->len += (size_t)n;
}

static int fp_line(const sdx_origin_info *o, void *ctx)
{
	char fp[33];
	if (!o->seq)
		return 0;
	sdx_id_to_hex(o->fingerprint, fp);
	sb_printf(ctx, "origin %s seq %llu fp %s\n", o->origin,
		  (unsigned long long)o->seq, fp);
	return 0;
}

char *th_fingerprints(office *o)
{
	sbuf b = {0};
	int rc = sdx_origins(o->db, fp_line, &b);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	sb_printf(&b, "%s", "");
	return b.p;
}

void th_same_fingerprints(office *x, office *y)
{
	char *fx = th_fingerprints(x), *fy = th_fingerprints(y);
	cr_assert_str_eq(fx, fy);
	free(fx);
	free(fy);
}

char *th_dump(office *o, uint8_t (*ids)[16], size_t n_ids, int audience,
	      int with_checks)
{
	static sdx_report r;
	sbuf b = {0};
	char hex[33];
	int rc = sdx_origins(o->db, fp_line, &b);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	for (size_t i = 0; i < n_ids; i++) {
		sdx_id_to_hex(ids[i], hex);
		rc = sdx_report_get(o->db, ids[i], audience, &r);
		if (rc == SDX_ENOTFOUND) {
			sb_printf(&b, "report %s absent\n", hex);
			continue;
		}
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
		sb_printf(&b,
			  "report %s origin %s state %u note '%s' by '%s' "
			  "date %d narrative '%s'\n",
			  hex, r.origin, r.state, r.state_note, r.state_by,
			  (int)r.state_date, r.narrative);
	}
	for (size_t i = 0; with_checks && i < TH_IDENTS; i++) {
		sdx_check_result c;
		sdx_norm_error err;
		rc = sdx_check(o->db, SDX_KIND_PHONE, th_ident(i),
			       strlen(th_ident(i)), SDX_DATE_NONE, &c, &err);
		cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
		sb_printf(&b,
			  "check %s verdict %d grade %d reports %u "
			  "retracted %u agencies %u cats %x first %d "
			  "last %d windows %u/%u/%u conf %d disputed %u "
			  "flags %x\n",
			  th_ident(i), c.verdict, c.grade, c.reports,
			  c.retracted, c.agencies, c.categories,
			  (int)c.first_seen, (int)c.last_seen, c.last_3d,
			  c.last_30d, c.last_6m, c.confirmation, c.disputed,
			  c.flags);
	}
	sb_printf(&b, "%s", "");
	return b.p;
}

static int count_mismatch(const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "verify: %s\n", msg);
	return 0;
}

size_t th_verify(office *o)
{
	size_t n = 0;
	int rc = sdx_verify(o->db, count_mismatch, NULL, &n);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	return n;
}

/* One operation of office o's own, written by hand (what a modified
 * scamdex at a trusted office could send): appended to a bundle from o
 * to `to` after o's log, signed with o's key. */
void th_forge(office *o, const char *to, const char *path, int n,
	      const int *types, uint8_t (*bodies)[512], const size_t *lens)
{
	sdx_origin_info oi;
	sdx_bwriter w;
	uint8_t chain[32], digest[32], sig[64];
	FILE *f;
	cr_assert_eq(sdx_origin_get(o->db, o->name, &oi), 0);
	memcpy(chain, oi.chain, 32);
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(sdx_bw_open(&w, f), 0);
	sdx_vv_entry vv = {"", oi.seq + (uint64_t)n};
	strcpy(vv.origin, o->name);
	cr_assert_eq(sdx_bw_header(&w, o->name, to, SDX_AUD_BANK, 0, &vv, 1),
		     0);
	cr_assert_eq(sdx_bw_run(&w, o->name, oi.seq + 1, chain), 0);
	for (int i = 0; i < n; i++) {
		sdx_digest(bodies[i], lens[i], digest);
		sdx_chain_next(chain, types[i], digest, chain);
		cr_assert_eq(sdx_bw_op(&w, oi.seq + 1 + (uint64_t)i, types[i],
				       bodies[i], lens[i]),
			     0);
	}
	cr_assert_eq(sdx_segment_sign(&o->key, o->name, oi.seq + (uint64_t)n,
				      chain, sig),
		     0);
	cr_assert_eq(sdx_bw_segsig(&w, oi.seq + (uint64_t)n, sig), 0);
	cr_assert_eq(sdx_bw_finish(&w, &o->key), 0);
	sdx_bw_close(&w);
	fclose(f);
}

void th_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", th_tmpdir(), name);
}

void th_import_ok(office *o, const char *p, sdx_import_result *res)
{
	int rc = sdx_bundle_import(o->db, p, res);
	cr_assert_eq(rc, 0, "%s: %s", sdx_strerror(rc), res->reason);
}

void th_exchange(office *from, office *to, int audience, const char *name,
		 sdx_import_result *res)
{
	char p[256];
	th_path(p, sizeof p, name);
	int rc = th_export(from, to, audience, p, NULL);
	cr_assert_eq(rc, 0, "%s", sdx_strerror(rc));
	th_import_ok(to, p, res);
}

int th_keep_op(const sdx_op *op, void *ctx)
{
	struct th_ops *o = ctx;
	cr_assert_lt(o->n, 8);
	cr_assert_leq(op->body_len, sizeof o->body[0]);
	o->op[o->n] = *op;
	if (op->body)
		memcpy(o->body[o->n], op->body, op->body_len);
	o->op[o->n].body = op->body ? o->body[o->n] : NULL;
	o->op[o->n].origin = NULL; /* valid during the callback only */
	o->n++;
	return 0;
}

void th_relay_bundle(office *relay, const char *origin, const char *to,
		     int audience, const struct th_ops *ops, unsigned redact,
		     const uint8_t *secret, const char *path)
{
	sdx_origin_info oi;
	sdx_bwriter w;
	uint8_t prev[32];
	uint64_t n = (uint64_t)ops->n;
	cr_assert_eq(sdx_origin_get(relay->db, origin, &oi), 0);
	cr_assert_eq(oi.sig_seq, n);
	sdx_chain_start(origin, prev);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(sdx_bw_open(&w, f), 0);
	sdx_vv_entry vv = {"", n};
	snprintf(vv.origin, sizeof vv.origin, "%s", origin);
	cr_assert_eq(sdx_bw_header(&w, relay->name, to, audience, 0, &vv, 1),
		     0);
	cr_assert_eq(sdx_bw_run(&w, origin, 1, prev), 0);
	if (secret)
		cr_assert_eq(sdx_bw_secret(&w, origin, secret), 0);
	for (int i = 0; i < ops->n; i++) {
		const sdx_op *op = &ops->op[i];
		if (redact & (1u << i))
			cr_assert_eq(sdx_bw_redacted(&w, op->seq,
						     op->type | op->mark,
						     op->digest),
				     0);
		else
			cr_assert_eq(sdx_bw_op(&w, op->seq, op->type | op->mark,
					       op->body, op->body_len),
				     0);
	}
	cr_assert_eq(sdx_bw_segsig(&w, n, oi.sig), 0);
	cr_assert_eq(sdx_bw_finish(&w, &relay->key), 0);
	sdx_bw_close(&w);
	fclose(f);
}
