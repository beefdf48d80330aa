/* cmd_retract.c: scamdex retract: withdraw a report. */
#include "cli.h"

static const struct cli_cmd cmd = {
    "retract",
    "usage: scamdex retract REPORT_ID --reason TEXT [--by AGENCY] "
    "[--date DATE]\n",
    "Withdraw a report (a false accusation must be undoable): it stays in\n"
    "the database, marked retracted, and no longer counts in checks.\n"
    "\n"
    "  REPORT_ID         the report's 32 hex digits (scamdex show --json)\n"
    "  --reason TEXT     why (required, at most 255 bytes)\n"
    "  --by AGENCY       who does it\n"
    "  --date DATE       when (default: today)\n"
    "  -h, --help        this help\n",
};

int cmd_retract(int argc, char **argv)
{
	return cli_report_state(&cmd, CLI_STATE_RETRACT, argc, argv);
}
