/* cmd_check.c: scamdex check (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex check: not built yet\n");
	return EXIT_SYSTEM;
}
