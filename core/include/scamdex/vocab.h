/* scamdex/vocab.h: the stable numbered tables (categories, channels,
 * roles, confirmation levels, audiences) and the date and amount forms
 * agencies write. The numbers are stored on disk and sent in bundles:
 * never renumber, only append. */
#ifndef SCAMDEX_VOCAB_H
#define SCAMDEX_VOCAB_H

#include <stddef.h>
#include <stdint.h>
#include <scamdex/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sdx_category {
	SDX_CAT_NONE = 0,
	SDX_CAT_EXTORTION = 1, /* extortion, incl. deepfake material */
	SDX_CAT_IMPERSONATE_POLICE = 2,
	SDX_CAT_IMPERSONATE_JOURNALIST = 3,
	SDX_CAT_IMPERSONATE_DETECTIVE = 4,
	SDX_CAT_IMPERSONATE_BANK = 5,
	SDX_CAT_IMPERSONATE_OFFICIAL = 6,
	SDX_CAT_INVESTMENT = 7,
	SDX_CAT_ROMANCE = 8,
	SDX_CAT_JOB = 9,
	SDX_CAT_LOAN = 10,
	SDX_CAT_SHOPPING = 11,
	SDX_CAT_PHISHING = 12,
	SDX_CAT_MALWARE = 13,
	SDX_CAT_OTHER = 14,
} sdx_category;
#define SDX_CAT_COUNT 15 /* including NONE */

typedef enum sdx_channel {
	SDX_CHAN_NONE = 0,
	SDX_CHAN_CALL = 1,
	SDX_CHAN_SMS = 2,
	SDX_CHAN_ZALO = 3,
	SDX_CHAN_VIBER = 4,
	SDX_CHAN_MESSENGER = 5,
	SDX_CHAN_TELEGRAM = 6,
	SDX_CHAN_FACEBOOK = 7,
	SDX_CHAN_EMAIL = 8,
	SDX_CHAN_WEB = 9,
	SDX_CHAN_IN_PERSON = 10,
	SDX_CHAN_OTHER = 11,
} sdx_channel;
#define SDX_CHAN_COUNT 12

typedef enum sdx_role {
	SDX_ROLE_NONE = 0,
	SDX_ROLE_CALLER = 1, /* the number that called or texted */
	SDX_ROLE_PAYEE = 2,  /* the account money was demanded to */
	SDX_ROLE_CHAT = 3,   /* the chat account that wrote */
	SDX_ROLE_LINK = 4,   /* a link or site that was sent */
	SDX_ROLE_OTHER = 5,
} sdx_role;
#define SDX_ROLE_COUNT 6

typedef enum sdx_confirmation {
	SDX_CONF_REPORTED = 0,
	SDX_CONF_POLICE = 1, /* confirmed by police */
	SDX_CONF_COURT = 2,  /* confirmed by a court */
} sdx_confirmation;
#define SDX_CONF_COUNT 3

typedef enum sdx_audience {
	SDX_AUD_BANK = 0,   /* visible to banks and police */
	SDX_AUD_POLICE = 1, /* police only */
} sdx_audience;

/* Stable machine names: "extortion", "impersonation_police",
 * "impersonation_journalist", "impersonation_detective",
 * "impersonation_bank", "impersonation_official", "investment", "romance",
 * "job", "loan", "shopping", "phishing", "malware", "other"; channels
 * "call", "sms", "zalo", "viber", "messenger", "telegram", "facebook",
 * "email", "web", "in_person", "other"; roles "caller", "payee", "chat",
 * "link", "other"; confirmation "reported", "police", "court"; audience
 * "bank", "police". The NONE value (0) of categories, channels and roles
 * is "none" (and parses back). Out-of-range values give "?". Static
 * strings. sdx_category_label_vi gives the Vietnamese display label
 * ("Tống tiền", "Giả danh công an"...; "Không rõ" for NONE). */
SDX_API const char *sdx_category_name(int category);
SDX_API const char *sdx_category_label_vi(int category); /* Vietnamese */
SDX_API const char *sdx_channel_name(int channel);
SDX_API const char *sdx_role_name(int role);
SDX_API const char *sdx_confirmation_name(int confirmation);
SDX_API const char *sdx_audience_name(int audience);
/* The Vietnamese display labels of the other vocabularies ("Cuộc gọi",
 * "Công an đã xác minh", "Số gọi đến", "Chỉ công an"); "?" when out of
 * range. */
SDX_API const char *sdx_channel_label_vi(int channel);
SDX_API const char *sdx_role_label_vi(int role);
SDX_API const char *sdx_confirmation_label_vi(int confirmation);
SDX_API const char *sdx_audience_label_vi(int audience);

/* The chat platform a channel is ("zalo", "viber", "telegram", "facebook"
 * for messenger and facebook), or NULL: a bare name given without its
 * platform in a report of that channel is that platform's. */
SDX_API const char *sdx_channel_platform(int channel);
/* Is a handle written "@" and a phone number's digits ("@0933111222",
 * "@+84933111222")? No Telegram name (those start with a letter): the
 * account of that number on the report's channel's platform. */
SDX_API int sdx_handle_is_number(const char *h, size_t len);

/* Parse by number, machine name, or a documented English or Vietnamese
 * label (case and diacritics ignored: "Tống tiền", "tong tien",
 * "extortion", "1" are all SDX_CAT_EXTORTION). SDX_EINVAL if unknown.
 * The labels are listed in scamdex-import(1). Leading and trailing
 * spaces are ignored; input longer than 127 bytes is SDX_EINVAL. */
SDX_API int sdx_category_parse(const char *text, size_t len, int *out);
SDX_API int sdx_channel_parse(const char *text, size_t len, int *out);
SDX_API int sdx_role_parse(const char *text, size_t len, int *out);
SDX_API int sdx_confirmation_parse(const char *text, size_t len, int *out);
SDX_API int sdx_audience_parse(const char *text, size_t len, int *out);

/* Dates are int32 days since 1970-01-01 (UTC). */
#define SDX_DATE_NONE INT32_MIN

/* Parse "YYYY-MM-DD", "DD/MM/YYYY", "D/M/YYYY" or "DD-MM-YYYY", each
 * optionally followed by 'T' or a space and a time, which is ignored
 * ("2026-12-03T14:30:00", "03/12/2026 14:30"). Rejects impossible dates
 * (31/02/2024) and years outside 1970..2199 with SDX_EINVAL. */
SDX_API int sdx_date_parse(const char *text, size_t len, int32_t *days);

/* Write "YYYY-MM-DD" and a NUL to buf (11 bytes). SDX_DATE_NONE -> "". */
SDX_API void sdx_date_format(int32_t days, char buf[11]);

/* Today's date (UTC), or $SCAMDEX_TODAY (YYYY-MM-DD) when set, so that
 * tests and demos are reproducible. */
SDX_API int32_t sdx_date_today(void);

/* Parse an amount in VND: "5000000", "5.000.000", "5,000,000",
 * "5.000.000 VND", "5.000.000đ", "5 000 000 đồng", or in words as people
 * write them: a number and a unit, tỷ/tỉ (10^9), triệu/tr (10^6),
 * nghìn/ngàn/k (10^3), with at most two decimals after ',' or '.'
 * ("2 triệu", "2tr", "1,5 tỷ", "500k", "2 tỷ 500 triệu"; diacritics may
 * be left out). Negative, fractional or absurd (> 10^15) amounts are
 * SDX_EINVAL. */
SDX_API int sdx_amount_parse(const char *text, size_t len, int64_t *vnd);

#ifdef __cplusplus
}
#endif

#endif /* SCAMDEX_VOCAB_H */
