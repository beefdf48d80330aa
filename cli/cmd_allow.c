/* cmd_allow.c: scamdex allow (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_allow(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex allow: not built yet\n");
	return EXIT_SYSTEM;
}
