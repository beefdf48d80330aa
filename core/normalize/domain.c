/* domain.c: placeholder */
#include "norm.h"

int norm_is_domain(const char *in, size_t len)
{
	return 0;
}

int norm_domain(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	(void)out;
	return norm_fail(err, SDX_EKIND, SDX_KIND_DOMAIN, 0,
			 "domain: not built yet");
}
