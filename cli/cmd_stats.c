/* cmd_stats.c: scamdex stats: totals per kind, category, agency and
 * month. */
#include <jansson.h>
#include <string.h>

#include <utf8proc.h>

#include "access.h"
#include "cli.h"
#include "render/render.h"

static const struct cli_cmd cmd = {
    "stats",
    "usage: scamdex stats [--json]\n",
    "Totals: reports, retracted reports, identifiers and allowlisted\n"
    "identifiers; identifiers per kind; active reports per category,\n"
    "agency and incident month.\n"
    "\n"
    "  --json            one JSON object: {\"total\": {...}, \"kind\": "
    "{...}, ...}\n"
    "  -h, --help        this help\n",
};

struct ctx {
	int json;
	json_t *root;
	char dimension[32];
};

static int on_stat(const sdx_stat *s, void *arg)
{
	struct ctx *c = arg;
	if (c->json)
		return render_stat_json(s, c->root);
	if (strcmp(c->dimension, s->dimension)) {
		snprintf(c->dimension, sizeof c->dimension, "%s", s->dimension);
		printf("%s%s%s\n", cli_c(CLI_BOLD), s->dimension, cli_reset());
	}
	/* pad by display width, not bytes: agency names are Vietnamese,
	 * maybe decomposed (a combining mark takes no column) */
	size_t width = 0;
	const utf8proc_uint8_t *k8 = (const utf8proc_uint8_t *)s->key;
	for (utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s->key);
	     left > 0;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(k8, left, &cp);
		if (n <= 0) { /* not UTF-8: one column for the byte */
			width++;
			n = 1;
		} else {
			width += (size_t)utf8proc_charwidth(cp);
		}
		k8 += n;
		left -= n;
	}
	fputs("  ", stdout);
	for (const char *k = s->key; *k; k++)
		putchar((unsigned char)*k < 0x20 ? '?' : *k);
	for (size_t i = width; i < 40; i++)
		putchar(' ');
	printf(" %10llu\n", (unsigned long long)s->count);
	return ferror(stdout) ? SDX_EIO : 0;
}

int cmd_stats(int argc, char **argv)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
	const struct cli_opt opts[] = {CLI_FLAG("json", &c.json), {0}};
	int st = cli_args_parse(&cmd, opts, NULL, argc, argv);
	if (st != CLI_GO)
		return st;
	sdx_db *db;
	struct who who;
	int rc = access_open(&cmd, CLI_DB_LOOKUP, NULL, &db, &who);
	if (rc)
		return rc;
	if (role_audience(who.role, SDX_AUD_POLICE) != SDX_AUD_POLICE) {
		/* the totals count police-only reports too */
		fprintf(stderr,
			"scamdex stats: role %s sees the bank view; the totals "
			"count police-only reports\n",
			role_name(who.role));
		sdx_db_close(db);
		return EXIT_USAGE;
	}
	if (c.json)
		c.root = json_object();
	rc = sdx_stats(db, on_stat, &c);
	if (rc == 0) {
		struct audit_rec rec;
		const char *out;
		size_t len;
		audit_begin(&rec, &who, "stats",
			    role_audience(who.role, SDX_AUD_POLICE));
		audit_finish(&rec, NULL, &out, &len);
		int e =
		    sdx_audit_append(db, 0, (const void *const *)&out, &len, 1);
		if (e)
			fprintf(stderr,
				"scamdex stats: look-up not recorded in the "
				"audit log: %s\n",
				sdx_strerror(e));
		audit_free(&rec);
	}
	sdx_db_close(db);
	if (rc == 0 && c.json && cli_json_line(c.root) != 0)
		rc = SDX_EIO;
	json_decref(c.root);
	if (rc == SDX_EIO)
		return EXIT_SYSTEM; /* main reports the write error */
	if (rc)
		return cli_db_error(&cmd, "stats", rc);
	return EXIT_CLEAN;
}
