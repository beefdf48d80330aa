/* allowlist.c: what allow and disallow share. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* --subdomains: the entry "*.<domain>" covers the domain and every
 * subdomain. Refused for a public suffix (anyone may register under
 * github.io or com.vn), except a government one ("gov.vn", "gov.uk"),
 * where only the state registers. */
static int subdomain_entry(const struct cli_cmd *cmd, sdx_kind kind,
			   char *canonical)
{
	size_t n = strlen(canonical);
	if (kind != SDX_KIND_DOMAIN)
		return cli_usage_error(cmd,
				       "--subdomains is for a domain, "
				       "not a %s",
				       sdx_kind_name(kind));
	if (canonical[0] >= '0' && canonical[0] <= '9' &&
	    strspn(canonical, "0123456789.") == n)
		return cli_usage_error(cmd,
				       "--subdomains: %s is an IP "
				       "address, it has no subdomains",
				       canonical);
	if (sdx_domain_is_public_suffix(canonical, n) &&
	    strncmp(canonical, "gov.", 4)) {
		fprintf(stderr,
			"scamdex %s: %s is a public suffix: anyone can "
			"register a subdomain of it; allow each domain "
			"instead\n",
			cmd->name, canonical);
		return EXIT_USAGE;
	}
	if (n + 2 >= SDX_CANON_MAX)
		return cli_usage_error(cmd, "--subdomains: %s is too long",
				       canonical);
	memmove(canonical + 2, canonical, n + 1);
	canonical[0] = '*';
	canonical[1] = '.';
	return 0;
}

int cli_allowlist(const struct cli_cmd *cmd, int allow, int argc, char **argv)
{
	const char *input = NULL, *note = NULL, *by = "";
	sdx_kind kind = SDX_KIND_AUTO;
	int subdomains = 0;
	const struct cli_opt opts[] = {
	    CLI_KIND("kind", &kind),
	    CLI_STR("note", &note),
	    CLI_STR("by", &by),
	    CLI_FLAG("subdomains", &subdomains),
	    {0},
	};
	struct cli_pos pos = {&input, 1, "one ID only; extra", NULL, 0};
	int st = cli_args_parse(cmd, opts, &pos, argc, argv);
	if (st != CLI_GO)
		return st;
	if (!input)
		return cli_usage_error(cmd, "no ID given");
	if (!note || !note[0])
		return cli_usage_error(cmd, "--note is required");
	if (strlen(note) > SDX_NOTE_MAX)
		return cli_usage_error(cmd, "--note is longer than %d bytes",
				       SDX_NOTE_MAX);
	if (strlen(by) > SDX_AGENCY_MAX)
		return cli_usage_error(cmd, "--by is longer than %d bytes",
				       SDX_AGENCY_MAX);
	if (kind == SDX_KIND_ACCOUNT)
		return cli_usage_error(cmd, "an account needs its bank: "
					    "--kind bank, BANK:ACCOUNT");
	char canonical[SDX_CANON_MAX];
	int rc = cli_identifier(cmd, kind, input, &kind, canonical);
	if (rc)
		return rc;
	if (subdomains && (rc = subdomain_entry(cmd, kind, canonical)))
		return rc;
	sdx_db *db;
	rc = cli_db_open(cmd, CLI_DB_WRITE, &db);
	if (rc)
		return rc;
	rc = allow ? sdx_allow(db, kind, canonical, note, by)
		   : sdx_disallow(db, kind, canonical, note, by);
	sdx_db_close(db);
	if (rc == SDX_EEXISTS || (rc == SDX_ENOTFOUND && !allow)) {
		printf("%s %s was already %s; nothing changed\n",
		       sdx_kind_name(kind), canonical,
		       allow ? "official" : "not official");
		return EXIT_CLEAN;
	}
	if (rc)
		return cli_db_error(cmd, canonical, rc);
	printf("%s %s %s\n", allow ? "allowed" : "disallowed",
	       sdx_kind_name(kind), canonical);
	return EXIT_CLEAN;
}
