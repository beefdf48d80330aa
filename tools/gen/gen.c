/* gen.c: scamdex-gen, a deterministic generator of realistic import files
 * (CSV or JSON Lines) and of check lists, for tests and benchmarks.
 *
 *   scamdex-gen --reports N [--seed S] [--format csv|jsonl]
 *               [--lang en|vi] [--excel] [-o FILE]
 *   scamdex-gen --reports N --checks M [--seed S] [-o FILE]
 *   scamdex-gen --n N --out DIR [--seed S] [--format csv|jsonl]
 *               [--today YYYY-MM-DD]
 *
 * Report j is a pure function of (seed, j): a mix of phones, bank
 * accounts, chat handles and links (about two per report, drawn with
 * reuse so that busy identifiers collect many reports), provenance in
 * the forms agencies write (dd/mm/yyyy and ISO dates, "5.000.000"
 * amounts, Vietnamese and English category names), and narratives with
 * commas, quotes and line breaks. Identifiers are numbered: identifier i
 * of a kind is a bijection of i, so a check list can name identifiers
 * that are reported (drawn from generated reports) and identifiers that
 * certainly are not (numbers beyond every report's range).
 *
 * Incident dates: without --today, uniform over 2023-01-01..2026-06-30
 * (what the tests were written against). With --today T (the benchmark,
 * which also sets SCAMDEX_TODAY=T for its look-ups), relative to T: 3% of
 * reports in the last 3 days, 12% more in the last 30, 30% more in the
 * last 6 months, the rest up to 3 years before, so that the check's time
 * windows are not empty and no figure depends on the calendar. */
#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	/* splitmix64 */
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? next(r) % n : 0;
}

static double unit(struct rng *r)
{
	return (double)(next(r) >> 11) / 9007199254740992.0;
}

/* An index in [0, pool) with reuse skewed to low indices. */
static uint64_t skewed(struct rng *r, uint64_t pool)
{
	double u = unit(r);
	uint64_t i = (uint64_t)(u * u * (double)pool);
	return i < pool ? i : pool - 1;
}

/* A bijection of [0, m): multiply by a prime that does not divide m. */
static uint64_t permute(uint64_t i, uint64_t m)
{
	return (i % m * 2654435761ull + 12345) % m;
}

static const char *const prefixes[] = {
    "032", "033", "034", "035", "036", "037", "038", "039", "070", "076",
    "077", "078", "079", "081", "082", "083", "084", "085", "086", "088",
    "089", "090", "091", "093", "094", "096", "097", "098", "056", "058",
};
#define NPREFIX (sizeof prefixes / sizeof prefixes[0])
#define PHONE_SPACE ((uint64_t)NPREFIX * 10000000ull)

static const struct bank {
	const char *bin, *name, *code, *acct_prefix;
	int acct_digits; /* varying digits after the prefix */
} banks[] = {
    {"970436", "Vietcombank", "VCB", "00110", 8},
    {"970415", "VietinBank", "ICB", "1010", 8},
    {"970418", "BIDV", "BIDV", "21", 8},
    {"970405", "Agribank", "VBA", "1500", 9},
    {"970407", "Techcombank", "TCB", "19033", 9},
    {"970422", "MB Bank", "MB", "0", 9},
    {"970432", "VPBank", "VPB", "", 9},
    {"970416", "ACB", "ACB", "", 9},
    {"970403", "Sacombank", "STB", "0601", 8},
    {"970423", "TPBank", "TPB", "0", 9},
    {"970437", "HDBank", "HDB", "0040", 8},
    {"970441", "VIB", "VIB", "", 9},
};
#define NBANK (sizeof banks / sizeof banks[0])
#define BANK_SPACE ((uint64_t)NBANK * 100000000ull)

static const char *const agencies[] = {
    "Công an tỉnh Phú Thọ",
    "Công an TP Hà Nội",
    "Công an TP Hồ Chí Minh",
    "Công an tỉnh Nghệ An",
    "Công an TP Đà Nẵng",
    "Công an tỉnh Lâm Đồng",
    "Công an tỉnh Bắc Ninh",
    "Công an TP Cần Thơ",
    "Vietcombank",
    "Techcombank",
    "BIDV",
    "MB Bank",
    "Cục An toàn thông tin",
    "Công an tỉnh Quảng Ninh",
    "Công an tỉnh Thanh Hóa",
};
#define NAGENCY (sizeof agencies / sizeof agencies[0])

static const char *const units[] = {"PA05", "PC02", "PA04", "PC01"};

/* category written as the number, the machine name or a label */
static const char *const categories[][3] = {
    {"1", "extortion", "Tống tiền"},
    {"2", "impersonation_police", "Giả danh công an"},
    {"3", "impersonation_journalist", "Giả danh nhà báo"},
    {"4", "impersonation_detective", "Giả danh thám tử"},
    {"5", "impersonation_bank", "Giả danh ngân hàng"},
    {"6", "impersonation_official", "Giả danh cơ quan nhà nước"},
    {"7", "investment", "Lừa đảo đầu tư"},
    {"8", "romance", "Lừa đảo tình cảm"},
    {"9", "job", "Lừa đảo việc làm"},
    {"10", "loan", "Lừa đảo cho vay"},
    {"11", "shopping", "Lừa đảo mua bán trực tuyến"},
    {"12", "phishing", "Lừa đảo qua đường link giả mạo"},
    {"13", "malware", "Phần mềm độc hại"},
    {"14", "other", "Khác"},
};
static const char *const channels[][2] = {
    {"call", "Cuộc gọi"},	{"sms", "Tin nhắn SMS"},
    {"zalo", "Zalo"},		{"viber", "Viber"},
    {"messenger", "Messenger"}, {"telegram", "Telegram"},
    {"facebook", "Facebook"},	{"email", "Thư điện tử"},
    {"web", "Trang web"},
};
#define NCHANNEL (sizeof channels / sizeof channels[0])

static const char *const narratives[] = {
    "Đối tượng gọi điện xưng là cán bộ công an, yêu cầu chuyển tiền để "
    "\"xác minh\" tài khoản.",
    "Nạn nhân nhận video ghép mặt (deepfake), bị đe dọa phát tán nếu "
    "không chuyển tiền.",
    "Caller claimed to be a journalist, demanded money to remove an "
    "article.",
    "Mời đầu tư sàn ảo, lãi 30%/tháng, sau đó chặn liên lạc.",
    "Tuyển cộng tác viên làm nhiệm vụ, nạp tiền trước, không rút được.",
    /* a line feed and a tab, which JSON must escape and CSV must quote */
    "Gửi đường link giả mạo ngân hàng, yêu cầu nhập mã OTP.\nNạn nhân "
    "mất toàn bộ số dư.\t(sao kê kèm theo)",
    "Xưng thám tử tư, nói có ảnh nhạy cảm, đòi 50 triệu đồng.",
    "",
};
#define NNARR (sizeof narratives / sizeof narratives[0])

struct gen {
	uint64_t seed;
	int64_t today; /* days since 1970 (--today), or 0: fixed range */
	uint64_t reports;
	uint64_t pool_phone, pool_bank, pool_handle, pool_url;
	int jsonl, vi, excel;
	FILE *out;
	const char *eol;
};

static void phone_of(uint64_t i, char *buf, size_t size)
{
	uint64_t x = permute(i, PHONE_SPACE);
	snprintf(buf, size, "%s%07" PRIu64, prefixes[x / 10000000ull],
		 (uint64_t)(x % 10000000u));
}

static const struct bank *bank_of(uint64_t i, char *acct, size_t size)
{
	uint64_t x = permute(i, BANK_SPACE);
	const struct bank *b = &banks[x / 100000000ull];
	uint64_t a = x % 100000000ull;
	/* 8 varying digits, zero-padded to the bank's width */
	snprintf(acct, size, "%s%0*" PRIu64, b->acct_prefix, b->acct_digits, a);
	return b;
}

static const char *const platforms[] = {"telegram", "zalo", "facebook"};

static const char *handle_of(uint64_t i, char *name, size_t size, char *canon,
			     size_t csize)
{
	uint64_t x = permute(i, 1ull << 40);
	const char *p = platforms[i % 3];
	static const char *const stems[] = {"thamtu", "nhabao", "hotro",
					    "canbo",  "dautu",	"tuyendung"};
	if (i % 3 == 1) /* zalo: the number of the account */
		phone_of(i + 1000000000ull, name, size);
	else if (i % 3 == 2) /* facebook numeric profile */
		snprintf(name, size, "1000%011" PRIu64,
			 (uint64_t)(x % 100000000000u));
	else
		snprintf(name, size, "%s_%" PRIx64, stems[x % 6], x);
	if (i % 3 == 1)
		snprintf(canon, csize, "zalo:+84%s", name + 1);
	else
		snprintf(canon, csize, "%s:%s", p, name);
	return p;
}

static void domain_of(uint64_t i, char *buf, size_t size)
{
	static const char *const stems[] = {
	    "vietcombank-xac-thuc", "bocongan-gov",	"hoantien-online",
	    "dautu-vang",	    "tuyendung-shopee", "vaytien-nhanh"};
	static const char *const tlds[] = {"com", "net", "top", "xyz", "vn"};
	uint64_t x = permute(i, 1ull << 40);
	snprintf(buf, size, "%s-%" PRIx64 ".%s", stems[x % 6], x,
		 tlds[(x >> 8) % 5]);
}

/* days since 1970 -> y, m, d */
static void civil(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* y, m, d -> days since 1970 */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD" -> days since 1970; -1 if malformed. */
static int64_t parse_day(const char *s)
{
	int y, m, d, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] ||
	    n != 10 || y < 1971 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int64_t days = days_from_civil(y, m, d);
	int y2, m2, d2;
	civil(days, &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d ? days : -1;
}

/* An incident date relative to today (--today): days back drawn 3% in
 * [0, 2], 12% in [3, 29], 30% in [30, 182], 55% in [183, 1277]. */
static int64_t recent_day(struct rng *r, int64_t today)
{
	uint64_t u = below(r, 100);
	if (u < 3)
		return today - (int64_t)below(r, 3);
	if (u < 15)
		return today - 3 - (int64_t)below(r, 27);
	if (u < 45)
		return today - 30 - (int64_t)below(r, 153);
	return today - 183 - (int64_t)below(r, 1095);
}

static void date_text(struct rng *r, int64_t days, char *buf, size_t size)
{
	int y, m, d;
	civil(days, &y, &m, &d);
	switch (below(r, 3)) {
	case 0:
		snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
		break;
	case 1:
		snprintf(buf, size, "%02d/%02d/%04d", d, m, y);
		break;
	default:
		snprintf(buf, size, "%d/%d/%04d", d, m, y);
		break;
	}
}

static void amount_text(struct rng *r, char *buf, size_t size)
{
	uint64_t v = (1 + below(r, 500)) * 100000ull; /* 100k .. 50M */
	char digits[24], grouped[24];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, v), k = 0;
	char sep = below(r, 2) ? '.' : ',';
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[k++] = sep;
		grouped[k++] = digits[i];
	}
	grouped[k] = '\0';
	switch (below(r, 5)) {
	case 0:
		snprintf(buf, size, "%s", digits);
		break;
	case 1:
		snprintf(buf, size, "%s VND", grouped);
		break;
	case 2:
		snprintf(buf, size, "%sđ", grouped);
		break;
	default:
		snprintf(buf, size, "%s", grouped);
		break;
	}
}

#define KEYS_MAX 4
struct report {
	int nkeys;
	struct {
		char kind; /* '1' phone, '2' bank, '4' handle, '5' domain */
		char canon[96];
	} keys[KEYS_MAX]; /* canonical forms, as scamdex stores them */
	char phone[2][24];
	int nphone;
	char bank[64], account[32], bin[8];
	char handle[48], platform[16];
	char url[96];
	char agency[64], case_ref[32], incident[16], received[16];
	const char *category, *channel, *confirmation, *audience;
	char amount[32];
	const char *narrative;
	/* the same, as numbers (reports.meta) */
	int64_t day;
	unsigned agency_i, category_i, police;
};

static void add_key(struct report *rep, char kind, const char *a, const char *b)
{
	char buf[sizeof rep->keys[0].canon];

	if (rep->nkeys == KEYS_MAX)
		return;
	/* a and b may point into rep: format aside, then copy */
	snprintf(buf, sizeof buf, "%s%s%s", a, kind == '2' ? ":" : "", b);
	rep->keys[rep->nkeys].kind = kind;
	memcpy(rep->keys[rep->nkeys].canon, buf, sizeof buf);
	rep->nkeys++;
}

static void make_report(const struct gen *g, uint64_t j, struct report *rep)
{
	struct rng r = {g->seed * 0x2545F4914F6CDD1Dull + j};
	int nid = 1 + (int)below(&r, 3); /* 1..3, about 2 on average */
	int have_bank = 0, have_handle = 0, have_url = 0;
	int64_t day0 = 19358; /* 2023-01-01 */

	memset(rep, 0, sizeof *rep);
	for (int k = 0; k < nid; k++) {
		unsigned pick = (unsigned)below(&r, 100);
		if (pick < 45 || (pick < 80 && have_bank) ||
		    (pick >= 80 && pick < 92 && have_handle) ||
		    (pick >= 92 && have_url)) {
			if (rep->nphone == 2)
				continue;
			char *ph = rep->phone[rep->nphone++];
			phone_of(skewed(&r, g->pool_phone), ph, 24);
			add_key(rep, '1', "+84", ph + 1);
		} else if (pick < 80) {
			const struct bank *b =
			    bank_of(skewed(&r, g->pool_bank), rep->account,
				    sizeof rep->account);
			unsigned form = (unsigned)below(&r, 3);
			snprintf(rep->bank, sizeof rep->bank, "%s",
				 form == 0   ? b->name
				 : form == 1 ? b->code
					     : b->bin);
			snprintf(rep->bin, sizeof rep->bin, "%s", b->bin);
			add_key(rep, '2', b->bin, rep->account);
			have_bank = 1;
		} else if (pick < 92) {
			char canon[96];
			snprintf(rep->platform, sizeof rep->platform, "%s",
				 handle_of(skewed(&r, g->pool_handle),
					   rep->handle, sizeof rep->handle,
					   canon, sizeof canon));
			add_key(rep, '4', canon, "");
			have_handle = 1;
		} else {
			char dom[64];
			domain_of(skewed(&r, g->pool_url), dom, sizeof dom);
			/* links as written: a URL, or the bare host name */
			switch (below(&r, 3)) {
			case 0:
				snprintf(rep->url, sizeof rep->url,
					 "https://%s/login", dom);
				break;
			case 1:
				snprintf(rep->url, sizeof rep->url, "%s", dom);
				break;
			default:
				snprintf(rep->url, sizeof rep->url,
					 "http://%s/", dom);
				break;
			}
			add_key(rep, '5', dom, "");
			have_url = 1;
		}
	}
	rep->agency_i = (unsigned)below(&r, NAGENCY);
	snprintf(rep->agency, sizeof rep->agency, "%s",
		 agencies[rep->agency_i]);
	snprintf(rep->case_ref, sizeof rep->case_ref, "%" PRIu64 "/CAT-%s",
		 j + 1, units[below(&r, 4)]);
	int64_t inc = g->today
			  ? recent_day(&r, g->today)
			  : day0 + (int64_t)below(&r, 1277); /* 2026-06-30 */
	rep->day = inc;
	date_text(&r, inc, rep->incident, sizeof rep->incident);
	if (below(&r, 4)) {
		int64_t rec = inc + (int64_t)below(&r, 30);
		if (g->today && rec > g->today)
			rec = g->today;
		date_text(&r, rec, rep->received, sizeof rep->received);
	}
	rep->category_i = (unsigned)below(&r, 14);
	rep->category = categories[rep->category_i][below(&r, 3)];
	rep->channel = channels[below(&r, NCHANNEL)][below(&r, 2)];
	if (below(&r, 10) < 6)
		amount_text(&r, rep->amount, sizeof rep->amount);
	rep->police = below(&r, 4) == 0;
	rep->confirmation = rep->police ? "police" : "reported";
	rep->audience = below(&r, 10) == 0 ? "police" : "bank";
	rep->narrative = narratives[below(&r, NNARR)];
}

/* ---- CSV (libcsv) ---- */

/* One field, quoted (by libcsv: quotes doubled) only when it has to be. */
static void csv_field(FILE *out, const char *s, int first)
{
	if (!first)
		fputc(',', out);
	if (!strpbrk(s, ",\"\r\n"))
		fputs(s, out);
	else
		csv_fwrite(out, s, strlen(s));
}

static const char *const header_en[] = {
    "phone",	     "bank",	      "account",  "handle",
    "platform",	     "url",	      "agency",	  "case_ref",
    "incident_date", "received_date", "category", "channel",
    "amount",	     "confirmation",  "audience", "narrative"};
static const char *const header_vi[] = {
    "Số điện thoại", "Ngân hàng",      "Số tài khoản", "Tài khoản chat",
    "Nền tảng",	     "Đường link",     "Đơn vị",       "Số hồ sơ",
    "Ngày xảy ra",   "Ngày tiếp nhận", "Loại lừa đảo", "Kênh",
    "Số tiền",	     "Xác minh",       "Phạm vi",      "Nội dung"};
#define NCOLS (sizeof header_en / sizeof header_en[0])

static void csv_header(const struct gen *g)
{
	if (g->excel)
		fputs("\xEF\xBB\xBF", g->out);
	for (size_t i = 0; i < NCOLS; i++)
		csv_field(g->out, g->vi ? header_vi[i] : header_en[i], i == 0);
	fputs(g->eol, g->out);
}

static void csv_report(const struct gen *g, const struct report *rep)
{
	char phones[64];
	snprintf(phones, sizeof phones, "%s%s%s", rep->phone[0],
		 rep->nphone > 1 ? "; " : "",
		 rep->nphone > 1 ? rep->phone[1] : "");
	const char *f[NCOLS] = {
	    phones,	   rep->bank,	      rep->account,  rep->handle,
	    rep->platform, rep->url,	      rep->agency,   rep->case_ref,
	    rep->incident, rep->received,     rep->category, rep->channel,
	    rep->amount,   rep->confirmation, rep->audience, rep->narrative};
	for (size_t i = 0; i < NCOLS; i++)
		csv_field(g->out, f[i], i == 0);
	fputs(g->eol, g->out);
}

/* ---- JSON Lines (jansson) ---- */

/* key: s, when s is not empty */
static void json_str(json_t *o, const char *key, const char *s)
{
	if (*s)
		json_object_set_new(o, key, json_string(s));
}

static void jsonl_report(const struct gen *g, const struct report *rep)
{
	json_t *o = json_object();
	if (!o) {
		fprintf(stderr, "scamdex-gen: out of memory\n");
		exit(1);
	}
	if (rep->nphone == 1) {
		json_str(o, "phone", rep->phone[0]);
	} else if (rep->nphone == 2) {
		json_t *a = json_array();
		json_array_append_new(a, json_string(rep->phone[0]));
		json_array_append_new(a, json_string(rep->phone[1]));
		json_object_set_new(o, "phone", a);
	}
	json_str(o, "bank", rep->bank);
	json_str(o, "account", rep->account);
	json_str(o, "handle", rep->handle);
	json_str(o, "platform", rep->platform);
	json_str(o, "url", rep->url);
	json_str(o, "agency", rep->agency);
	json_str(o, "case_ref", rep->case_ref);
	json_str(o, "incident_date", rep->incident);
	json_str(o, "received_date", rep->received);
	json_str(o, "category", rep->category);
	json_str(o, "channel", rep->channel);
	json_str(o, "amount", rep->amount);
	json_str(o, "confirmation", rep->confirmation);
	json_str(o, "audience", rep->audience);
	json_str(o, "narrative", rep->narrative);
	json_dumpf(o, g->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', g->out);
	json_decref(o);
}

/* ---- checks and the benchmark data set ---- */

/* A reported identifier: one key of a random generated report. */
static void hit_key(const struct gen *g, struct rng *r, char *kind, char *canon,
		    size_t size)
{
	struct report rep;
	make_report(g, below(r, g->reports), &rep);
	int k = (int)below(r, (uint64_t)rep.nkeys);
	*kind = rep.keys[k].kind;
	snprintf(canon, size, "%s", rep.keys[k].canon);
}

/* An identifier no report names: numbers beyond every pool. */
static void miss_key(const struct gen *g, struct rng *r, char *kind,
		     char *canon, size_t size)
{
	uint64_t k = 3000000000ull + below(r, 1000000000ull);
	char buf[64], acct[32];

	switch (below(r, 20)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
	case 7:
	case 8:
	case 9: {
		uint64_t idx =
		    k % (PHONE_SPACE - g->pool_phone) + g->pool_phone;
		phone_of(idx, buf, sizeof buf);
		*kind = '1';
		snprintf(canon, size, "+84%s", buf + 1);
		break;
	}
	case 10:
	case 11:
	case 12:
	case 13:
	case 14:
	case 15: {
		uint64_t idx = k % (BANK_SPACE - g->pool_bank) + g->pool_bank;
		const struct bank *b = bank_of(idx, acct, sizeof acct);
		*kind = '2';
		snprintf(canon, size, "%s:%s", b->bin, acct);
		break;
	}
	case 16:
	case 17:
	case 18: {
		/* telegram names (i % 3 == 0) are all distinct */
		uint64_t idx = g->pool_handle + k;
		char c[96];
		handle_of(idx - idx % 3, buf, sizeof buf, c, sizeof c);
		*kind = '4';
		snprintf(canon, size, "%s", c);
		break;
	}
	default:
		domain_of(g->pool_url + k, buf, sizeof buf);
		*kind = '5';
		snprintf(canon, size, "%s", buf);
		break;
	}
}

/* --checks: one identifier a line, half reported, in a form that names
 * its kind (canonical forms are valid input). */
static void checks(const struct gen *g, uint64_t n)
{
	struct rng r = {g->seed ^ 0xC0FFEEull};
	for (uint64_t i = 0; i < n; i++) {
		char kind, canon[128];
		if (below(&r, 2) == 0 && g->reports > 0)
			hit_key(g, &r, &kind, canon, sizeof canon);
		else
			miss_key(g, &r, &kind, canon, sizeof canon);
		/* a bare host may read as another kind ("vietcombank-x.net"
		 * as a bank): name domains by URL */
		fprintf(g->out, kind == '5' ? "https://%s/\n" : "%s\n", canon);
	}
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp)
		fprintf(stderr, "scamdex-gen: %s: %s\n", path, strerror(errno));
	return fp;
}

static int close_out(FILE *fp, const char *name)
{
	if (fclose(fp) != 0) {
		fprintf(stderr, "scamdex-gen: %s: write error\n", name);
		return -1;
	}
	return 0;
}

/* The key list files: "<kind digit><canonical>" (.keys) and the raw
 * input naming the same identifier (.txt). */
static int key_lists(const struct gen *g, const char *dir, const char *name,
		     uint64_t m, int hits)
{
	char keys_name[32], txt_name[32];
	struct rng r = {g->seed ^ (hits ? 0x4849ull : 0x4d49ull)};
	snprintf(keys_name, sizeof keys_name, "%s.keys", name);
	snprintf(txt_name, sizeof txt_name, "%s.txt", name);
	FILE *kf = open_in(dir, keys_name), *tf = open_in(dir, txt_name);
	if (!kf || !tf)
		return -1;
	for (uint64_t i = 0; i < m; i++) {
		char kind, canon[128];
		if (hits)
			hit_key(g, &r, &kind, canon, sizeof canon);
		else
			miss_key(g, &r, &kind, canon, sizeof canon);
		fprintf(kf, "%c%s\n", kind, canon);
		fprintf(tf, kind == '5' ? "https://%s/\n" : "%s\n", canon);
	}
	return close_out(kf, keys_name) | close_out(tf, txt_name);
}

static void json_body(FILE *out, const struct report *rep)
{
	fprintf(out,
		"{\"agency\":\"%s\",\"case_ref\":\"%s\",\"incident_date\":"
		"\"%s\",\"category\":\"%s\",\"channel\":\"%s\","
		"\"amount\":\"%s\",\"confirmation\":\"%s\"}",
		rep->agency, rep->case_ref, rep->incident, rep->category,
		rep->channel, rep->amount, rep->confirmation);
}

/* Pools: about 0.7 identifiers of a kind per report naming that kind, so
 * that busy identifiers collect several reports. */
static void set_pools(struct gen *g, uint64_t reports)
{
	g->reports = reports;
	g->pool_phone = reports * 7 / 10 + 16;
	g->pool_bank = reports * 6 / 10 + 16;
	g->pool_handle = reports / 5 + 16;
	g->pool_url = reports / 8 + 16;
}

/* --n N --out DIR: reports naming about N identifiers in all (about N/2
 * reports): DIR/import.csv (or import.jsonl), DIR/reports.tsv ("count
 * TAB key... TAB body", keys as kind digit + canonical form), line for
 * line DIR/reports.meta ("day TAB agency TAB category TAB police": the
 * incident date in days since 1970 and the agency's and category's
 * numbers, police 1 if confirmed by police; the baselines' summaries are
 * built from it), and hits/miss .keys/.txt with up to a million look-ups
 * each. */
static int dataset(struct gen *g, uint64_t n, const char *dir)
{
	FILE *tsv = open_in(dir, "reports.tsv");
	FILE *meta = open_in(dir, "reports.meta");
	uint64_t named = 0, j;

	/* how many reports name n identifiers: a report's identifier count
	 * does not depend on the pools, so count first, then size them */
	set_pools(g, 0);
	for (j = 0; named < n; j++) {
		struct report rep;
		make_report(g, j, &rep);
		named += (uint64_t)rep.nkeys;
	}
	set_pools(g, j);
	named = 0;
	g->out = open_in(dir, g->jsonl ? "import.jsonl" : "import.csv");
	if (!tsv || !meta || !g->out)
		return -1;
	if (!g->jsonl)
		csv_header(g);
	for (j = 0; named < n; j++) {
		struct report rep;
		make_report(g, j, &rep);
		if (g->jsonl)
			jsonl_report(g, &rep);
		else
			csv_report(g, &rep);
		fprintf(tsv, "%d", rep.nkeys);
		for (int k = 0; k < rep.nkeys; k++)
			fprintf(tsv, "\t%c%s", rep.keys[k].kind,
				rep.keys[k].canon);
		fputc('\t', tsv);
		json_body(tsv, &rep);
		fputc('\n', tsv);
		fprintf(meta, "%" PRId64 "\t%u\t%u\t%u\n", rep.day,
			rep.agency_i, rep.category_i, rep.police);
		named += (uint64_t)rep.nkeys;
	}
	if (close_out(tsv, "reports.tsv") || close_out(meta, "reports.meta") ||
	    close_out(g->out, g->jsonl ? "import.jsonl" : "import.csv"))
		return -1;
	g->out = NULL;
	if (j != g->reports) {
		fprintf(stderr,
			"scamdex-gen: internal: %" PRIu64
			" reports, pools sized for %" PRIu64 "\n",
			j, g->reports);
		return -1;
	}
	uint64_t m = n < 1000000 ? n : 1000000;
	return key_lists(g, dir, "hits", m, 1) |
	       key_lists(g, dir, "miss", m, 0);
}

static void usage(FILE *fp)
{
	fputs("usage: scamdex-gen --reports N [--seed S] [--format csv|jsonl] "
	      "[--lang en|vi]\n"
	      "                   [--excel] [--checks M] [-o FILE]\n"
	      "       scamdex-gen --n N --out DIR [--seed S] [--format "
	      "csv|jsonl]\n"
	      "                   [--today YYYY-MM-DD]\n"
	      "Write N generated reports (or, with --checks, M identifiers "
	      "to check, half\n"
	      "of them reported in those N reports) to FILE or standard "
	      "output.\n"
	      "With --n, write the benchmark data set naming N identifiers "
	      "(about N/2\n"
	      "reports) to DIR: import.csv, reports.tsv, reports.meta, "
	      "hits.keys,\n"
	      "miss.keys, hits.txt, miss.txt.\n"
	      "With --today, incident dates lie before that day, many of "
	      "them in the last\n"
	      "days and weeks (the benchmark pins today this way).\n",
	      fp);
}

static int number(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || !*s || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"reports", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'},
	    {"format", required_argument, NULL, 'f'},
	    {"lang", required_argument, NULL, 'l'},
	    {"excel", no_argument, NULL, 'x'},
	    {"checks", required_argument, NULL, 'c'},
	    {"output", required_argument, NULL, 'o'},
	    {"n", required_argument, NULL, 'N'},
	    {"out", required_argument, NULL, 'O'},
	    {"today", required_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct gen g = {.seed = 1, .eol = "\n"};
	uint64_t nchecks = 0, nidents = 0;
	int have_reports = 0, do_checks = 0, opt;
	const char *path = NULL, *dir = NULL;

	while ((opt = getopt_long(argc, argv, "n:s:f:l:xc:o:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (number(optarg, &g.reports))
				goto bad;
			have_reports = 1;
			break;
		case 's':
			if (number(optarg, &g.seed))
				goto bad;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				g.jsonl = 1;
			else if (strcmp(optarg, "csv") != 0)
				goto bad;
			break;
		case 'l':
			if (strcmp(optarg, "vi") == 0)
				g.vi = 1;
			else if (strcmp(optarg, "en") != 0)
				goto bad;
			break;
		case 'x':
			g.excel = 1;
			g.eol = "\r\n";
			break;
		case 'c':
			if (number(optarg, &nchecks))
				goto bad;
			do_checks = 1;
			break;
		case 'o':
			path = optarg;
			break;
		case 'N':
			if (number(optarg, &nidents))
				goto bad;
			break;
		case 'O':
			dir = optarg;
			break;
		case 'T':
			g.today = parse_day(optarg);
			if (g.today < 0)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	if (dir && nidents > 0 && !have_reports && !do_checks)
		return dataset(&g, nidents, dir) ? 2 : 0;
	if (!have_reports)
		goto bad;
	g.out = path ? fopen(path, "w") : stdout;
	if (!g.out) {
		fprintf(stderr, "scamdex-gen: %s: %s\n", path, strerror(errno));
		return 2;
	}
	set_pools(&g, g.reports);
	if (do_checks) {
		checks(&g, nchecks);
	} else {
		if (!g.jsonl)
			csv_header(&g);
		for (uint64_t j = 0; j < g.reports; j++) {
			struct report rep;
			make_report(&g, j, &rep);
			if (g.jsonl)
				jsonl_report(&g, &rep);
			else
				csv_report(&g, &rep);
		}
	}
	if (fflush(g.out) != 0 || ferror(g.out) ||
	    (path && fclose(g.out) != 0)) {
		fprintf(stderr, "scamdex-gen: %s: write error\n",
			path ? path : "stdout");
		return 2;
	}
	return 0;
bad:
	fputs("scamdex-gen: bad usage\nTry 'scamdex-gen --help'.\n", stderr);
	return 2;
}
