/* cmd_stats.c: scamdex stats (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_stats(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex stats: not built yet\n");
	return EXIT_SYSTEM;
}
