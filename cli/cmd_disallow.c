/* cmd_disallow.c: scamdex disallow: remove the official mark. */
#include "cli.h"

static const struct cli_cmd cmd = {
    "disallow",
    "usage: scamdex disallow [--kind K] [--subdomains] ID --note TEXT\n"
    "       [--by AGENCY]\n",
    "Take the official mark off an identifier.\n"
    "\n"
    "  --kind K          phone, bank, iban, handle or domain (default: "
    "detect)\n"
    "  --note TEXT       why (required, at most 255 bytes)\n"
    "  --by AGENCY       who does it\n"
    "  --subdomains      a domain: the entry for the domain and all its\n"
    "                    subdomains (refused for a public suffix such as\n"
    "                    github.io or com.vn; gov.XX suffixes allowed)\n"
    "  -h, --help        this help\n",
};

int cmd_disallow(int argc, char **argv)
{
	return cli_allowlist(&cmd, 0, argc, argv);
}
