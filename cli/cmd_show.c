/* cmd_show.c: scamdex show (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex show: not built yet\n");
	return EXIT_SYSTEM;
}
