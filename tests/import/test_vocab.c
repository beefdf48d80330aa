/* test_vocab.c: the numbered tables, their names and labels, dates and
 * amounts (vocab.h). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scamdex/vocab.h>

static int cat(const char *s)
{
	int v = -1;
	int rc = sdx_category_parse(s, strlen(s), &v);
	return rc ? rc : v;
}

static int chan(const char *s)
{
	int v = -1;
	int rc = sdx_channel_parse(s, strlen(s), &v);
	return rc ? rc : v;
}

static int role(const char *s)
{
	int v = -1;
	int rc = sdx_role_parse(s, strlen(s), &v);
	return rc ? rc : v;
}

static int conf(const char *s)
{
	int v = -1;
	int rc = sdx_confirmation_parse(s, strlen(s), &v);
	return rc ? rc : v;
}

static int aud(const char *s)
{
	int v = -1;
	int rc = sdx_audience_parse(s, strlen(s), &v);
	return rc ? rc : v;
}

static int32_t date(const char *s)
{
	int32_t d = 12345;
	int rc = sdx_date_parse(s, strlen(s), &d);
	return rc ? rc : d;
}

static int64_t amount(const char *s)
{
	int64_t v = 777;
	int rc = sdx_amount_parse(s, strlen(s), &v);
	return rc ? rc : v;
}

Test(vocab, category_names)
{
	static const char *names[SDX_CAT_COUNT] = {"none",
						   "extortion",
						   "impersonation_police",
						   "impersonation_journalist",
						   "impersonation_detective",
						   "impersonation_bank",
						   "impersonation_official",
						   "investment",
						   "romance",
						   "job",
						   "loan",
						   "shopping",
						   "phishing",
						   "malware",
						   "other"};
	for (int i = 0; i < SDX_CAT_COUNT; i++) {
		char num[8];
		cr_assert_str_eq(sdx_category_name(i), names[i]);
		cr_assert_eq(cat(names[i]), i, "%s", names[i]);
		snprintf(num, sizeof num, "%d", i);
		cr_assert_eq(cat(num), i, "%s", num);
		/* the Vietnamese label parses back to its number */
		cr_assert_eq(cat(sdx_category_label_vi(i)), i, "%s",
			     sdx_category_label_vi(i));
	}
	cr_assert_str_eq(sdx_category_name(SDX_CAT_COUNT), "?");
	cr_assert_str_eq(sdx_category_name(-1), "?");
	cr_assert_str_eq(sdx_category_label_vi(99), "?");
	cr_assert_str_eq(sdx_category_label_vi(SDX_CAT_EXTORTION), "Tống tiền");
}

Test(vocab, category_labels)
{
	cr_assert_eq(cat("Tống tiền"), SDX_CAT_EXTORTION);
	cr_assert_eq(cat("tong tien"), SDX_CAT_EXTORTION);
	cr_assert_eq(cat("TỐNG TIỀN"), SDX_CAT_EXTORTION);
	cr_assert_eq(cat("  Extortion "), SDX_CAT_EXTORTION);
	cr_assert_eq(cat("1"), SDX_CAT_EXTORTION);
	cr_assert_eq(cat("deepfake"), SDX_CAT_EXTORTION);
	cr_assert_eq(cat("Impersonation Police"), SDX_CAT_IMPERSONATE_POLICE);
	cr_assert_eq(cat("Giả danh công an"), SDX_CAT_IMPERSONATE_POLICE);
	cr_assert_eq(cat("giả mạo công an"), SDX_CAT_IMPERSONATE_POLICE);
	cr_assert_eq(cat("Giả danh nhà báo"), SDX_CAT_IMPERSONATE_JOURNALIST);
	cr_assert_eq(cat("Giả danh thám tử"), SDX_CAT_IMPERSONATE_DETECTIVE);
	cr_assert_eq(cat("Giả danh ngân hàng"), SDX_CAT_IMPERSONATE_BANK);
	cr_assert_eq(cat("Giả danh cơ quan nhà nước"),
		     SDX_CAT_IMPERSONATE_OFFICIAL);
	cr_assert_eq(cat("Lừa đảo đầu tư"), SDX_CAT_INVESTMENT);
	cr_assert_eq(cat("Lừa đảo tình cảm"), SDX_CAT_ROMANCE);
	cr_assert_eq(cat("Tuyển dụng"), SDX_CAT_JOB);
	cr_assert_eq(cat("Lừa đảo việc làm"), SDX_CAT_JOB);
	cr_assert_eq(cat("Cho vay"), SDX_CAT_LOAN);
	cr_assert_eq(cat("Mua bán trực tuyến"), SDX_CAT_SHOPPING);
	cr_assert_eq(cat("Đường link giả mạo"), SDX_CAT_PHISHING);
	cr_assert_eq(cat("Phần mềm độc hại"), SDX_CAT_MALWARE);
	cr_assert_eq(cat("Khác"), SDX_CAT_OTHER);
	cr_assert_eq(cat("15"), SDX_EINVAL);
	cr_assert_eq(cat("-1"), SDX_EINVAL);
	cr_assert_eq(cat("1x"), SDX_EINVAL);
	cr_assert_eq(cat(""), SDX_EINVAL);
	cr_assert_eq(cat("   "), SDX_EINVAL);
	cr_assert_eq(cat("bogus"), SDX_EINVAL);
	cr_assert_eq(cat("tong"), SDX_EINVAL);
}

Test(vocab, channels)
{
	static const char *names[SDX_CHAN_COUNT] = {
	    "none",	"call",	    "sms",   "zalo", "viber",	  "messenger",
	    "telegram", "facebook", "email", "web",  "in_person", "other"};
	for (int i = 0; i < SDX_CHAN_COUNT; i++) {
		char num[8];
		cr_assert_str_eq(sdx_channel_name(i), names[i]);
		cr_assert_eq(chan(names[i]), i, "%s", names[i]);
		snprintf(num, sizeof num, "%d", i);
		cr_assert_eq(chan(num), i);
	}
	cr_assert_str_eq(sdx_channel_name(SDX_CHAN_COUNT), "?");
	cr_assert_eq(chan("Cuộc gọi"), SDX_CHAN_CALL);
	cr_assert_eq(chan("Gọi điện"), SDX_CHAN_CALL);
	cr_assert_eq(chan("phone call"), SDX_CHAN_CALL);
	cr_assert_eq(chan("Tin nhắn"), SDX_CHAN_SMS);
	cr_assert_eq(chan("SMS"), SDX_CHAN_SMS);
	cr_assert_eq(chan("ZALO"), SDX_CHAN_ZALO);
	cr_assert_eq(chan("Viber"), SDX_CHAN_VIBER);
	cr_assert_eq(chan("Facebook Messenger"), SDX_CHAN_MESSENGER);
	cr_assert_eq(chan("Telegram"), SDX_CHAN_TELEGRAM);
	cr_assert_eq(chan("Facebook"), SDX_CHAN_FACEBOOK);
	cr_assert_eq(chan("Thư điện tử"), SDX_CHAN_EMAIL);
	cr_assert_eq(chan("e-mail"), SDX_CHAN_EMAIL);
	cr_assert_eq(chan("Trang web"), SDX_CHAN_WEB);
	cr_assert_eq(chan("Trực tiếp"), SDX_CHAN_IN_PERSON);
	cr_assert_eq(chan("in person"), SDX_CHAN_IN_PERSON);
	cr_assert_eq(chan("In-Person"), SDX_CHAN_IN_PERSON);
	cr_assert_eq(chan("Khác"), SDX_CHAN_OTHER);
	cr_assert_eq(chan("12"), SDX_EINVAL);
	cr_assert_eq(chan("whatsapp"), SDX_EINVAL);
}

Test(vocab, roles_confirmation_audience)
{
	static const char *rnames[SDX_ROLE_COUNT] = {"none", "caller", "payee",
						     "chat", "link",   "other"};
	for (int i = 0; i < SDX_ROLE_COUNT; i++) {
		cr_assert_str_eq(sdx_role_name(i), rnames[i]);
		cr_assert_eq(role(rnames[i]), i);
	}
	cr_assert_str_eq(sdx_role_name(6), "?");
	cr_assert_eq(role("Số gọi đến"), SDX_ROLE_CALLER);
	cr_assert_eq(role("Tài khoản nhận tiền"), SDX_ROLE_PAYEE);
	cr_assert_eq(role("Đường link"), SDX_ROLE_LINK);

	cr_assert_str_eq(sdx_confirmation_name(0), "reported");
	cr_assert_str_eq(sdx_confirmation_name(1), "police");
	cr_assert_str_eq(sdx_confirmation_name(2), "court");
	cr_assert_str_eq(sdx_confirmation_name(3), "?");
	cr_assert_eq(conf("reported"), SDX_CONF_REPORTED);
	cr_assert_eq(conf("0"), SDX_CONF_REPORTED);
	cr_assert_eq(conf("Tin báo"), SDX_CONF_REPORTED);
	cr_assert_eq(conf("police"), SDX_CONF_POLICE);
	cr_assert_eq(conf("confirmed by police"), SDX_CONF_POLICE);
	cr_assert_eq(conf("Công an đã xác minh"), SDX_CONF_POLICE);
	cr_assert_eq(conf("2"), SDX_CONF_COURT);
	cr_assert_eq(conf("Tòa án"), SDX_CONF_COURT);
	cr_assert_eq(conf("confirmed by a court"), SDX_CONF_COURT);
	cr_assert_eq(conf("3"), SDX_EINVAL);

	cr_assert_str_eq(sdx_audience_name(0), "bank");
	cr_assert_str_eq(sdx_audience_name(1), "police");
	cr_assert_str_eq(sdx_audience_name(2), "?");
	cr_assert_eq(aud("bank"), SDX_AUD_BANK);
	cr_assert_eq(aud("Ngân hàng"), SDX_AUD_BANK);
	cr_assert_eq(aud("POLICE"), SDX_AUD_POLICE);
	cr_assert_eq(aud("Chỉ công an"), SDX_AUD_POLICE);
	cr_assert_eq(aud("police only"), SDX_AUD_POLICE);
	cr_assert_eq(aud("1"), SDX_AUD_POLICE);
	cr_assert_eq(aud("2"), SDX_EINVAL);
}

Test(vocab, dates)
{
	cr_assert_eq(date("1970-01-01"), 0);
	cr_assert_eq(date("1970-01-02"), 1);
	cr_assert_eq(date("2024-12-05"), 20062);
	cr_assert_eq(date("05/12/2024"), 20062);
	cr_assert_eq(date("5/12/2024"), 20062);
	cr_assert_eq(date("05-12-2024"), 20062);
	cr_assert_eq(date(" 2024-12-05T08:30:00+07:00 "), 20062);
	cr_assert_eq(date("2024-12-05 08:30"), 20062);
	/* leap years */
	cr_assert_eq(date("29/02/2024"), 19782);
	cr_assert_eq(date("2000-02-29"), 11016);
	cr_assert_eq(date("29/02/2023"), SDX_EINVAL);
	cr_assert_eq(date("1900-02-29"), SDX_EINVAL);
	cr_assert_eq(date("2100-02-29"), SDX_EINVAL);
	cr_assert_eq(date("31/02/2024"), SDX_EINVAL);
	cr_assert_eq(date("31/04/2024"), SDX_EINVAL);
	cr_assert_eq(date("00/01/2024"), SDX_EINVAL);
	cr_assert_eq(date("01/13/2024"), SDX_EINVAL);
	cr_assert_eq(date("2024-13-01"), SDX_EINVAL);
	cr_assert_eq(date("1969-12-31"), SDX_EINVAL);
	cr_assert_eq(date("2200-01-01"), SDX_EINVAL);
	cr_assert_eq(date("2199-12-31"), 84005);
	cr_assert_eq(date("05/12-2024"), SDX_EINVAL);
	cr_assert_eq(date("05/12/24"), SDX_EINVAL);
	cr_assert_eq(date("2024/12/05"), SDX_EINVAL);
	cr_assert_eq(date("2024-12-5"), SDX_EINVAL);
	cr_assert_eq(date("2024-12-05x"), SDX_EINVAL);
	cr_assert_eq(date(""), SDX_EINVAL);
	cr_assert_eq(date("hôm qua"), SDX_EINVAL);
}

Test(vocab, date_format)
{
	char buf[11];
	sdx_date_format(0, buf);
	cr_assert_str_eq(buf, "1970-01-01");
	sdx_date_format(20062, buf);
	cr_assert_str_eq(buf, "2024-12-05");
	sdx_date_format(19782, buf);
	cr_assert_str_eq(buf, "2024-02-29");
	sdx_date_format(SDX_DATE_NONE, buf);
	cr_assert_str_eq(buf, "");
	/* every day of 1970..2199 round-trips */
	for (int32_t d = 0; d <= 84005; d++) {
		int32_t back = -1;
		sdx_date_format(d, buf);
		cr_assert_eq(sdx_date_parse(buf, 10, &back), 0, "%s", buf);
		cr_assert_eq(back, d);
	}
}

Test(vocab, today)
{
	setenv("SCAMDEX_TODAY", "2026-11-28", 1);
	cr_assert_eq(sdx_date_today(), date("2026-11-28"));
	setenv("SCAMDEX_TODAY", "01/01/2025", 1);
	cr_assert_eq(sdx_date_today(), date("2025-01-01"));
	unsetenv("SCAMDEX_TODAY");
	cr_assert_gt(sdx_date_today(), date("2026-01-01"));
}

Test(vocab, amounts)
{
	cr_assert_eq(amount("5000000"), 5000000);
	cr_assert_eq(amount("5.000.000"), 5000000);
	cr_assert_eq(amount("5,000,000"), 5000000);
	cr_assert_eq(amount("5,000,000 VND"), 5000000);
	cr_assert_eq(amount("5.000.000 vnd"), 5000000);
	cr_assert_eq(amount("5.000.000đ"), 5000000);
	cr_assert_eq(amount("5.000.000 đ"), 5000000);
	cr_assert_eq(amount("5.000.000₫"), 5000000);
	cr_assert_eq(amount("5.000.000 VNĐ"), 5000000);
	cr_assert_eq(amount("5 000 000 đồng"), 5000000);
	cr_assert_eq(amount("250.000"), 250000);
	cr_assert_eq(amount("0"), 0);
	cr_assert_eq(amount(" 12 "), 12);
	cr_assert_eq(amount("1.000.000.000.000.000"), 1000000000000000LL);
	cr_assert_eq(amount("1.000.000.000.000.001"), SDX_EINVAL);
	cr_assert_eq(amount("99999999999999999999999"), SDX_EINVAL);
	cr_assert_eq(amount("-5.000.000"), SDX_EINVAL);
	cr_assert_eq(amount("-1"), SDX_EINVAL);
	cr_assert_eq(amount("5.5"), SDX_EINVAL);
	cr_assert_eq(amount("5.000,50"), SDX_EINVAL);
	cr_assert_eq(amount("5.000.000,00"), SDX_EINVAL);
	cr_assert_eq(amount("5.000,000"), SDX_EINVAL);
	cr_assert_eq(amount("5..000"), SDX_EINVAL);
	cr_assert_eq(amount(".500"), SDX_EINVAL);
	cr_assert_eq(amount("5000.000"), SDX_EINVAL);
	cr_assert_eq(amount("5.000."), SDX_EINVAL);
	cr_assert_eq(amount("VND"), SDX_EINVAL);
	cr_assert_eq(amount(""), SDX_EINVAL);
	cr_assert_eq(amount("năm triệu"), SDX_EINVAL);
	cr_assert_eq(amount("5e6"), SDX_EINVAL);
}

/* Amounts as people write them in a spreadsheet: a number and a unit. */
Test(vocab, amounts_in_words)
{
	cr_assert_eq(amount("2 triệu"), 2000000);
	cr_assert_eq(amount("2 Triệu đồng"), 2000000);
	cr_assert_eq(amount("2 trieu"), 2000000);
	cr_assert_eq(amount("2tr"), 2000000);
	cr_assert_eq(amount("2TR"), 2000000);
	cr_assert_eq(amount("1,5 tỷ"), 1500000000);
	cr_assert_eq(amount("1.5 tỷ"), 1500000000);
	cr_assert_eq(amount("1,25 tỉ"), 1250000000);
	cr_assert_eq(amount("3 ty"), 3000000000LL);
	cr_assert_eq(amount("500k"), 500000);
	cr_assert_eq(amount("500K"), 500000);
	cr_assert_eq(amount("500 nghìn"), 500000);
	cr_assert_eq(amount("500 ngàn đ"), 500000);
	cr_assert_eq(amount("2 tỷ 500 triệu"), 2500000000LL);
	cr_assert_eq(amount("1 triệu 200 nghìn"), 1200000);
	cr_assert_eq(amount("1000000 tỷ"), 1000000000000000LL);
	/* refused: a unit alone, three decimals (1,555 tỷ is not clear),
	 * units out of order, a word for the number, a unit glued to text */
	cr_assert_eq(amount("triệu"), SDX_EINVAL);
	cr_assert_eq(amount("1,555 tỷ"), SDX_EINVAL);
	cr_assert_eq(amount("500 triệu 2 tỷ"), SDX_EINVAL);
	cr_assert_eq(amount("2 triệu 2 triệu"), SDX_EINVAL);
	cr_assert_eq(amount("hai triệu"), SDX_EINVAL);
	cr_assert_eq(amount("2 triệu 500"), SDX_EINVAL);
	cr_assert_eq(amount("-2 triệu"), SDX_EINVAL);
	cr_assert_eq(amount("1,5,5 tỷ"), SDX_EINVAL);
	cr_assert_eq(amount("1000001 tỷ"), SDX_EINVAL);
}

/* A date with a time after DD/MM/YYYY, as spreadsheets export it. */
Test(vocab, dates_with_time)
{
	cr_assert_eq(date("05/12/2024 14:30"), 20062);
	cr_assert_eq(date("05/12/2024 14:30:00"), 20062);
	cr_assert_eq(date("5/12/2024T08:00"), 20062);
	cr_assert_eq(date("2024-12-05T14:30:00"), 20062);
	cr_assert_eq(date("05/12/2024x"), SDX_EINVAL);
	cr_assert_eq(date("05/12/2024 "), 20062); /* trimmed */
	cr_assert_eq(date("05/12/2024 pm"), SDX_EINVAL);
}

/* The Vietnamese labels text output shows (scamdex --lang vi). */
Test(vocab, vietnamese_labels)
{
	cr_assert_str_eq(sdx_channel_label_vi(SDX_CHAN_ZALO), "Zalo");
	cr_assert_str_eq(sdx_confirmation_label_vi(SDX_CONF_POLICE),
			 "Công an đã xác minh");
	cr_assert_str_eq(sdx_audience_label_vi(SDX_AUD_POLICE), "Chỉ công an");
	cr_assert_str_eq(sdx_role_label_vi(SDX_ROLE_CALLER), "Số gọi đến");
	cr_assert_str_eq(sdx_channel_label_vi(-1), "?");
	cr_assert_str_eq(sdx_role_label_vi(99), "?");
}
