/* cmd_retract.c: scamdex retract (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_retract(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex retract: not built yet\n");
	return EXIT_SYSTEM;
}
