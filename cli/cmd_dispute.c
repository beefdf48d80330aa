/* cmd_dispute.c: scamdex dispute: mark a report disputed. */
#include "cli.h"

static const struct cli_cmd cmd = {
    "dispute",
    "usage: scamdex dispute REPORT_ID --note TEXT [--by AGENCY] "
    "[--date DATE]\n",
    "Mark a report disputed (the accused objects): checks and show say so\n"
    "until it is resolved or retracted.\n"
    "\n"
    "  REPORT_ID         the report's 32 hex digits (scamdex show --json)\n"
    "  --note TEXT       why (required, at most 255 bytes)\n"
    "  --by AGENCY       who does it\n"
    "  --date DATE       when (default: today)\n"
    "  -h, --help        this help\n",
};

int cmd_dispute(int argc, char **argv)
{
	return cli_report_state(&cmd, CLI_STATE_DISPUTE, argc, argv);
}
