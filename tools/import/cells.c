/* cells.c: the dates spreadsheets write that sdx_date_parse does not
 * take: Excel serial numbers (a date column formatted as a number) and
 * two-digit years ("03/12/26"), each optionally with a time. */
#include <string.h>

#include "import.h"

/* Excel's day 25569 is 1970-01-01 (its calendar counts from 1899-12-30
 * on the 1900 system that Windows Excel uses by default). */
#define EXCEL_EPOCH 25569

static size_t num(const char *s, size_t len, size_t max, long *v)
{
	size_t i = 0;
	*v = 0;
	while (i < len && i < max && s[i] >= '0' && s[i] <= '9')
		*v = *v * 10 + (s[i++] - '0');
	return i;
}

/* A serial: whole days, maybe with a fraction (the time of day). Only
 * the range 1970..2199 (25569..157,000) is a date. */
static int serial(const char *s, size_t len, int32_t *out)
{
	long v;
	size_t n = num(s, len, 6, &v);
	if (n < 5 || (n < len && s[n] != '.' && s[n] != ','))
		return -1;
	for (size_t i = n + 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	if (v < EXCEL_EPOCH || v > 157000)
		return -1;
	*out = (int32_t)(v - EXCEL_EPOCH);
	return 0;
}

/* D/M/YY or D-M-YY (a time may follow): the year is 2000 + YY; one
 * after today is SHEET_YY_FUTURE (99 is not 2099, and not surely 1999
 * either). */
static int short_year(const char *s, size_t len, int32_t today, int32_t *out)
{
	long d, m, y;
	size_t p = num(s, len, 2, &d);
	char sep;
	if (p == 0 || p >= len || (s[p] != '/' && s[p] != '-'))
		return -1;
	sep = s[p++];
	size_t n = num(s + p, len - p, 2, &m);
	if (n == 0 || p + n >= len || s[p + n] != sep)
		return -1;
	p += n + 1;
	n = num(s + p, len - p, 3, &y);
	if (n != 2 || (p + n < len && s[p + n] != ' ' && s[p + n] != 'T'))
		return -1;
	char full[16];
	int k = snprintf(full, sizeof full, "%02ld/%02ld/20%02ld", d, m, y);
	if (k <= 0 || (size_t)k >= sizeof full)
		return -1;
	if (sdx_date_parse(full, (size_t)k, out) != 0)
		return -1;
	return *out > today ? SHEET_YY_FUTURE : 0;
}

int sheet_date(const char *s, size_t len, int32_t today, int32_t *out)
{
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (sdx_date_parse(s, len, out) == 0)
		return 0;
	if (serial(s, len, out) == 0)
		return 0;
	return short_year(s, len, today, out);
}
