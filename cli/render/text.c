/* text.c: what scamdex shows on a terminal, in English or Vietnamese:
 * the language (--lang, else the locale), the words of a verdict, and
 * identifiers as people read them (a bank account by its bank's name).
 * Machine output (--json, --csv) never comes here: its keys and values
 * stay English and stable. */
#include <stdlib.h>
#include <string.h>

#include "render.h"

static int lang = RENDER_EN;

int render_lang_set(const char *opt)
{
	const char *env = NULL;
	if (opt) {
		if (!strcmp(opt, "vi"))
			lang = RENDER_VI;
		else if (!strcmp(opt, "en"))
			lang = RENDER_EN;
		else
			return -1;
		return 0;
	}
	/* the first of these that is set decides, as for gettext */
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < 3 && !env; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			env = v;
	}
	lang = env && !strncmp(env, "vi", 2) ? RENDER_VI : RENDER_EN;
	return 0;
}

int render_lang(void)
{
	return lang;
}

#define VI (lang == RENDER_VI)

const char *render_kind_label(sdx_kind kind)
{
	if (!VI)
		return sdx_kind_name(kind);
	switch (kind) {
	case SDX_KIND_PHONE:
		return "số điện thoại";
	case SDX_KIND_BANK:
		return "tài khoản ngân hàng";
	case SDX_KIND_ACCOUNT:
		return "số tài khoản";
	case SDX_KIND_IBAN:
		return "IBAN";
	case SDX_KIND_HANDLE:
		return "tài khoản mạng";
	case SDX_KIND_DOMAIN:
		return "tên miền";
	default:
		return sdx_kind_name(kind);
	}
}

const char *render_category_label(int category)
{
	return VI ? sdx_category_label_vi(category)
		  : sdx_category_name(category);
}

const char *render_channel_label(int channel)
{
	return VI ? sdx_channel_label_vi(channel) : sdx_channel_name(channel);
}

const char *render_role_label(int role)
{
	return VI ? sdx_role_label_vi(role) : sdx_role_name(role);
}

const char *render_confirmation_label(int confirmation)
{
	return VI ? sdx_confirmation_label_vi(confirmation)
		  : sdx_confirmation_name(confirmation);
}

const char *render_audience_label(int audience)
{
	return VI ? sdx_audience_label_vi(audience)
		  : sdx_audience_name(audience);
}

const char *render_tr(const char *en, const char *vi)
{
	return VI ? vi : en;
}

void render_identifier_text(struct cli_buf *b, sdx_kind kind,
			    const char *canonical)
{
	/* "970436:0011004012345" -> "Vietcombank 0011004012345" */
	const char *colon = strchr(canonical, ':');
	if (kind == SDX_KIND_BANK && colon && colon - canonical == 6) {
		char bin[7];
		memcpy(bin, canonical, 6);
		bin[6] = '\0';
		const sdx_bank_info *bank = sdx_bank_by_bin(bin);
		if (bank && bank->short_name && bank->short_name[0]) {
			cli_buf_puts(b, bank->short_name);
			cli_buf_putc(b, ' ');
			cli_buf_puts(b, colon + 1);
			return;
		}
	}
	cli_buf_puts(b, canonical);
}

/* "N report(s)" / "N tin báo" */
static void count(struct cli_buf *b, uint32_t n, const char *one,
		  const char *many, const char *vi)
{
	cli_buf_putu(b, n);
	cli_buf_putc(b, ' ');
	cli_buf_puts(b, VI ? vi : n == 1 ? one : many);
}

/* The verdict word, padded to a column of 10 characters (12 in
 * Vietnamese; characters, not bytes). */
void render_verdict_word(struct cli_buf *b, const char *word,
			 enum cli_color_code color)
{
	size_t chars = 0;
	for (const char *p = word; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	cli_buf_puts(b, cli_c(color));
	cli_buf_puts(b, word);
	cli_buf_puts(b, cli_reset());
	size_t width = VI ? 12 : 10;
	for (size_t i = chars; i < width || i == chars; i++)
		cli_buf_putc(b, ' ');
}

/* " (not counting 1 retracted)" */
static void retracted_aside(struct cli_buf *b, uint32_t n)
{
	if (!n)
		return;
	cli_buf_puts(b, VI ? " (không tính " : " (not counting ");
	cli_buf_putu(b, n);
	cli_buf_puts(b, VI ? " tin đã rút lại)" : " retracted)");
}

static void categories_text(struct cli_buf *b, uint32_t bits)
{
	int first = 1;
	for (int i = 1; i < SDX_CAT_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (!first)
			cli_buf_puts(b, ", ");
		first = 0;
		cli_buf_puts(b, render_category_label(i));
	}
}

static const char *grade_label(int grade)
{
	static const char *const en[] = {"none", "low", "medium", "high",
					 "very high"};
	static const char *const vi[] = {"không", "thấp", "trung bình", "cao",
					 "rất cao"};
	if (grade < 0 || grade > 4)
		return "?";
	return VI ? vi[grade] : en[grade];
}

void render_check_text(struct cli_buf *b, const sdx_check_result *r)
{
	static const char *const en[] = {"UNKNOWN", "REPORTED", "OFFICIAL",
					 "RETRACTED"};
	static const char *const vi[] = {"CHƯA CÓ", "CÓ TIN BÁO", "CHÍNH THỨC",
					 "ĐÃ RÚT"};
	static const enum cli_color_code colors[] = {CLI_DIM, CLI_RED,
						     CLI_GREEN, CLI_YELLOW};
	unsigned v = (unsigned)r->verdict < 4 ? (unsigned)r->verdict : 0;
	render_verdict_word(b, VI ? vi[v] : en[v], colors[v]);
	cli_buf_puts(b, cli_c(CLI_BOLD));
	render_identifier_text(b, r->kind, r->canonical);
	cli_buf_puts(b, cli_reset());
	cli_buf_puts(b, "  ");
	cli_buf_puts(b, render_kind_label(r->kind));
	if (r->kind == SDX_KIND_ACCOUNT && r->banks) {
		cli_buf_puts(b, VI ? "  ở " : "  at ");
		count(b, r->banks, "bank", "banks", "ngân hàng");
	}
	if (r->verdict == SDX_VERDICT_UNKNOWN) {
		cli_buf_puts(b, VI ? "  chưa ai báo\n" : "  not reported\n");
		return;
	}
	if (r->verdict == SDX_VERDICT_OFFICIAL) {
		cli_buf_puts(b,
			     VI ? "  số chính thức" : "  official identifier");
		if (r->reports + r->retracted == 0) {
			cli_buf_putc(b, '\n');
			return;
		}
		cli_buf_puts(b, "; ");
		count(b, r->reports, "report", "reports", "tin báo");
		retracted_aside(b, r->retracted);
		cli_buf_puts(b, VI ? " nêu số này: có thể bị giả mạo\n"
				: r->reports == 1
				    ? " names it: possible spoofing\n"
				    : " name it: possible spoofing\n");
		return;
	}
	if (r->verdict == SDX_VERDICT_RETRACTED) {
		cli_buf_puts(b, VI ? "  không còn tin báo nào ("
				   : "  no active report (");
		cli_buf_putu(b, r->retracted);
		cli_buf_puts(b, VI ? " tin đã rút lại)\n" : " retracted)\n");
		return;
	}
	cli_buf_puts(b, VI ? "  mức rủi ro " : "  grade ");
	cli_buf_puts(b, grade_label(r->grade));
	cli_buf_puts(b, "  ");
	count(b, r->reports, "report", "reports", "tin báo");
	cli_buf_puts(b, VI ? " từ " : " by ");
	count(b, r->agencies, "agency", "agencies", "đơn vị");
	retracted_aside(b, r->retracted);
	if (r->categories & ~1u) {
		cli_buf_puts(b, "  ");
		categories_text(b, r->categories);
	}
	if (r->confirmation == SDX_CONF_POLICE)
		cli_buf_puts(b, VI ? "  công an đã xác minh"
				   : "  confirmed by police");
	else if (r->confirmation == SDX_CONF_COURT)
		cli_buf_puts(b, VI ? "  tòa án đã xác nhận"
				   : "  confirmed by a court");
	if (r->disputed) {
		cli_buf_puts(b, "  ");
		cli_buf_putu(b, r->disputed);
		cli_buf_puts(b, VI ? " bị khiếu nại" : " disputed");
	}
	if (r->first_seen != SDX_DATE_NONE) {
		cli_buf_puts(b, VI ? "  lần đầu " : "  first ");
		render_date(b, r->first_seen, 0);
	}
	if (r->last_seen != SDX_DATE_NONE) {
		cli_buf_puts(b, VI ? "  lần cuối " : "  last ");
		render_date(b, r->last_seen, 0);
	}
	/* the windows in words: "4 in the last 3 days, 8 in 30 days, 14 in
	 * 6 months" */
	cli_buf_puts(b, "  ");
	cli_buf_putu(b, r->last_3d);
	cli_buf_puts(b, VI ? " trong 3 ngày qua, " : " in the last 3 days, ");
	cli_buf_putu(b, r->last_30d);
	cli_buf_puts(b, VI ? " trong 30 ngày, " : " in 30 days, ");
	cli_buf_putu(b, r->last_6m);
	cli_buf_puts(b, VI ? " trong 6 tháng\n" : " in 6 months\n");
}

void render_interp_text(struct cli_buf *b, const sdx_interp *it)
{
	render_check_text(b, &it->result);
	if (it->via[0]) {
		b->len--; /* before the newline */
		cli_buf_puts(b, VI ? "  qua " : "  via ");
		render_identifier_text(b, SDX_KIND_DOMAIN, it->via);
		cli_buf_putc(b, '\n');
	}
}
