/* cmd_normalize.c: scamdex normalize (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_normalize(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex normalize: not built yet\n");
	return EXIT_SYSTEM;
}
