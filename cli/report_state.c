/* report_state.c: what retract, dispute and resolve share: one report
 * id, a reason or note, who, when. */
#include <string.h>

#include "cli.h"

int cli_report_state(const struct cli_cmd *cmd, int which, int argc,
		     char **argv)
{
	/* retract takes --reason, dispute and resolve --note; each also
	 * accepts the other spelling */
	const char *hex = NULL, *note = NULL, *by = "";
	int32_t date = SDX_DATE_NONE;
	const struct cli_opt opts[] = {
	    CLI_STR("reason", &note),
	    CLI_STR("note", &note),
	    CLI_STR("by", &by),
	    CLI_DATE("date", &date),
	    {0},
	};
	struct cli_pos pos = {&hex, 1, "one REPORT_ID only; extra", NULL, 0};
	int st = cli_args_parse(cmd, opts, &pos, argc, argv);
	if (st != CLI_GO)
		return st;
	const char *what = which == CLI_STATE_RETRACT ? "--reason" : "--note";
	if (!hex)
		return cli_usage_error(cmd, "no REPORT_ID given");
	if (!note || !note[0])
		return cli_usage_error(cmd, "%s is required", what);
	if (strlen(note) > SDX_NOTE_MAX)
		return cli_usage_error(cmd, "%s is longer than %d bytes", what,
				       SDX_NOTE_MAX);
	if (strlen(by) > SDX_AGENCY_MAX)
		return cli_usage_error(cmd, "--by is longer than %d bytes",
				       SDX_AGENCY_MAX);
	uint8_t id[16];
	int rc = cli_report_id(cmd, hex, id);
	if (rc)
		return rc;
	sdx_db *db;
	rc = cli_db_open(cmd, CLI_DB_WRITE, &db);
	if (rc)
		return rc;
	if ((rc = cli_report_id_find(cmd, db, hex, id))) {
		sdx_db_close(db);
		return rc;
	}
	static const char *const done[] = {
	    [CLI_STATE_RETRACT] = "retracted",
	    [CLI_STATE_DISPUTE] = "disputed",
	    [CLI_STATE_RESOLVE] = "resolved",
	};
	static const char *const already[] = {
	    [CLI_STATE_RETRACT] = "was already retracted",
	    [CLI_STATE_DISPUTE] = "is already disputed",
	    [CLI_STATE_RESOLVE] = "is not disputed",
	};
	if (which == CLI_STATE_RETRACT)
		rc = sdx_report_retract(db, id, note, by, date);
	else if (which == CLI_STATE_DISPUTE)
		rc = sdx_report_dispute(db, id, note, by, date);
	else
		rc = sdx_report_resolve(db, id, note, by, date);
	sdx_db_close(db);
	char hexid[33];
	sdx_id_to_hex(id, hexid);
	if (rc == SDX_ENOTFOUND) {
		fprintf(stderr, "scamdex %s: no report %s in this database\n",
			cmd->name, hexid);
		return EXIT_USAGE;
	}
	if (rc == SDX_EEXISTS) {
		printf("report %s %s; nothing changed\n", hexid,
		       already[which]);
		return EXIT_CLEAN;
	}
	if (rc)
		return cli_db_error(cmd, hexid, rc);
	printf("%s %s\n", done[which], hexid);
	return EXIT_CLEAN;
}
