/* bench-normalize: normalizations per second per kind, one core, on a
 * generated input (phones in every accepted spelling, VietQR payloads with
 * valid CRCs, bank/account text, IBANs, handles, domains, and the same mix
 * through auto-detection).
 *
 *   bench-normalize [--n N] [--seed S]
 *
 * N is the number of normalizations timed per kind (default 2000000) over
 * a pool of 4096 distinct inputs. Rates are per second of this thread's
 * CPU time (one core), wall time is printed beside them. Build with
 * -Dbuildtype=release for figures worth quoting. Exit 1 if any generated input
 * fails to normalize. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scamdex/scamdex.h>

#define POOL 4096
#define INMAX 320

struct pool {
	char text[POOL][INMAX];
	size_t len[POOL];
};

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	/* xorshift64 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void digits(char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + rnd() % 10);
	out[n] = '\0';
}

static void gen_phone(char *out)
{
	static const char *const prefixes[] = {
	    "032", "035", "039", "070", "079", "081", "086", "088",
	    "090", "091", "094", "096", "097", "098", "056", "059",
	};
	static const char *const old[] = {"0162", "0121", "0123", "0188"};
	const char *p = prefixes[rnd() % 16];
	char s[8];
	digits(s, 7);
	switch (rnd() % 8) {
	case 0:
		sprintf(out, "%s%s", p, s);
		break;
	case 1:
		sprintf(out, "%s.%.3s.%s", p, s, s + 3);
		break;
	case 2:
		sprintf(out, "+84 %s %.3s %s", p + 1, s, s + 3);
		break;
	case 3:
		sprintf(out, "(%s) %.3s-%s", p, s, s + 3);
		break;
	case 4:
		sprintf(out, "84%s%s", p + 1, s);
		break;
	case 5:
		sprintf(out, "0084%s%s", p + 1, s);
		break;
	case 6:
		sprintf(out, "%s %.3s %s", old[rnd() % 4], s, s + 3);
		break;
	default:
		sprintf(out, "+84%s%s", p + 1, s);
		break;
	}
}

/* CRC-16/CCITT-FALSE, bitwise: generation only. */
static unsigned crc16(const char *s, size_t n)
{
	unsigned crc = 0xFFFF;
	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned)(unsigned char)s[i] << 8;
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xFFFF
					     : (crc << 1) & 0xFFFF;
	}
	return crc;
}

static const char *const bins[] = {
    "970436", "970415", "970418", "970405", "970422", "970407",
    "970416", "970432", "970423", "970403", "970454", "971025",
};

static void gen_vietqr(char *out)
{
	char acct[20], amount[10], bene[64], t38[128], t62[64], body[300];
	int alen = 8 + (int)(rnd() % 10);
	digits(acct, alen);
	digits(amount, 1 + (int)(rnd() % 8));
	if (amount[0] == '0')
		amount[0] = '5';
	snprintf(bene, sizeof bene, "0006%s01%02d%s", bins[rnd() % 12], alen,
		 acct);
	snprintf(t38, sizeof t38, "0010A00000072701%02zu%s0208QRIBFTTA",
		 strlen(bene), bene);
	snprintf(t62, sizeof t62, "0811Chuyen tien");
	snprintf(body, sizeof body,
		 "00020101021238%02zu%s5303704%s%02zu%s5802VN62%02zu%s6304",
		 strlen(t38), t38, "54", strlen(amount), amount, strlen(t62),
		 t62);
	sprintf(out, "%s%04X", body, crc16(body, strlen(body)));
}

static void gen_bank(char *out)
{
	static const char *const names[] = {
	    "VCB",  "Vietcombank", "970436", "Techcombank",	      "MB Bank",
	    "BIDV", "Agribank",	   "ACB",    "Ngân hàng TMCP Á Châu", "TPBank",
	};
	char acct[20];
	digits(acct, 9 + (int)(rnd() % 6));
	static const char seps[] = {' ', ':', '-'};
	sprintf(out, "%s%c%s", names[rnd() % 10], seps[rnd() % 3], acct);
}

static void gen_iban(char *out)
{
	/* German IBANs: DEkk + 18 digits, check digits computed. */
	char bban[19];
	digits(bban, 18);
	unsigned rem = 0;
	const char *tail = "131400"; /* D=13 E=14 00 */
	for (int i = 0; i < 18; i++)
		rem = (rem * 10 + (unsigned)(bban[i] - '0')) % 97;
	for (int i = 0; i < 6; i++)
		rem = (rem * 10 + (unsigned)(tail[i] - '0')) % 97;
	sprintf(out, "DE%02u %.4s %.4s %.4s %.4s %.2s", 98 - rem, bban,
		bban + 4, bban + 8, bban + 12, bban + 16);
}

static void gen_handle(char *out)
{
	char name[16], ph[10];
	for (int i = 0; i < 10; i++)
		name[i] = (char)('a' + rnd() % 26);
	name[10] = '\0';
	digits(ph, 7);
	switch (rnd() % 6) {
	case 0:
		sprintf(out, "@%s", name);
		break;
	case 1:
		sprintf(out, "https://t.me/%s", name);
		break;
	case 2:
		sprintf(out, "zalo.me/091%s", ph);
		break;
	case 3:
		sprintf(out, "https://www.facebook.com/profile.php?id=1000%s",
			ph);
		break;
	case 4:
		sprintf(out, "m.me/%s.%s", name, name);
		break;
	default:
		sprintf(out, "viber://chat?number=%%2B8491%s", ph);
		break;
	}
}

static void gen_domain(char *out)
{
	char name[16];
	for (int i = 0; i < 12; i++)
		name[i] = (char)('a' + rnd() % 26);
	name[12] = '\0';
	switch (rnd() % 3) {
	case 0:
		sprintf(out, "https://%s-xac-thuc.com/login", name);
		break;
	case 1:
		sprintf(out, "www.%s.vn", name);
		break;
	default:
		sprintf(out, "HTTP://%s.Com.VN:8080/a?b=c", name);
		break;
	}
}

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const char *label, sdx_kind kind, const struct pool *p, long n)
{
	char out[SDX_CANON_MAX];
	size_t olen;
	uint64_t sum = 0;
	sdx_norm_error err;
	for (int i = 0; i < POOL; i++) {
		int rc = sdx_normalize(kind, p->text[i], p->len[i], out,
				       sizeof out, &olen, NULL, &err);
		/* auto-detection may call a bare number ambiguous */
		if (rc != 0 &&
		    !(kind == SDX_KIND_AUTO && rc == SDX_EAMBIGUOUS)) {
			fprintf(stderr, "bench-normalize: %s: '%s': %s\n",
				label, p->text[i], err.reason);
			return 1;
		}
	}
	double w0 = clock_s(CLOCK_MONOTONIC);
	double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	for (long i = 0; i < n; i++) {
		int k = (int)(i & (POOL - 1));
		sdx_normalize(kind, p->text[k], p->len[k], out, sizeof out,
			      &olen, NULL, NULL);
		sum += (uint64_t)(unsigned char)out[0] + olen;
	}
	/* CPU time of this thread: what one core does, even on a busy
	 * machine; wall time beside it. */
	double cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	double wall = clock_s(CLOCK_MONOTONIC) - w0;
	printf("%-8s %10ld in %7.3f s CPU %12.0f /s (%4.0f ns each); wall "
	       "%7.3f s [%llu]\n",
	       label, n, cpu, (double)n / cpu, cpu * 1e9 / (double)n, wall,
	       (unsigned long long)(sum & 0xFF));
	return 0;
}

int main(int argc, char **argv)
{
	long n = 2000000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc) {
			n = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			rng_state = strtoull(argv[++i], NULL, 10) | 1;
		} else {
			fprintf(stderr,
				"usage: bench-normalize [--n N] [--seed S]\n");
			return !!strcmp(argv[i], "--help") * 2;
		}
	}
	if (n <= 0)
		n = 1;
	static struct pool p;
	static const struct {
		const char *label;
		sdx_kind kind;
		void (*gen)(char *);
	} kinds[] = {
	    {"phone", SDX_KIND_PHONE, gen_phone},
	    {"vietqr", SDX_KIND_BANK, gen_vietqr},
	    {"bank", SDX_KIND_BANK, gen_bank},
	    {"iban", SDX_KIND_IBAN, gen_iban},
	    {"handle", SDX_KIND_HANDLE, gen_handle},
	    {"domain", SDX_KIND_DOMAIN, gen_domain},
	};
	int rc = 0;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		for (int i = 0; i < POOL; i++) {
			kinds[k].gen(p.text[i]);
			p.len[i] = strlen(p.text[i]);
		}
		rc |= run(kinds[k].label, kinds[k].kind, &p, n);
	}
	/* everything mixed, through auto-detection */
	for (int i = 0; i < POOL; i++) {
		kinds[i % 6].gen(p.text[i]);
		p.len[i] = strlen(p.text[i]);
	}
	rc |= run("auto", SDX_KIND_AUTO, &p, n);
	return rc;
}
