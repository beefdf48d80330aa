/* cmd_report.c: scamdex report (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex report: not built yet\n");
	return EXIT_SYSTEM;
}
