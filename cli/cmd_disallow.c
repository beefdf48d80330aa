/* cmd_disallow.c: scamdex disallow (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_disallow(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex disallow: not built yet\n");
	return EXIT_SYSTEM;
}
