/* label.c: the word people write before a number to say what it is
 * ("STK 0011004012345", "SĐT: 0912345678", "Số: 0912345678"). In auto
 * mode the label decides the kind: an account label makes the number an
 * account (at every bank, not also a phone), a phone label a phone
 * number, a bare "number" label leaves both readings. Without this the
 * label was read as a bank's name and refused, or, worse, "số" (number)
 * was taken for an account label and a reported phone number answered
 * UNKNOWN. */
#define _GNU_SOURCE
#include <string.h>

#include "norm.h"

/* Folded (sdx_fold) labels: lower case, no tone marks, punctuation runs
 * as one space. */
static const char *const account_labels[] = {
    "stk",     "tk",	   "so tk",   "so tai khoan",	"tai khoan",
    "tk nhan", "stk nhan", "account", "account number", "account no",
    "acc",     "acct",	   "a c",     "ac no",		"so tai khoan nhan",
};
static const char *const phone_labels[] = {
    "sdt",	    "so dt",   "dt",	  "so dien thoai", "dien thoai",
    "dtdd",	    "di dong", "hotline", "phone",	   "mobile",
    "phone number", "so dtdd", "goi",	  "lien he",
};
static const char *const number_labels[] = {"so", "no", "number", "nr"};

static int in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, list[i]))
			return 1;
	return 0;
}

int norm_label(const char *in, size_t len, size_t *off, sdx_kind *kind)
{
	/* the label: the words before the first digit, '+' or '(' */
	size_t n = 0;
	while (n < len && n <= 28 && !(in[n] >= '0' && in[n] <= '9') &&
	       in[n] != '+' && in[n] != '(')
		n++;
	/* the longest label, "Số tài khoản nhận:", is 24 bytes; a link
	 * ("https://...") or an address is none: no fold for those */
	if (n == 0 || n == len || n > 28 || memchr(in, '@', n) ||
	    memmem(in, n, "//", 2))
		return 0;
	char key[128];
	if (sdx_fold(in, n, key, sizeof key) != 0)
		return 0;
	size_t k = strlen(key);
	while (k > 0 && key[k - 1] == ' ')
		key[--k] = '\0';
	const char *w = key;
	while (*w == ' ')
		w++;
	if (in_list(w, account_labels,
		    sizeof account_labels / sizeof *account_labels))
		*kind = SDX_KIND_ACCOUNT;
	else if (in_list(w, phone_labels,
			 sizeof phone_labels / sizeof *phone_labels))
		*kind = SDX_KIND_PHONE;
	else if (in_list(w, number_labels,
			 sizeof number_labels / sizeof *number_labels))
		*kind = SDX_KIND_AUTO;
	else
		return 0;
	*off = n;
	return 1;
}
