/* imptool.c: what the import tests read back from a database, through
 * the C API only, in a fixed text form (independent of the CLI's output):
 *
 *   imptool verify DB          sdx_verify; exit 0 if no mismatch
 *   imptool show DB KEYS       every report of every identifier
 *   imptool checks DB KEYS     the summary (sdx_check) of every identifier
 *   imptool stats DB           sdx_stats, one line each
 *
 * KEYS has one identifier a line: the kind digit then the canonical form
 * ("1+84385551234"), as scamdex-gen writes them. Exit 0, 1 on a failed
 * verify, 3 on an error. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scamdex/scamdex.h>

static int on_mismatch(const char *msg, void *ctx)
{
	(void)ctx;
	printf("mismatch: %s\n", msg);
	return 0;
}

static int on_report(const sdx_report *r, void *ctx)
{
	char hex[33], inc[11], rec[11];
	(void)ctx;
	sdx_id_to_hex(r->id, hex);
	sdx_date_format(r->incident_date, inc);
	sdx_date_format(r->received_date, rec);
	printf("  report %s\n", hex);
	printf("    origin=%s agency=%s case_ref=%s\n", r->origin, r->agency,
	       r->case_ref);
	printf("    incident=%s received=%s category=%s channel=%s "
	       "amount=%" PRId64 " confirmation=%s audience=%s state=%u\n",
	       inc, rec, sdx_category_name(r->category),
	       sdx_channel_name(r->channel), r->amount,
	       sdx_confirmation_name(r->confirmation),
	       sdx_audience_name(r->audience), r->state);
	if (r->category_label[0] || r->channel_label[0])
		printf("    labels category=%s category_label=%s channel=%s "
		       "channel_label=%s\n",
		       sdx_category_name(r->category), r->category_label,
		       sdx_channel_name(r->channel), r->channel_label);
	printf("    narrative=");
	for (const char *p = r->narrative; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
	for (size_t i = 0; i < r->n_idents; i++)
		printf("    ident %s %s %s\n", sdx_kind_name(r->idents[i].kind),
		       sdx_role_name(r->idents[i].role),
		       r->idents[i].canonical);
	return 0;
}

static int on_stat(const sdx_stat *s, void *ctx)
{
	(void)ctx;
	printf("%s %s %" PRIu64 "\n", s->dimension, s->key, s->count);
	return 0;
}

static int each_key(sdx_db *db, const char *path, int show)
{
	FILE *fp = fopen(path, "r");
	char line[512];
	int rc = 0;

	if (!fp) {
		perror(path);
		return 3;
	}
	while (rc == 0 && fgets(line, sizeof line, fp)) {
		size_t len = strcspn(line, "\r\n");
		sdx_kind kind;
		line[len] = '\0';
		if (len < 2 || line[0] < '1' || line[0] > '6')
			continue;
		kind = (sdx_kind)(line[0] - '0');
		if (show) {
			printf("%s %s\n", sdx_kind_name(kind), line + 1);
			rc = sdx_show(db, kind, line + 1, SDX_AUD_POLICE,
				      on_report, NULL);
		} else {
			sdx_check_result c;
			char first[11], last[11];
			rc = sdx_check(db, kind, line + 1, len - 1,
				       sdx_date_today(), &c, NULL);
			if (rc)
				break;
			sdx_date_format(c.first_seen, first);
			sdx_date_format(c.last_seen, last);
			printf("%s %s verdict=%s grade=%s reports=%" PRIu32
			       " retracted=%" PRIu32 " agencies=%" PRIu32
			       " categories=%" PRIx32 " first=%s last=%s "
			       "3d=%" PRIu32 " 30d=%" PRIu32 " 6m=%" PRIu32
			       " confirmation=%s flags=%u\n",
			       sdx_kind_name(kind), c.canonical,
			       sdx_verdict_name(c.verdict),
			       sdx_grade_name(c.grade), c.reports, c.retracted,
			       c.agencies, c.categories, first, last, c.last_3d,
			       c.last_30d, c.last_6m,
			       sdx_confirmation_name(c.confirmation), c.flags);
		}
	}
	fclose(fp);
	if (rc) {
		fprintf(stderr, "imptool: %s: %s\n", path, sdx_strerror(rc));
		return 3;
	}
	return 0;
}

int main(int argc, char **argv)
{
	sdx_db *db;
	int rc, status = 0;

	if (argc < 3) {
		fputs("usage: imptool verify|show|checks|stats DB [KEYS]\n",
		      stderr);
		return 2;
	}
	rc = sdx_db_open(argv[2], SDX_OPEN_RDONLY, &db);
	if (rc) {
		fprintf(stderr, "imptool: %s: %s\n", argv[2], sdx_strerror(rc));
		return 3;
	}
	if (strcmp(argv[1], "verify") == 0) {
		size_t mismatches = 0;
		rc = sdx_verify(db, on_mismatch, NULL, &mismatches);
		status = rc ? 3 : mismatches ? 1 : 0;
		if (rc)
			fprintf(stderr, "imptool: verify: %s\n",
				sdx_strerror(rc));
	} else if (strcmp(argv[1], "stats") == 0) {
		rc = sdx_stats(db, on_stat, NULL);
		status = rc ? 3 : 0;
	} else if (argc == 4 && (strcmp(argv[1], "show") == 0 ||
				 strcmp(argv[1], "checks") == 0)) {
		status = each_key(db, argv[3], strcmp(argv[1], "show") == 0);
	} else {
		status = 2;
	}
	sdx_db_close(db);
	return status;
}
