/* bench-sync.c: export and import of a bundle of N operations (default
 * 1,000,000) between two fresh databases; prints operations/s each way
 * (including every signature and chain check) and bytes per operation.
 *   bench-sync [--n N] [--dir DIR] [--police-share PERCENT]
 * Setup (making the N reports at the sender) is not timed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

int main(int argc, char **argv)
{
	unsigned long n = 1000000, police = 10;
	const char *dir = NULL;
	char tmpl[] = "/tmp/bench-sync-XXXXXX", pa[4200], pb[4200], pf[4200];
	sdx_key ka, kb;
	sdx_db *a, *b;
	sdx_batch *batch = NULL;
	sdx_export_result ex;
	sdx_import_result im;
	static sdx_report r;
	double t0, c0, t_exp, t_imp, c_exp, c_imp;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--police-share") && i + 1 < argc)
			police = strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: bench-sync [--n N] [--dir DIR] "
					"[--police-share PERCENT]\n");
			return 2;
		}
	}
	if (dir && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	if (!dir && !(dir = mkdtemp(tmpl))) {
		perror("bench-sync: mkdtemp");
		return 1;
	}
	snprintf(pa, sizeof pa, "%s/a", dir);
	snprintf(pb, sizeof pb, "%s/b", dir);
	snprintf(pf, sizeof pf, "%s/a-b.sdxb", dir);
	a = office(pa, "HN-PA05", &ka);
	b = office(pb, "HCM-PA05", &kb);
	if ((rc = sdx_trust_set(b, "HN-PA05", ka.pubkey, SDX_OFFICE_POLICE)) ||
	    (rc = sdx_trust_set(a, "HCM-PA05", kb.pubkey, SDX_OFFICE_POLICE)))
		die("trust", rc);

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
	if (rc)
		die("export", rc);
	t0 = now();
	c0 = cpu();
	rc = sdx_bundle_import(b, pf, &im);
	t_imp = now() - t0;
	c_imp = cpu() - c0;
	if (rc) {
		fprintf(stderr, "bench-sync: import: %s\n", im.reason);
		die("import", rc);
	}
	if (im.applied != ex.ops) {
		fprintf(stderr, "bench-sync: applied %llu of %llu\n",
			(unsigned long long)im.applied,
			(unsigned long long)ex.ops);
		return 1;
	}
	printf("operations      %llu\n", (unsigned long long)ex.ops);
	printf("bundle bytes    %llu (%.1f bytes/op)\n",
	       (unsigned long long)ex.bytes, (double)ex.bytes / (double)ex.ops);
	printf("export          %.2f s  %.0f ops/s  (cpu %.2f s, %.0f ops/s)\n",
	       t_exp, (double)ex.ops / t_exp, c_exp, (double)ex.ops / c_exp);
	printf("import          %.2f s  %.0f ops/s  (cpu %.2f s, %.0f ops/s; "
	       "verify + apply)\n",
	       t_imp, (double)im.ops / t_imp, c_imp, (double)im.ops / c_imp);
	sdx_db_close(a);
	sdx_db_close(b);
	sdx_key_wipe(&ka);
	sdx_key_wipe(&kb);
	return 0;
}
