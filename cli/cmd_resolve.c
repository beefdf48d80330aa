/* cmd_resolve.c: scamdex resolve: close a dispute. */
#include "cli.h"

static const struct cli_cmd cmd = {
    "resolve",
    "usage: scamdex resolve REPORT_ID --note TEXT [--by AGENCY] "
    "[--date DATE]\n",
    "Close the dispute on a report: the report stands.\n"
    "\n"
    "  REPORT_ID         the report's 32 hex digits (scamdex show --json)\n"
    "  --note TEXT       why (required, at most 255 bytes)\n"
    "  --by AGENCY       who does it\n"
    "  --date DATE       when (default: today)\n"
    "  -h, --help        this help\n",
};

int cmd_resolve(int argc, char **argv)
{
	return cli_report_state(&cmd, CLI_STATE_RESOLVE, argc, argv);
}
