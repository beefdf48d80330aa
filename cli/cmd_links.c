/* cmd_links.c: scamdex links (being built; see the open issue). */
#include <stdio.h>

#include "cli.h"

int cmd_links(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "scamdex links: not built yet\n");
	return EXIT_SYSTEM;
}
