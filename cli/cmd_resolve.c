/* cmd_resolve.c: scamdex resolve (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_resolve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex resolve: not built yet\n");
	return EXIT_SYSTEM;
}
