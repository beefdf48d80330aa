/* vocab.c: the stable numbered tables of vocab.h (names, labels and their
 * parsers) and the date and amount forms agencies write.
 *
 * Labels are matched after sdx_fold (case, diacritics and punctuation
 * ignored), so the alias tables below hold folded ASCII forms. */
#include <scamdex/normalize.h>
#include <scamdex/vocab.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ALIASES_MAX 8
/* Longest folded label compared; longer input cannot match. */
#define FOLD_MAX 128

struct term {
	const char *name;		  /* machine name */
	const char *label_vi;		  /* display label, Vietnamese */
	const char *aliases[ALIASES_MAX]; /* folded English/Vietnamese labels */
};

static const struct term categories[SDX_CAT_COUNT] = {
    [SDX_CAT_NONE] = {"none", "Không rõ", {"unknown", "khong ro"}},
    [SDX_CAT_EXTORTION] = {"extortion",
			   "Tống tiền",
			   {"tong tien", "cuong doat tai san", "deepfake",
			    "sextortion", "blackmail", "tong tien deepfake",
			    "extortion deepfake"}},
    [SDX_CAT_IMPERSONATE_POLICE] = {"impersonation_police",
				    "Giả danh công an",
				    {"gia danh cong an", "gia mao cong an",
				     "gia danh canh sat",
				     "police impersonation",
				     "impersonation of police", "fake police"}},
    [SDX_CAT_IMPERSONATE_JOURNALIST] =
	{"impersonation_journalist",
	 "Giả danh nhà báo",
	 {"gia danh nha bao", "gia mao nha bao", "gia danh phong vien",
	  "journalist impersonation", "impersonation of a journalist",
	  "impersonation of journalist", "fake journalist"}},
    [SDX_CAT_IMPERSONATE_DETECTIVE] =
	{"impersonation_detective",
	 "Giả danh thám tử",
	 {"gia danh tham tu", "gia danh tham tu tu", "gia mao tham tu",
	  "detective impersonation", "impersonation of a detective",
	  "impersonation of detective", "fake detective"}},
    [SDX_CAT_IMPERSONATE_BANK] = {"impersonation_bank",
				  "Giả danh ngân hàng",
				  {"gia danh ngan hang", "gia mao ngan hang",
				   "gia danh nhan vien ngan hang",
				   "bank impersonation",
				   "impersonation of a bank",
				   "impersonation of bank", "fake bank"}},
    [SDX_CAT_IMPERSONATE_OFFICIAL] =
	{"impersonation_official",
	 "Giả danh cơ quan nhà nước",
	 {"gia danh co quan nha nuoc", "gia danh can bo",
	  "gia danh co quan chuc nang", "gia mao co quan nha nuoc",
	  "official impersonation", "impersonation of an official",
	  "impersonation of official", "fake official"}},
    [SDX_CAT_INVESTMENT] = {"investment",
			    "Lừa đảo đầu tư",
			    {"lua dao dau tu", "dau tu", "dau tu tai chinh",
			     "investment scam", "investment fraud"}},
    [SDX_CAT_ROMANCE] = {"romance",
			 "Lừa đảo tình cảm",
			 {"lua dao tinh cam", "tinh cam", "hen ho",
			  "romance scam"}},
    [SDX_CAT_JOB] = {"job",
		     "Lừa đảo việc làm",
		     {"lua dao viec lam", "viec lam", "tuyen dung",
		      "viec nhe luong cao", "job scam", "task scam",
		      "employment scam"}},
    [SDX_CAT_LOAN] = {"loan",
		      "Lừa đảo cho vay",
		      {"lua dao cho vay", "cho vay", "vay tien", "vay online",
		       "loan scam"}},
    [SDX_CAT_SHOPPING] = {"shopping",
			  "Lừa đảo mua bán trực tuyến",
			  {"lua dao mua ban truc tuyen", "mua ban truc tuyen",
			   "mua ban", "mua hang online", "online shopping",
			   "shopping scam"}},
    [SDX_CAT_PHISHING] = {"phishing",
			  "Lừa đảo qua đường link giả mạo",
			  {"lua dao qua duong link gia mao",
			   "duong link gia mao", "link gia mao",
			   "website gia mao", "danh cap thong tin",
			   "phishing link"}},
    [SDX_CAT_MALWARE] = {"malware",
			 "Phần mềm độc hại",
			 {"phan mem doc hai", "ma doc", "ung dung gia mao",
			  "app gia mao", "fake app"}},
    [SDX_CAT_OTHER] = {"other", "Khác", {"khac", "hinh thuc khac"}},
};

static const struct term channels[SDX_CHAN_COUNT] = {
    [SDX_CHAN_NONE] = {"none", "Không rõ", {"unknown", "khong ro"}},
    [SDX_CHAN_CALL] = {"call",
		       "Cuộc gọi",
		       {"cuoc goi", "goi dien", "goi dien thoai", "dien thoai",
			"phone call", "phone", "voice call"}},
    [SDX_CHAN_SMS] = {"sms",
		      "Tin nhắn SMS",
		      {"tin nhan sms", "tin nhan", "text message", "text"}},
    [SDX_CHAN_ZALO] = {"zalo", "Zalo", {"zalo"}},
    [SDX_CHAN_VIBER] = {"viber", "Viber", {"viber"}},
    [SDX_CHAN_MESSENGER] = {"messenger",
			    "Messenger",
			    {"facebook messenger", "fb messenger"}},
    [SDX_CHAN_TELEGRAM] = {"telegram", "Telegram", {"telegram"}},
    [SDX_CHAN_FACEBOOK] = {"facebook",
			   "Facebook",
			   {"fb", "mang xa hoi facebook"}},
    [SDX_CHAN_EMAIL] = {"email",
			"Thư điện tử",
			{"thu dien tu", "e mail", "mail"}},
    [SDX_CHAN_WEB] = {"web",
		      "Trang web",
		      {"trang web", "website", "internet", "mang internet"}},
    [SDX_CHAN_IN_PERSON] = {"in_person",
			    "Trực tiếp",
			    {"truc tiep", "gap truc tiep", "gap mat",
			     "in person", "face to face"}},
    [SDX_CHAN_OTHER] = {"other", "Khác", {"khac"}},
};

static const struct term roles[SDX_ROLE_COUNT] = {
    [SDX_ROLE_NONE] = {"none", "Không rõ", {"unknown", "khong ro"}},
    [SDX_ROLE_CALLER] = {"caller",
			 "Số gọi đến",
			 {"so goi den", "so goi", "nguoi goi",
			  "so dien thoai"}},
    [SDX_ROLE_PAYEE] = {"payee",
			"Tài khoản nhận tiền",
			{"tai khoan nhan tien", "tai khoan nhan", "nguoi nhan",
			 "payee account"}},
    [SDX_ROLE_CHAT] = {"chat",
		       "Tài khoản nhắn tin",
		       {"tai khoan nhan tin", "tai khoan chat",
			"chat account"}},
    [SDX_ROLE_LINK] = {"link",
		       "Đường link",
		       {"duong link", "lien ket", "url", "duong dan"}},
    [SDX_ROLE_OTHER] = {"other", "Khác", {"khac"}},
};

static const struct term confirmations[SDX_CONF_COUNT] = {
    [SDX_CONF_REPORTED] = {"reported",
			   "Tin báo",
			   {"tin bao", "bao cao", "to giac", "chua xac minh",
			    "unconfirmed"}},
    [SDX_CONF_POLICE] = {"police",
			 "Công an đã xác minh",
			 {"cong an da xac minh", "cong an xac minh",
			  "cong an xac nhan", "da xac minh",
			  "confirmed by police", "police confirmed",
			  "confirmed"}},
    [SDX_CONF_COURT] = {"court",
			"Tòa án đã xác nhận",
			{"toa an da xac nhan", "toa an xac nhan", "toa an",
			 "ban an", "co ban an", "confirmed by a court",
			 "confirmed by court", "court confirmed"}},
};

#define AUD_COUNT 2
static const struct term audiences[AUD_COUNT] = {
    [SDX_AUD_BANK] = {"bank",
		      "Ngân hàng và công an",
		      {"ngan hang va cong an", "ngan hang", "banks",
		       "bank visible", "public", "cong khai"}},
    [SDX_AUD_POLICE] = {"police",
			"Chỉ công an",
			{"chi cong an", "cong an", "police only", "noi bo",
			 "internal"}},
};

static const char *term_name(const struct term *t, int n, int v)
{
	return v >= 0 && v < n ? t[v].name : "?";
}

static const char *term_label(const struct term *t, int n, int v)
{
	return v >= 0 && v < n ? t[v].label_vi : "?";
}

/* sdx_X_name and sdx_X_label_vi of each table: its machine name and its
 * Vietnamese display label, "?" out of range. */
#define TERM_LOOKUPS(x, table, count)                                          \
	const char *sdx_##x##_name(int x)                                      \
	{                                                                      \
		return term_name(table, count, x);                             \
	}                                                                      \
	const char *sdx_##x##_label_vi(int x)                                  \
	{                                                                      \
		return term_label(table, count, x);                            \
	}

TERM_LOOKUPS(category, categories, SDX_CAT_COUNT)
TERM_LOOKUPS(channel, channels, SDX_CHAN_COUNT)
TERM_LOOKUPS(role, roles, SDX_ROLE_COUNT)
TERM_LOOKUPS(confirmation, confirmations, SDX_CONF_COUNT)
TERM_LOOKUPS(audience, audiences, AUD_COUNT)

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **text, size_t *len)
{
	while (*len > 0 && is_space(**text)) {
		(*text)++;
		(*len)--;
	}
	while (*len > 0 && is_space((*text)[*len - 1]))
		(*len)--;
}

/* Folded machine names: '_' folds to ' ' like any punctuation. */
static int same_folded(const char *folded, const char *name)
{
	for (; *folded && *name; folded++, name++) {
		char c = *name == '_' ? ' ' : *name;
		if (*folded != c)
			return 0;
	}
	return *folded == *name;
}

/* Parse a term: a number in [min, n), a machine name or an alias. */
static int term_parse(const struct term *t, int n, int min, const char *text,
		      size_t len, int *out)
{
	char folded[FOLD_MAX];

	if (!text || !out)
		return SDX_EINVAL;
	trim(&text, &len);
	if (len == 0 || len >= FOLD_MAX)
		return SDX_EINVAL;
	if (len <= 3 && text[0] >= '0' && text[0] <= '9') {
		int v = 0;
		for (size_t i = 0; i < len; i++) {
			if (text[i] < '0' || text[i] > '9')
				return SDX_EINVAL;
			v = v * 10 + (text[i] - '0');
		}
		if (v < min || v >= n)
			return SDX_EINVAL;
		*out = v;
		return 0;
	}
	if (sdx_fold(text, len, folded, sizeof folded) != 0 || !folded[0])
		return SDX_EINVAL;
	for (int v = min; v < n; v++) {
		if (same_folded(folded, t[v].name)) {
			*out = v;
			return 0;
		}
		for (int a = 0; a < ALIASES_MAX && t[v].aliases[a]; a++) {
			if (strcmp(folded, t[v].aliases[a]) == 0) {
				*out = v;
				return 0;
			}
		}
	}
	return SDX_EINVAL;
}

int sdx_category_parse(const char *text, size_t len, int *out)
{
	return term_parse(categories, SDX_CAT_COUNT, 0, text, len, out);
}

int sdx_channel_parse(const char *text, size_t len, int *out)
{
	return term_parse(channels, SDX_CHAN_COUNT, 0, text, len, out);
}

int sdx_role_parse(const char *text, size_t len, int *out)
{
	return term_parse(roles, SDX_ROLE_COUNT, 0, text, len, out);
}

int sdx_confirmation_parse(const char *text, size_t len, int *out)
{
	return term_parse(confirmations, SDX_CONF_COUNT, 0, text, len, out);
}

int sdx_audience_parse(const char *text, size_t len, int *out)
{
	return term_parse(audiences, AUD_COUNT, 0, text, len, out);
}

/* ---- dates ---- */

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30,
				  31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Read 1..max digits at *p; returns the count read (0 if none). */
static size_t digits(const char *s, size_t len, size_t max, int *v)
{
	size_t i = 0;
	*v = 0;
	while (i < len && i < max && s[i] >= '0' && s[i] <= '9') {
		*v = *v * 10 + (s[i] - '0');
		i++;
	}
	return i;
}

int sdx_date_parse(const char *text, size_t len, int32_t *days)
{
	int y, m, d;
	size_t n, pos;

	if (!text || !days)
		return SDX_EINVAL;
	trim(&text, &len);
	n = digits(text, len, 4, &y);
	if (n == 4 && len > 4 && text[4] == '-') {
		/* YYYY-MM-DD[Thh:mm...] */
		if (len < 10 || digits(text + 5, 2, 2, &m) != 2 ||
		    text[7] != '-' || digits(text + 8, 2, 2, &d) != 2)
			return SDX_EINVAL;
		if (len > 10 && text[10] != 'T' && text[10] != 't' &&
		    text[10] != ' ')
			return SDX_EINVAL;
	} else if (n >= 1 && n <= 2 && n < len &&
		   (text[n] == '/' || text[n] == '-')) {
		/* D/M/YYYY, DD/MM/YYYY, DD-MM-YYYY: same separator twice */
		char sep = text[n];
		d = y;
		pos = n + 1;
		n = digits(text + pos, len - pos, 2, &m);
		if (n == 0)
			return SDX_EINVAL;
		pos += n;
		if (pos >= len || text[pos] != sep)
			return SDX_EINVAL;
		pos++;
		if (digits(text + pos, len - pos, 4, &y) != 4)
			return SDX_EINVAL;
		/* a time may follow: "03/12/2026 14:30" */
		pos += 4;
		if (pos != len &&
		    (pos + 1 >= len || (text[pos] != ' ' && text[pos] != 'T') ||
		     text[pos + 1] < '0' || text[pos + 1] > '9'))
			return SDX_EINVAL;
	} else {
		return SDX_EINVAL;
	}
	if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1 ||
	    d > month_days(y, m))
		return SDX_EINVAL;
	*days = days_from_civil(y, m, d);
	return 0;
}

void sdx_date_format(int32_t days, char buf[11])
{
	int y, m, d;

	if (days == SDX_DATE_NONE) {
		buf[0] = '\0';
		return;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		buf[0] = '\0';
		return;
	}
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

int32_t sdx_date_today(void)
{
	const char *env = getenv("SCAMDEX_TODAY");
	int32_t days;

	if (env && *env && sdx_date_parse(env, strlen(env), &days) == 0)
		return days;
	return (int32_t)(time(NULL) / 86400);
}

/* ---- amounts ---- */

#define AMOUNT_MAX 1000000000000000LL /* 10^15 VND */

/* Strip a currency suffix (case-insensitive for the ASCII ones). */
static void strip_currency(const char *text, size_t *len)
{
	static const char *const suffixes[] = {
	    "vnd", "vnđ", "vnĐ", "đồng", "Đồng", "dong", "đ", "Đ", "₫", "d",
	};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t n = strlen(suffixes[i]);
		if (*len < n)
			continue;
		const char *t = text + *len - n;
		size_t k = 0;
		for (; k < n; k++) {
			char c = t[k];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != suffixes[i][k])
				break;
		}
		if (k == n) {
			*len -= n;
			return;
		}
	}
}

/* The unit word that ends text[0..len) ("tỷ", "triệu", "tr", "nghìn",
 * "k"...): its value, and *len cut before it; 0 if none. ASCII letters
 * in any case. */
static int64_t unit_suffix(const char *text, size_t *len)
{
	static const struct {
		const char *word;
		int64_t value;
	} units[] = {
	    {"tỷ", 1000000000}, {"tỉ", 1000000000}, {"ty", 1000000000},
	    {"ti", 1000000000}, {"triệu", 1000000}, {"trieu", 1000000},
	    {"tr", 1000000},	{"nghìn", 1000},    {"ngàn", 1000},
	    {"nghin", 1000},	{"ngan", 1000},	    {"k", 1000},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t n = strlen(units[i].word);
		if (*len <= n)
			continue;
		const char *t = text + *len - n;
		size_t k = 0;
		for (; k < n; k++) {
			char c = t[k];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != units[i].word[k])
				break;
		}
		/* the word stands alone: a digit or a space before it */
		char before = t[-1];
		if (k == n &&
		    ((before >= '0' && before <= '9') || is_space(before))) {
			*len -= n;
			return units[i].value;
		}
	}
	return 0;
}

/* A number before a unit: whole ("2", "500", "1.500") or with a decimal
 * part of one or two digits after ',' or '.' ("1,5", "2.25"): times unit,
 * into *out (whole VND). */
static int unit_number(const char *s, size_t len, int64_t unit, int64_t *out)
{
	int64_t whole = 0, frac = 0, scale = 1;
	size_t i = 0, fd = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9' && i < 7)
		whole = whole * 10 + (s[i++] - '0');
	if (i == 0)
		return SDX_EINVAL;
	if (i < len && (s[i] == ',' || s[i] == '.')) {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9' && fd < 3) {
			frac = frac * 10 + (s[i++] - '0');
			fd++;
			scale *= 10;
		}
		if (fd == 0 || fd > 2)
			return SDX_EINVAL;
	}
	if (i != len)
		return SDX_EINVAL;
	*out = whole * unit + frac * (unit / scale);
	return 0;
}

/* "2 triệu", "2tr", "1,5 tỷ", "500k", "2 tỷ 500 triệu": numbers each
 * followed by a unit, the units decreasing. */
static int amount_words(const char *text, size_t len, int64_t *vnd)
{
	int64_t total = 0, last_unit = INT64_MAX;
	/* from the end: "2 tỷ 500 triệu" is [2 tỷ][500 triệu] */
	size_t end = len;
	while (end > 0) {
		size_t l = end;
		int64_t unit = unit_suffix(text, &l);
		if (unit == 0)
			return SDX_EINVAL;
		while (l > 0 && is_space(text[l - 1]))
			l--;
		size_t start = l;
		while (start > 0 &&
		       ((text[start - 1] >= '0' && text[start - 1] <= '9') ||
			text[start - 1] == ',' || text[start - 1] == '.'))
			start--;
		int64_t part;
		if (start == l ||
		    unit_number(text + start, l - start, unit, &part) != 0)
			return SDX_EINVAL;
		if (unit <= 0 || (last_unit != INT64_MAX && unit <= last_unit))
			return SDX_EINVAL; /* "500 triệu 2 tỷ" */
		last_unit = unit;
		total += part;
		if (total > AMOUNT_MAX)
			return SDX_EINVAL;
		end = start;
		while (end > 0 && is_space(text[end - 1]))
			end--;
	}
	*vnd = total;
	return 0;
}

int sdx_amount_parse(const char *text, size_t len, int64_t *vnd)
{
	int64_t v = 0;
	char sep = 0;
	size_t group = 0, ndigits = 0;
	int grouped = 0;

	if (!text || !vnd)
		return SDX_EINVAL;
	trim(&text, &len);
	strip_currency(text, &len);
	trim(&text, &len);
	if (len == 0)
		return SDX_EINVAL;
	{
		size_t l = len;
		if (unit_suffix(text, &l) != 0)
			return amount_words(text, len, vnd);
	}
	/* Digits in groups of three after the first, separated by one kind of
	 * separator ('.', ',' or a space): a decimal part is refused, as
	 * 5.5 or 1,50 cannot be told from a mistyped thousands group. */
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c >= '0' && c <= '9') {
			v = v * 10 + (c - '0');
			if (v > AMOUNT_MAX)
				return SDX_EINVAL;
			group++;
			ndigits++;
			continue;
		}
		if (c != '.' && c != ',' && c != ' ')
			return SDX_EINVAL;
		if (sep && c != sep)
			return SDX_EINVAL;
		if (group == 0 || group > 3 || (grouped && group != 3))
			return SDX_EINVAL;
		sep = c;
		grouped = 1;
		group = 0;
	}
	if (ndigits == 0 || (grouped && group != 3))
		return SDX_EINVAL;
	*vnd = v;
	return 0;
}

const char *sdx_channel_platform(int channel)
{
	switch (channel) {
	case SDX_CHAN_ZALO:
		return "zalo";
	case SDX_CHAN_VIBER:
		return "viber";
	case SDX_CHAN_TELEGRAM:
		return "telegram";
	case SDX_CHAN_MESSENGER:
	case SDX_CHAN_FACEBOOK:
		return "facebook";
	default:
		return NULL;
	}
}

int sdx_handle_is_number(const char *h, size_t len)
{
	size_t i = 1, d = 0;
	if (len < 2 || h[0] != '@')
		return 0;
	if (h[1] == '+')
		i++;
	for (; i < len; i++, d++)
		if (h[i] < '0' || h[i] > '9')
			return 0;
	return d >= 8;
}
