/* readings.c: every plausible reading of one input (sdx_normalize_all).
 * Most inputs have one. A phone number written in digits alone (spaces,
 * dots, dashes, parentheses or slashes between them, no '+') is also an
 * account number: MB's 0352350917 is a mobile number too, Vietcombank's
 * 0071000123456 an international one (+7...), whether written bare,
 * 0352.350.917 or (035) 2350917. An IPv4 address written in four dotted
 * groups may be a phone number written the same way (091.234.56.78).
 * Those have two or three readings, and a check answers each. */
#include <stdio.h>
#include <string.h>

#include "norm.h"

static int add_as(sdx_reading *out, size_t max, size_t *n, sdx_kind kind,
		  const char *canon, int related)
{
	for (size_t i = 0; i < *n; i++)
		if (out[i].kind == kind && !strcmp(out[i].canonical, canon))
			return 0;
	if (*n == max)
		return 0;
	size_t len = strlen(canon);
	if (len >= sizeof out[*n].canonical)
		len = sizeof out[*n].canonical - 1;
	out[*n].kind = kind;
	out[*n].related = related;
	memcpy(out[*n].canonical, canon, len);
	out[*n].canonical[len] = '\0';
	(*n)++;
	return 0;
}

static int add(sdx_reading *out, size_t max, size_t *n, sdx_kind kind,
	       const char *canon)
{
	return add_as(out, max, n, kind, canon, 0);
}

/* The phone number a chat account is named by ("zalo:+84912345678":
 * zalo.me/0912345678 is the Zalo account of that number; Viber accounts
 * and t.me/+84... links are numbers too), or NULL. */
static const char *phone_of_handle(const char *canon)
{
	const char *c = strchr(canon, ':');
	return c && c[1] == '+' ? c + 1 : NULL;
}

/* The accounts named by a phone number. Zalo and Viber accounts are
 * registered to one, and t.me/+84... opens the Telegram account of one;
 * an e-wallet account (MoMo, VNPT Money) is the owner's Vietnamese
 * number, written nationally (971025:0987111222). A report on
 * zalo:+84912345678 or MoMo's 0912345678 is about the caller 0912345678
 * too. */
static const char *const chat_of_phone[] = {"zalo:", "viber:", "telegram:"};
static const char *const wallet_bins[] = {
    "971025", /* MoMo */
    "971011", /* VNPT Money */
};
#define CHATS (sizeof chat_of_phone / sizeof *chat_of_phone)
#define WALLETS (sizeof wallet_bins / sizeof *wallet_bins)

size_t norm_phone_account(const char *phone, size_t i, char *out, size_t cap,
			  sdx_kind *kind)
{
	/* no snprintf: a phone check on the one-reading path pays this */
	size_t n = strlen(phone);
	if (i < CHATS) {
		size_t p = strlen(chat_of_phone[i]);
		if (p + n >= cap)
			return 0;
		memcpy(out, chat_of_phone[i], p);
		memcpy(out + p, phone, n + 1);
		*kind = SDX_KIND_HANDLE;
		return p + n;
	}
	i -= CHATS;
	/* "+84" and the national significant number: "BIN:0" and it */
	if (i >= WALLETS || n < 4 || memcmp(phone, "+84", 3) || 8 + n >= cap)
		return 0;
	memcpy(out, wallet_bins[i], 6);
	out[6] = ':';
	out[7] = '0';
	memcpy(out + 8, phone + 3, n - 3 + 1);
	*kind = SDX_KIND_BANK;
	return 8 + n - 3;
}

/* The phone number an e-wallet account is ("971025:0987111222" is
 * +84987111222) in out, or 0. */
static int phone_of_wallet(const char *canon, char *out, size_t cap)
{
	for (size_t i = 0; i < WALLETS; i++)
		if (!memcmp(canon, wallet_bins[i], 6) && canon[6] == ':')
			return !sdx_normalize(SDX_KIND_PHONE, canon + 7,
					      strlen(canon + 7), out, cap, NULL,
					      NULL, NULL) &&
			       !memcmp(out, "+84", 3);
	return 0;
}

int norm_phone_of_account(sdx_kind kind, const char *canon, size_t len,
			  char out[SDX_CANON_MAX])
{
	char c[SDX_CANON_MAX];
	const char *p;
	if (len >= sizeof c)
		return 0;
	memcpy(c, canon, len);
	c[len] = '\0';
	if (kind == SDX_KIND_HANDLE) {
		size_t n;
		if (!(p = phone_of_handle(c)) ||
		    (n = strlen(p)) >= SDX_CANON_MAX)
			return 0;
		memcpy(out, p, n + 1);
		return 1;
	}
	return kind == SDX_KIND_BANK && phone_of_wallet(c, out, SDX_CANON_MAX);
}

/* The digits of a phone number written in digits alone, as an account
 * number would be (6..19 digits; white space and . ( ) - / between
 * them; no '+', no letters): 1 and the digits in out, else 0. */
static int account_digits(const char *in, size_t len, char *out, size_t cap)
{
	char plain[SDX_INPUT_MAX + 1];
	size_t n = 0;
	if (len <= SDX_INPUT_MAX &&
	    (n = norm_plain_separators(in, len, plain))) {
		in = plain; /* "0912–345–678" */
		len = n;
		n = 0;
	}
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c >= '0' && c <= '9') {
			if (n + 1 >= cap)
				return 0;
			out[n++] = c;
		} else if (!strchr(" \t.()-/", c) || c == '\0') {
			return 0;
		}
	}
	out[n] = '\0';
	return n >= 6 && n <= 19;
}

/* "@name" names no platform: the name after the '@' (white space
 * before it skipped), else NULL. */
static const char *at_name(const char *in, size_t len, size_t *n)
{
	size_t i = 0;
	while (i < len && (in[i] == ' ' || in[i] == '\t'))
		i++;
	if (i + 1 >= len || in[i] != '@')
		return NULL;
	*n = len - i - 1;
	return in + i + 1;
}

/* Whether sdx_normalize(kind, input) succeeding with kind k is the only
 * reading sdx_normalize_all gives but for the chat accounts of a phone
 * number (check.c answers those on its one-reading path too). Not for an
 * account at a bank known under two BINs or named by words two banks
 * use, a chat account named by a number, or an IPv4 host written another
 * way. In auto mode not for a phone number written in digits alone (also
 * an account number) nor a host written with a trunk 0 or '+'
 * ("94.100.18.96" is a host; "091.234.56.78" a host and maybe a phone:
 * "94.100.18.96" is no phone number anyone writes). check.c asks it to
 * skip the readings' bookkeeping. */
int norm_reading_alone(sdx_kind kind, const char *input, size_t len, sdx_kind k,
		       const char *canonical)
{
	char digits[SDX_CANON_MAX];
	size_t s0 = 0, at_len;
	char ip[16];
	if (k == SDX_KIND_BANK &&
	    (norm_bank_alias(canonical) || norm_bank_also(input, len) ||
	     phone_of_wallet(canonical, digits, sizeof digits)))
		return 0;
	if (k == SDX_KIND_DOMAIN && norm_ip_alias(canonical, ip))
		return 0;
	if (k == SDX_KIND_HANDLE &&
	    (phone_of_handle(canonical) || at_name(input, len, &at_len)))
		return 0;
	if (kind != SDX_KIND_AUTO)
		return 1;
	while (s0 < len && (input[s0] == ' ' || input[s0] == '\t'))
		s0++;
	if (k == SDX_KIND_DOMAIN)
		return !(s0 < len && (input[s0] == '0' || input[s0] == '+'));
	return !(k == SDX_KIND_PHONE &&
		 account_digits(input, len, digits, sizeof digits));
}

/* The readings of "@name" on the other platforms: Facebook's username
 * (Telegram's is sdx_normalize's own reading of it) and, for "@0912...",
 * the phone number; 1 if one was added. */
static int add_at_name(const char *input, size_t len, sdx_reading *out,
		       size_t max, size_t *count, int related)
{
	char buf[SDX_CANON_MAX], in[SDX_CANON_MAX + 16];
	size_t n, before = *count;
	const char *name = at_name(input, len, &n);
	if (!name || n > SDX_CANON_MAX)
		return 0;
	if (strspn(name, "0123456789") >= n &&
	    !sdx_normalize(SDX_KIND_PHONE, name, n, buf, sizeof buf, NULL, NULL,
			   NULL))
		add(out, max, count, SDX_KIND_PHONE, buf);
	memcpy(in, "facebook:", 9);
	memcpy(in + 9, name, n);
	if (!sdx_normalize(SDX_KIND_HANDLE, in, 9 + n, buf, sizeof buf, NULL,
			   NULL, NULL))
		add_as(out, max, count, SDX_KIND_HANDLE, buf, related);
	return *count > before;
}

/* Is the account number acct (at every bank) one of the readings? Then
 * an e-wallet's account of the same number says nothing more. */
static int has_account(const sdx_reading *out, size_t n, const char *acct)
{
	for (size_t i = 0; i < n; i++)
		if (out[i].kind == SDX_KIND_ACCOUNT &&
		    !strcmp(out[i].canonical, acct))
			return 1;
	return 0;
}

/* The readings every reading in out[0..*count) brings along: the same
 * account at a bank's other BIN or at the other bank its name means, the
 * dotted form of an IPv4 host, the number a chat account is named by,
 * and the chat accounts named by a phone number (related: answered only
 * when they have something to say). */
static void add_aliases(const char *input, size_t len, sdx_reading *out,
			size_t max, size_t *count)
{
	/* an account at a bank two banks' names share: at the other too */
	char buf[SDX_CANON_MAX];
	const char *also;
	if (out[0].kind == SDX_KIND_HANDLE)
		add_at_name(input, len, out, max, count, 1);
	if (out[0].kind == SDX_KIND_BANK && out[0].canonical[6] == ':' &&
	    (also = norm_bank_also(input, len))) {
		snprintf(buf, sizeof buf, "%.6s%s", also, out[0].canonical + 6);
		add(out, max, count, SDX_KIND_BANK, buf);
	}
	/* an account at a bank known under two BINs: under the other too;
	 * an IPv4 host written another way: as the dotted address too */
	for (size_t i = 0, n = *count; i < n; i++) {
		const char *alias;
		char ip[16];
		if (out[i].kind == SDX_KIND_DOMAIN &&
		    norm_ip_alias(out[i].canonical, ip))
			add(out, max, count, SDX_KIND_DOMAIN, ip);
		/* a chat account named by a phone number: the number too */
		if (out[i].kind == SDX_KIND_HANDLE &&
		    (alias = phone_of_handle(out[i].canonical)))
			add(out, max, count, SDX_KIND_PHONE, alias);
		/* an e-wallet account: its owner's number too */
		if (out[i].kind == SDX_KIND_BANK &&
		    phone_of_wallet(out[i].canonical, buf, sizeof buf))
			add(out, max, count, SDX_KIND_PHONE, buf);
		if (out[i].kind == SDX_KIND_BANK &&
		    out[i].canonical[6] == ':' &&
		    (alias = norm_bank_alias(out[i].canonical))) {
			snprintf(buf, sizeof buf, "%.6s%s", alias,
				 out[i].canonical + 6);
			add(out, max, count, SDX_KIND_BANK, buf);
		}
	}
	/* a phone number: the accounts named by it, answered only when
	 * they have something to say */
	for (size_t i = 0, n = *count; i < n; i++) {
		sdx_kind k;
		if (out[i].kind != SDX_KIND_PHONE)
			continue;
		for (size_t c = 0; c < CHATS + WALLETS; c++)
			if (norm_phone_account(out[i].canonical, c, buf,
					       sizeof buf, &k) &&
			    !(k == SDX_KIND_BANK &&
			      has_account(out, *count, buf + 7)))
				add_as(out, max, count, k, buf, 1);
	}
}

int sdx_normalize_all(sdx_kind kind, const char *input, size_t len,
		      sdx_reading *out, size_t max, size_t *count,
		      sdx_norm_error *err)
{
	char buf[SDX_CANON_MAX];
	sdx_kind k;
	if (count)
		*count = 0;
	if (!out || max == 0 || !count)
		return norm_fail(err, SDX_EINVAL, kind, 0, "invalid argument");
	/* "Số: 0912345678": the readings of the number; "SĐT: ...": the
	 * phone's (sdx_normalize reads the label the same way) */
	size_t loff;
	sdx_kind lk;
	if (input && kind == SDX_KIND_AUTO &&
	    norm_label(input, len, &loff, &lk)) {
		input += loff;
		len -= loff;
		kind = lk;
	}
	int rc =
	    sdx_normalize(kind, input, len, buf, sizeof buf, NULL, &k, err);
	if (rc == SDX_EAMBIGUOUS) {
		sdx_norm_error e2;
		char acct[SDX_CANON_MAX];
		if (sdx_normalize(SDX_KIND_PHONE, input, len, buf, sizeof buf,
				  NULL, NULL, &e2) ||
		    sdx_normalize(SDX_KIND_ACCOUNT, input, len, acct,
				  sizeof acct, NULL, &k, &e2))
			return rc; /* not both after all: keep the error */
		add(out, max, count, SDX_KIND_PHONE, buf);
		add(out, max, count, k, acct);
		add_aliases(input, len, out, max, count);
		return 0;
	}
	/* "@John.Smith55": no Telegram name, a Facebook one */
	if (rc && (kind == SDX_KIND_AUTO || kind == SDX_KIND_HANDLE) &&
	    add_at_name(input, len, out, max, count, 0)) {
		add_aliases(input, len, out, max, count);
		return 0;
	}
	if (rc)
		return rc;
	add(out, max, count, k, buf);
	if (kind == SDX_KIND_AUTO && k == SDX_KIND_DOMAIN &&
	    !norm_reading_alone(kind, input, len, k, buf) &&
	    strspn(buf, "0123456789.") == strlen(buf) &&
	    !sdx_normalize(SDX_KIND_PHONE, input, len, buf, sizeof buf, NULL,
			   NULL, NULL)) {
		add(out, max, count, SDX_KIND_PHONE, buf);
		k = SDX_KIND_PHONE;
	}
	/* a phone number in digits alone is an account number too */
	char digits[SDX_CANON_MAX];
	if (kind == SDX_KIND_AUTO && k == SDX_KIND_PHONE &&
	    account_digits(input, len, digits, sizeof digits) &&
	    !sdx_normalize(SDX_KIND_ACCOUNT, digits, strlen(digits), buf,
			   sizeof buf, NULL, &k, NULL))
		add(out, max, count, k, buf);
	add_aliases(input, len, out, max, count);
	return 0;
}
