/* bank_words.c: bank names as people write them around an account
 * number. The generic words of a written bank name ("Ngân hàng", "NH",
 * "TMCP", "thương mại cổ phần", "TNHH MTV", "Việt Nam", "Joint Stock
 * Commercial Bank") and of an account ("STK", "số tài khoản", "account
 * no") are dropped, and what is left (the "core") is compared with the
 * core of every bank's Vietnamese full name in the reference table and of
 * the English names below. A core that two banks share names neither.
 * The index is built once, on first use. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "norm.h"

#define CORE_MAX 192

/* Folded phrases (sdx_fold form) dropped wherever they stand as whole
 * words, longest first where one contains another. */
static const char *const generic[] = {
    "ngan hang thuong mai co phan",
    "thuong mai co phan",
    "mot thanh vien",
    "trach nhiem huu han",
    "joint stock commercial bank",
    "commercial joint stock bank",
    "joint stock commercial",
    "commercial joint stock",
    "one member limited liability",
    "sole member limited",
    "joint stock",
    "so tai khoan",
    "tai khoan",
    "account number",
    "account no",
    "acct no",
    "ngan hang",
    "viet nam",
    "a c",
    "nh",
    "nhtm",
    "tmcp",
    "tnhh",
    "mtv",
    "vietnam",
    "bank",
    "commercial",
    "limited",
    "ltd",
    "jsc",
    "of",
    "for",
    "the",
    "and",
    "va",
    "stk",
    "so tk",
    "tk",
    "so",
    "account",
    "acct",
    "acc",
    "no",
};

/* English names of the banks people name in English (the reference
 * table has the Vietnamese ones), by BIN. */
static const struct {
	const char *bin, *name;
} english[] = {
    {"970436", "Joint Stock Commercial Bank for Foreign Trade of Vietnam"},
    {"970415", "Vietnam Joint Stock Commercial Bank for Industry and Trade"},
    {"970418", "Joint Stock Commercial Bank for Investment and Development "
	       "of Vietnam"},
    {"970405", "Vietnam Bank for Agriculture and Rural Development"},
    {"970407", "Vietnam Technological and Commercial Joint Stock Bank"},
    {"970422", "Military Commercial Joint Stock Bank"},
    {"970416", "Asia Commercial Joint Stock Bank"},
    {"970432", "Vietnam Prosperity Joint Stock Commercial Bank"},
    {"970403", "Saigon Thuong Tin Commercial Joint Stock Bank"},
    {"970443", "Saigon Hanoi Commercial Joint Stock Bank"},
    {"970437", "Ho Chi Minh City Development Joint Stock Commercial Bank"},
    {"970441", "Vietnam International Commercial Joint Stock Bank"},
    {"970431", "Vietnam Export Import Commercial Joint Stock Bank"},
    {"970426", "Vietnam Maritime Commercial Joint Stock Bank"},
    {"970440", "Southeast Asia Commercial Joint Stock Bank"},
    {"970448", "Orient Commercial Joint Stock Bank"},
    {"970449", "Loc Phat Vietnam Joint Stock Commercial Bank"},
    {"970419", "National Citizen Commercial Joint Stock Bank"},
    {"970454", "Viet Capital Commercial Joint Stock Bank"},
    {"970430", "Petrolimex Group Commercial Joint Stock Bank"},
    {"970408", "Global Petro Sole Member Limited Commercial Bank"},
    {"970400", "Saigon Bank for Industry and Trade"},
    {"999888", "Vietnam Bank for Social Policies"},
};
#define N_ENGLISH (sizeof english / sizeof english[0])

struct core_key {
	char key[64];
	int bank; /* index into norm_banks, -1: two banks share it */
};

static struct core_key *cores;
static size_t ncores;
static pthread_once_t cores_once = PTHREAD_ONCE_INIT;

/* Does the word sequence at w (space-separated, from a folded string)
 * start with phrase p as whole words? Returns its length or 0. */
static size_t phrase_at(const char *w, const char *p)
{
	size_t n = strlen(p);
	if (strncmp(w, p, n))
		return 0;
	return (w[n] == '\0' || w[n] == ' ') ? n : 0;
}

/* The generic words that may also be part of a short name ("CIMB Bank",
 * "HSBC Vietnam"): the light core keeps them. */
static int in_short_names(const char *g)
{
	return !strcmp(g, "bank") || !strcmp(g, "vietnam") ||
	       !strcmp(g, "viet nam");
}

int norm_bank_core(const char *text, size_t len, char *out, size_t outsize)
{
	return norm_bank_core2(text, len, out, outsize, 1);
}

int norm_bank_core2(const char *text, size_t len, char *out, size_t outsize,
		    int full)
{
	char f[CORE_MAX];
	int rc = sdx_fold(text, len, f, sizeof f);
	if (rc < 0)
		return rc;
	size_t o = 0;
	const char *w = f;
	while (*w) {
		size_t skip = 0;
		for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
			if ((full || !in_short_names(generic[i])) &&
			    (skip = phrase_at(w, generic[i])))
				break;
		if (!skip) {
			while (w[skip] && w[skip] != ' ') {
				if (o + 1 >= outsize) {
					out[0] = '\0';
					return SDX_ETOOLONG;
				}
				out[o++] = w[skip++];
			}
		}
		w += skip;
		while (*w == ' ')
			w++;
	}
	out[o] = '\0';
	return (int)o;
}

static int core_cmp(const void *a, const void *b)
{
	return strcmp(((const struct core_key *)a)->key,
		      ((const struct core_key *)b)->key);
}

static void add_core(size_t *n, const char *name, int bank)
{
	char k[CORE_MAX];
	if (!name[0] || norm_bank_core(name, strlen(name), k, sizeof k) <= 0 ||
	    strlen(k) >= sizeof cores[0].key)
		return;
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp(cores[i].key, k)) {
			if (cores[i].bank != bank)
				cores[i].bank = -1;
			return;
		}
	}
	memcpy(cores[*n].key, k, strlen(k) + 1);
	cores[*n].bank = bank;
	(*n)++;
}

static void build(void)
{
	cores = calloc(norm_bank_count + N_ENGLISH, sizeof *cores);
	if (!cores)
		return;
	size_t n = 0;
	for (size_t b = 0; b < norm_bank_count; b++)
		add_core(&n, norm_banks[b].name, (int)b);
	for (size_t e = 0; e < N_ENGLISH; e++) {
		const sdx_bank_info *b = sdx_bank_by_bin(english[e].bin);
		if (b)
			add_core(&n, english[e].name, (int)(b - norm_banks));
	}
	qsort(cores, n, sizeof *cores, core_cmp);
	ncores = n;
}

const sdx_bank_info *norm_bank_by_core(const char *core)
{
	pthread_once(&cores_once, build);
	size_t lo = 0, hi = ncores;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(cores[mid].key, core);
		if (c == 0)
			return cores[mid].bank < 0
				   ? NULL
				   : &norm_banks[cores[mid].bank];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
