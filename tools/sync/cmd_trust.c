/* cmd_trust.c: scamdex-sync trust add OFFICE PUBKEY --role police|bank
 * | replace OFFICE PUBKEY --void-after SEQ | remove OFFICE | list. Trusted
 * offices' bundles and operations are accepted; the role decides what an office
 * receives and may do. */
#include <stdlib.h>
#include <string.h>

#include "sync_tool.h"

#define AGENCIES_MAX 64

static int list_one(const sdx_origin_info *o, void *ctx)
{
	char hex[65], ag[4096];
	size_t n = 0;
	sdx_db *db = ctx;
	if (!o->trusted)
		return 0;
	sdx_pubkey_to_hex(o->pubkey, hex);
	if (o->role == SDX_OFFICE_NOROLE) {
		printf("%s %s none (trusted before roles: run '" PROG
		       " trust add %s PUBKEY --role police|bank')\n",
		       o->origin, hex, o->origin);
		return 0;
	}
	int rc = sdx_trust_agencies(db, o->origin, ag, sizeof ag, &n);
	if (rc)
		return rc;
	printf("%s %s %s", o->origin, hex, sdx_office_role_name(o->role));
	/* agencies: the --agencies list again, comma-separated */
	for (size_t i = 0, off = 0; i < n; i++) {
		printf("%s%s", i ? "," : " agencies ", ag + off);
		off += strlen(ag + off) + 1;
	}
	putchar('\n');
	return 0;
}

static const char trust_usage[] =
    "usage: " PROG " trust add OFFICE PUBKEY --role police|bank "
    "[--agencies LIST]\n"
    "       " PROG " trust replace OFFICE PUBKEY --void-after SEQ\n"
    "       " PROG " trust remove OFFICE\n"
    "       " PROG " trust list\n";

/* trust add OFFICE PUBKEY --role R, the option anywhere after add. */
static int parse_add(int argc, char **argv, const char **office,
		     const char **key, int *role, const char **agencies)
{
	const char *roleopt = NULL, *pos[2] = {NULL, NULL};
	const struct tool_optv opts[] = {
	    {"--role", &roleopt}, {"--agencies", agencies}, {NULL, NULL}};
	int np = tool_args("trust", argc, argv, 2, opts, NULL, pos, 2);
	if (np < 0)
		return EXIT_USAGE;
	if (np != 2)
		return tool_usage("trust", "%s",
				  "add takes OFFICE PUBKEY --role police|bank");
	if (!roleopt)
		return tool_usage("trust", "%s",
				  "add needs --role police|bank (the role "
				  "decides what the office receives)");
	if (sdx_office_role_parse(roleopt, role) != 0)
		return tool_usage("trust", "unknown role '%s' (police, bank)",
				  roleopt);
	*office = pos[0];
	*key = pos[1];
	return EXIT_OK;
}

/* trust replace OFFICE PUBKEY --void-after SEQ: OFFICE's key was
 * stolen; what came after SEQ is undone here. */
static int replace(int argc, char **argv)
{
	const char *voidopt = NULL, *pos[2] = {NULL, NULL};
	sdx_void_result res;
	uint64_t after;
	uint8_t pk[32];
	sdx_db *db;
	int rc;
	const struct tool_optv opts[] = {{"--void-after", &voidopt},
					 {NULL, NULL}};
	int np = tool_args("trust", argc, argv, 2, opts, NULL, pos, 2);
	if (np < 0)
		return EXIT_USAGE;
	if (np != 2 || !voidopt)
		return tool_usage("trust", "%s",
				  "replace takes OFFICE PUBKEY --void-after "
				  "SEQ (the last operation of OFFICE made "
				  "before its key was stolen)");
	if (tool_parse_seq(voidopt, &after) != 0)
		return tool_usage("trust",
				  "--void-after takes a sequence number, not "
				  "'%s'",
				  voidopt);
	if (sdx_pubkey_from_hex(pos[1], strlen(pos[1]), pk) != 0)
		return tool_usage("trust",
				  "'%s' is not a public key (64 hex digits)",
				  pos[1]);
	if (!(db = tool_open(0)))
		return EXIT_SYSTEM;
	rc = sdx_trust_replace(db, pos[0], pk, after, &res);
	if (rc == SDX_EINVAL) {
		char office[SDX_OFFICE_MAX + 1] = "";
		sdx_db_office(db, office, sizeof office);
		sdx_db_close(db);
		if (!strcmp(office, pos[0]))
			return tool_usage("trust",
					  "%s is this office: its own key is "
					  "replaced with '" PROG " rekey'",
					  pos[0]);
		return tool_usage("trust", "bad office id '%s'", pos[0]);
	}
	sdx_db_close(db);
	if (rc == SDX_ENOTFOUND) {
		fprintf(stderr,
			PROG " trust replace: %s is not in the trust list\n",
			pos[0]);
		return EXIT_REJECTED;
	}
	if (rc == SDX_EEXISTS) {
		fprintf(stderr,
			PROG " trust replace: %s is a key %s has or had: a "
			     "new key is needed\n",
			pos[1], pos[0]);
		return EXIT_REJECTED;
	}
	if (rc) {
		fprintf(stderr, PROG " trust replace: %s\n", sdx_strerror(rc));
		return EXIT_SYSTEM;
	}
	printf("%s: key replaced after seq %llu: %llu operations voided "
	       "(%llu reports removed; %llu report states and %llu "
	       "allowlist entries worked out again); %llu peer vectors set "
	       "back\n",
	       pos[0], (unsigned long long)after, (unsigned long long)res.ops,
	       (unsigned long long)res.reports, (unsigned long long)res.states,
	       (unsigned long long)res.allows, (unsigned long long)res.peers);
	return EXIT_OK;
}

int cmd_trust(int argc, char **argv)
{
	uint8_t pk[32];
	sdx_db *db;
	int rc, role = SDX_OFFICE_NOROLE, st;
	const char *verb = argc > 1 ? argv[1] : "", *office = NULL, *key = NULL;
	const char *agopt = NULL, *ags[AGENCIES_MAX];
	char *agbuf = NULL;
	size_t nag = 0;

	if (!strcmp(verb, "--help")) {
		fputs(trust_usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(verb, "add")) {
		if ((st = parse_add(argc, argv, &office, &key, &role, &agopt)))
			return st;
		if (sdx_pubkey_from_hex(key, strlen(key), pk) != 0)
			return tool_usage("trust",
					  "'%s' is not a public key (64 hex "
					  "digits)",
					  key);
		/* --agencies A,B,...: the agencies its reports may name */
		if (agopt && !(agbuf = strdup(agopt)))
			return EXIT_SYSTEM;
		for (char *p = agbuf, *e; p; p = e ? e + 1 : NULL) {
			if ((e = strchr(p, ',')))
				*e = 0;
			if (!*p || strlen(p) > SDX_AGENCY_MAX ||
			    nag == AGENCIES_MAX) {
				free(agbuf);
				return tool_usage(
				    "trust", "%s",
				    "--agencies wants 1 to 64 agency names, "
				    "separated by commas");
			}
			ags[nag++] = p;
		}
	} else if (!strcmp(verb, "replace")) {
		return replace(argc, argv);
	} else if (!strcmp(verb, "remove")) {
		if (argc != 3)
			return tool_usage("trust", "%s", "remove takes OFFICE");
		office = argv[2];
	} else if (!strcmp(verb, "list")) {
		if (argc != 2)
			return tool_usage("trust", "%s", "list takes nothing");
	} else {
		return tool_usage("trust",
				  "unknown verb '%s' (add, replace, "
				  "remove, list)",
				  verb);
	}
	if (!(db = tool_open(verb[0] == 'l' ? SDX_OPEN_RDONLY : 0))) {
		free(agbuf);
		return EXIT_SYSTEM;
	}
	if (verb[0] == 'a') {
		rc = sdx_trust_set(db, office, pk, role);
		if (!rc)
			rc = sdx_trust_set_agencies(db, office, ags, nag);
	} else if (verb[0] == 'r') {
		rc = sdx_trust_remove(db, office);
	} else {
		rc = sdx_origins(db, list_one, db);
	}
	sdx_db_close(db);
	free(agbuf);
	if (rc == SDX_EINVAL)
		return tool_usage("trust", "bad office id '%s'", office);
	if (rc == SDX_ENOTFOUND) {
		fprintf(stderr,
			PROG " trust remove: %s is not in the trust "
			     "list\n",
			office);
		return EXIT_REJECTED;
	}
	if (rc) {
		fprintf(stderr, PROG " trust %s: %s\n", verb, sdx_strerror(rc));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}
