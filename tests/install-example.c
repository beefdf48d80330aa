/* install-example.c: the libscamdex(3) example, built by CI against the
 * installed header and pkg-config file only. Adds one report and checks
 * the number it names. */
#include <stdio.h>
#include <string.h>

#include <scamdex/scamdex.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: example DBDIR\n");
		return 2;
	}
	sdx_db *db = NULL;
	int rc = sdx_db_open(argv[1], SDX_OPEN_CREATE, &db);
	if (rc) {
		fprintf(stderr, "open: %s\n", sdx_strerror(rc));
		return 3;
	}
	sdx_report r;
	sdx_report_init(&r);
	strcpy(r.agency, "Example police cyber unit");
	r.category = SDX_CAT_EXTORTION;
	sdx_date_parse("2024-12-01", 10, &r.incident_date);
	sdx_norm_error err;
	const char *caller = "0912 345 678";
	rc = sdx_report_add_ident(&r, SDX_KIND_PHONE, SDX_ROLE_CALLER, caller,
				  strlen(caller), &err);
	if (!rc)
		rc = sdx_report_add(db, &r, NULL, NULL);
	sdx_check_result res;
	if (!rc)
		rc = sdx_check(db, SDX_KIND_AUTO, "+84912345678", 12,
			       SDX_DATE_NONE, &res, &err);
	if (rc) {
		fprintf(stderr, "error: %s\n", sdx_strerror(rc));
		sdx_db_close(db);
		return 3;
	}
	printf("%s: %s, %u report(s)\n", res.canonical,
	       sdx_verdict_name(res.verdict), res.reports);
	sdx_db_close(db);
	return res.verdict == SDX_VERDICT_REPORTED ? 0 : 1;
}
