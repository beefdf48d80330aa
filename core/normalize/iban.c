/* iban.c: IBANs (ISO 13616): spaces removed, upper case, 15..34
 * characters, two letters, two check digits, ISO 7064 MOD 97-10. */
#include "norm.h"

#define IBAN_MIN 15
#define IBAN_MAX 34

size_t norm_iban_word(const char *in, size_t len)
{
	/* the printed form "IBAN FR76 3000 ...", "IBAN: DE89 ..." */
	if (len > 5 && norm_prefix_ci(in, len, "iban") &&
	    (in[4] == ' ' || in[4] == ':' || in[4] == '\t')) {
		size_t i = 5;
		while (i < len &&
		       (in[i] == ' ' || in[i] == ':' || in[i] == '\t'))
			i++;
		return i;
	}
	return 0;
}

int norm_iban(const char *in, size_t len, char *out, sdx_norm_error *err)
{
	size_t off[IBAN_MAX];
	int n = 0;
	size_t i0 = norm_iban_word(in, len);
	for (size_t i = i0; i < len; i++) {
		char c = in[i];
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
			if ((unsigned char)c >= 0x80)
				return norm_fail(err, SDX_ESYNTAX,
						 SDX_KIND_IBAN, i,
						 "iban: non-ASCII character");
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_IBAN, i,
					 "iban: unexpected character '%c'", c);
		}
		if (n == IBAN_MAX)
			return norm_fail(err, SDX_ELENGTH, SDX_KIND_IBAN, i,
					 "iban: longer than %d characters",
					 IBAN_MAX);
		off[n] = i;
		out[n++] = c;
	}
	if (n < IBAN_MIN)
		return norm_fail(err, SDX_ELENGTH, SDX_KIND_IBAN, len,
				 "iban: %d characters, expected %d..%d", n,
				 IBAN_MIN, IBAN_MAX);
	for (int k = 0; k < 2; k++)
		if (out[k] < 'A' || out[k] > 'Z')
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_IBAN,
					 off[k],
					 "iban: must start with a two-letter "
					 "country code");
	for (int k = 2; k < 4; k++)
		if (out[k] < '0' || out[k] > '9')
			return norm_fail(err, SDX_ESYNTAX, SDX_KIND_IBAN,
					 off[k],
					 "iban: characters 3 and 4 are the "
					 "check digits");
	/* The first four characters move to the end; letters count
	 * A=10..Z=35. */
	unsigned rem = 0;
	for (int k = 0; k < n; k++) {
		char c = out[(k + 4) % n];
		if (c <= '9')
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	if (rem != 1)
		return norm_fail(err, SDX_ECHECKSUM, SDX_KIND_IBAN, off[2],
				 "iban: check digits %c%c do not match "
				 "(mod 97 is %u, expected 1)",
				 out[2], out[3], rem);
	out[n] = '\0';
	return n;
}
