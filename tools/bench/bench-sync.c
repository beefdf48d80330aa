/* bench-sync.c: export and import of a bundle of N operations (default
 * 1,000,000) between two fresh databases; prints operations/s each way
 * (including every signature and chain check), per second of wall time
 * and per second of the process's CPU time, bytes per operation and the
 * load average after each.
 *   bench-sync [--n N] [--dir DIR [--reuse]] [--police-share PERCENT]
 * Setup (making the N reports at the sender) is not timed. Without
 * --dir, everything is made in a temporary directory, removed at the end.
 * --dir DIR keeps the sender (DIR/a, its key DIR/a.key) and the bundle
 * (DIR/a-b.sdxb) there; --reuse then imports the bundle found in DIR
 * again, into a receiver made anew (DIR/b), without making or exporting
 * (the sender takes minutes at millions of operations; --n and
 * --police-share are those of the run that made it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <scamdex/scamdex.h>
#include <scamdex/bundle.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process: the figure that counts on a busy machine. */
static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-sync: %s: %s\n", what, sdx_strerror(rc));
	exit(1);
}

static sdx_db *office(const char *dir, const char *name, sdx_key *key)
{
	sdx_db *db;
	int rc;
	if ((rc = sdx_db_open(dir, SDX_OPEN_CREATE, &db)))
		die(dir, rc);
	if ((rc = sdx_db_set_office(db, name)) ||
	    (rc = sdx_db_set_role(db, SDX_OFFICE_POLICE)))
		die("office", rc);
	if ((rc = sdx_keygen(name, key)) ||
	    (rc = sdx_trust_set(db, name, key->pubkey, SDX_OFFICE_POLICE)))
		die("key", rc);
	return db;
}

/* Remove a database directory (its two LMDB files) or a file. */
static void remove_db(const char *dir)
{
	char p[4300];
	snprintf(p, sizeof p, "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/lock.mdb", dir);
	unlink(p);
	rmdir(dir);
}

static void load(char out[64])
{
	double l[3] = {0, 0, 0};
	if (getloadavg(l, 3) != 3)
		snprintf(out, 64, "load ?");
	else
		snprintf(out, 64, "load %.2f %.2f %.2f", l[0], l[1], l[2]);
}

int main(int argc, char **argv)
{
	unsigned long n = 1000000, police = 10;
	const char *dir = NULL;
	char tmpl[] = "/tmp/bench-sync-XXXXXX", pa[4200], pb[4200], pf[4200],
	     pk[4200], ld_exp[64] = "", ld_imp[64];
	sdx_key ka, kb;
	sdx_db *a = NULL, *b;
	sdx_batch *batch = NULL;
	sdx_export_result ex = {0};
	sdx_import_result im;
	static sdx_report r;
	double t0, c0, t_exp = 0, t_imp, c_exp = 0, c_imp;
	int rc, reuse = 0, temp = 0;
	struct stat st;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--police-share") && i + 1 < argc)
			police = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--reuse"))
			reuse = 1;
		else {
			fprintf(
			    stderr,
			    "usage: bench-sync [--n N] [--dir DIR [--reuse]] "
			    "[--police-share PERCENT]\n");
			return 2;
		}
	}
	if (reuse && !dir) {
		fprintf(stderr, "bench-sync: --reuse needs --dir DIR\n");
		return 2;
	}
	if (dir && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	if (!dir && !(dir = mkdtemp(tmpl))) {
		perror("bench-sync: mkdtemp");
		return 1;
	}
	temp = dir == tmpl;
	snprintf(pa, sizeof pa, "%s/a", dir);
	snprintf(pb, sizeof pb, "%s/b", dir);
	snprintf(pf, sizeof pf, "%s/a-b.sdxb", dir);
	snprintf(pk, sizeof pk, "%s/a.key", dir);
	/* the receiver is new every run */
	remove_db(pb);
	if (reuse && stat(pf, &st) == 0 && stat(pk, &st) == 0) {
		if ((rc = sdx_key_load(pk, &ka)))
			die(pk, rc);
		b = office(pb, "HCM-PA05", &kb);
		if ((rc = sdx_trust_set(b, "HN-PA05", ka.pubkey,
					SDX_OFFICE_POLICE)))
			die("trust", rc);
		fprintf(stderr, "bench-sync: importing %s again\n", pf);
		goto import;
	}
	remove_db(pa);
	unlink(pf);
	unlink(pk);
	a = office(pa, "HN-PA05", &ka);
	b = office(pb, "HCM-PA05", &kb);
	if ((rc = sdx_trust_set(b, "HN-PA05", ka.pubkey, SDX_OFFICE_POLICE)) ||
	    (rc = sdx_trust_set(a, "HCM-PA05", kb.pubkey, SDX_OFFICE_POLICE)))
		die("trust", rc);
	if (!temp && (rc = sdx_key_save(&ka, pk)))
		die(pk, rc);

	fprintf(stderr, "bench-sync: making %lu reports at the sender...\n", n);
	for (unsigned long i = 0; i < n; i++) {
		char phone[16], acct[40];
		sdx_norm_error err;
		if (!batch && (rc = sdx_batch_begin(a, &batch)))
			die("batch", rc);
		sdx_report_init(&r);
		strcpy(r.agency, "Cong an tinh Ha Noi PA05");
		snprintf(r.case_ref, sizeof r.case_ref, "%lu/CAT-PA05", i);
		r.incident_date = 20000 + (int32_t)(i % 700);
		r.received_date = r.incident_date + 2;
		r.category = 1 + (int)(i % 14);
		r.channel = 1 + (int)(i % 11);
		r.amount = (int64_t)(i % 97) * 1000000;
		r.audience = i % 100 < police ? SDX_AUD_POLICE : SDX_AUD_BANK;
		snprintf(r.narrative, sizeof r.narrative,
			 "Caller posed as a police officer and demanded a "
			 "transfer (case %lu).",
			 i);
		snprintf(phone, sizeof phone, "+8479%07lu", i % 10000000);
		snprintf(acct, sizeof acct, "970436:%013lu", i * 7919);
		if ((rc = sdx_report_add_ident(&r, SDX_KIND_PHONE,
					       SDX_ROLE_CALLER, phone,
					       strlen(phone), &err)) ||
		    (rc =
			 sdx_report_add_ident(&r, SDX_KIND_BANK, SDX_ROLE_PAYEE,
					      acct, strlen(acct), &err)))
			die(phone, rc);
		if ((rc = sdx_batch_add(batch, &r, NULL, NULL)))
			die("add", rc);
		if (i % 20000 == 19999 || i + 1 == n) {
			if ((rc = sdx_batch_commit(batch)))
				die("commit", rc);
			batch = NULL;
		}
	}

	t0 = now();
	c0 = cpu();
	rc = sdx_bundle_export(a, &ka, "HCM-PA05", SDX_AUD_POLICE, 0, pf, &ex);
	t_exp = now() - t0;
	c_exp = cpu() - c0;
	load(ld_exp);
	if (rc)
		die("export", rc);
	import :t0 = now();
	c0 = cpu();
	rc = sdx_bundle_import(b, pf, &im);
	t_imp = now() - t0;
	c_imp = cpu() - c0;
	load(ld_imp);
	if (rc) {
		fprintf(stderr, "bench-sync: import: %s\n", im.reason);
		die("import", rc);
	}
	if (im.applied != im.ops || (c_exp > 0 && im.ops != ex.ops)) {
		fprintf(stderr, "bench-sync: applied %llu of %llu\n",
			(unsigned long long)im.applied,
			(unsigned long long)im.ops);
		return 1;
	}
	if (stat(pf, &st) != 0)
		die(pf, SDX_EIO);
	printf("operations      %llu\n", (unsigned long long)im.ops);
	printf("bundle bytes    %llu (%.1f bytes/op)\n",
	       (unsigned long long)st.st_size,
	       (double)st.st_size / (double)im.ops);
	if (c_exp > 0)
		printf("export          %.2f s  %.0f ops/s  (cpu %.2f s, %.0f "
		       "ops/s; %s)\n",
		       t_exp, (double)ex.ops / t_exp, c_exp,
		       (double)ex.ops / c_exp, ld_exp);
	printf("import          %.2f s  %.0f ops/s  (cpu %.2f s, %.0f ops/s; "
	       "verify + apply; %s)\n",
	       t_imp, (double)im.ops / t_imp, c_imp, (double)im.ops / c_imp,
	       ld_imp);
	if (a)
		sdx_db_close(a);
	sdx_db_close(b);
	sdx_key_wipe(&ka);
	sdx_key_wipe(&kb);
	if (temp) {
		remove_db(pa);
		remove_db(pb);
		unlink(pf);
		rmdir(dir);
	}
	return 0;
}
