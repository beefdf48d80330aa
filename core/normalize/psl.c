/* psl.c: the Public Suffix List, through libpsl (the only file that
 * includes <libpsl.h>). The list is loaded once: the newest of libpsl's
 * built-in copy and the system's (Debian's publicsuffix package). */
#include <pthread.h>
#include <string.h>

#include <libpsl.h>

#include "norm.h"

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	psl = psl_latest(NULL);
	if (!psl)
		psl = psl_builtin();
}

static const psl_ctx_t *ctx(void)
{
	pthread_once(&psl_once, load);
	return psl;
}

/* A host name that can have a registrable domain: ASCII, no IP address,
 * at most SDX_CANON_MAX - 1 bytes, copied NUL-terminated into buf. */
static int host_copy(const char *host, size_t len, char *buf)
{
	if (!host || len == 0 || len >= SDX_CANON_MAX || host[0] == '[')
		return 0;
	int alldigit = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c >= 0x80 || c == ':')
			return 0;
		if (c != '.' && (c < '0' || c > '9'))
			alldigit = 0;
	}
	if (alldigit)
		return 0; /* an IPv4 address */
	memcpy(buf, host, len);
	buf[len] = '\0';
	return 1;
}

int sdx_domain_registrable(const char *host, size_t len, size_t *off)
{
	char buf[SDX_CANON_MAX];
	if (!off)
		return SDX_EINVAL;
	*off = 0;
	if (!host_copy(host, len, buf) || !ctx())
		return SDX_ENOTFOUND;
	const char *r = psl_registrable_domain(psl, buf);
	if (!r)
		return SDX_ENOTFOUND;
	*off = (size_t)(r - buf);
	return 0;
}

int sdx_domain_is_public_suffix(const char *host, size_t len)
{
	char buf[SDX_CANON_MAX];
	if (!host_copy(host, len, buf) || !ctx())
		return 0;
	return psl_is_public_suffix2(psl, buf, PSL_TYPE_ANY) != 0;
}
