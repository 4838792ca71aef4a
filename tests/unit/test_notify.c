/* Tests of src/notify: SMS parts and encodings, rendering, ASCII folding, backoff, masks. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/text.h"
#include "notify/notify.h"

static int parts(const char *text, enum notify_encoding want_enc)
{
	enum notify_encoding enc;
	int n = notify_sms_parts(text, &enc);

	cr_expect_eq(enc, want_enc, "encoding of \"%.40s…\" is %s", text,
		     notify_encoding_name(enc));
	return n;
}

static char *repeat(const char *s, int n)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < n; i++)
		strbuf_addstr(&sb, s);
	return strbuf_detach(&sb, NULL);
}

Test(notify, gsm7_parts)
{
	char *t160 = repeat("a", 160), *t161 = repeat("a", 161), *t306 = repeat("a", 306);
	char *t307 = repeat("a", 307);

	cr_expect_eq(parts("", NOTIFY_GSM7), 1);
	cr_expect_eq(parts("Ho so 000.00.07.H47-210115-0001 da duoc tiep nhan", NOTIFY_GSM7), 1);
	cr_expect_eq(parts(t160, NOTIFY_GSM7), 1);
	cr_expect_eq(parts(t161, NOTIFY_GSM7), 2);
	cr_expect_eq(parts(t306, NOTIFY_GSM7), 2);
	cr_expect_eq(parts(t307, NOTIFY_GSM7), 3);
	/* Latin-1 letters of the GSM alphabet stay GSM-7. */
	cr_expect_eq(parts("café à Zürich, £5 ¿ñ?", NOTIFY_GSM7), 1);
	free(t160);
	free(t161);
	free(t306);
	free(t307);
}

Test(notify, gsm7_extension_counts_two)
{
	char *t = repeat("a", 150);
	struct strbuf sb = STRBUF_INIT;

	/* 150 + 5 extension characters × 2 = 160: one message; one more is two parts. */
	strbuf_addf(&sb, "%s[]{}€", t);
	cr_expect_eq(parts(sb.buf, NOTIFY_GSM7), 1);
	strbuf_addstr(&sb, "|");
	cr_expect_eq(parts(sb.buf, NOTIFY_GSM7), 2);
	strbuf_release(&sb);
	free(t);
	/* A backquote is not in the GSM alphabet. */
	cr_expect_eq(parts("a`b", NOTIFY_UCS2), 1);
}

Test(notify, ucs2_parts)
{
	char *t70 = repeat("ơ", 70), *t71 = repeat("ơ", 71), *t134 = repeat("ơ", 134);
	char *t135 = repeat("ơ", 135);

	cr_expect_eq(parts("Hồ sơ đã được tiếp nhận", NOTIFY_UCS2), 1);
	cr_expect_eq(parts(t70, NOTIFY_UCS2), 1);
	cr_expect_eq(parts(t71, NOTIFY_UCS2), 2);
	cr_expect_eq(parts(t134, NOTIFY_UCS2), 2);
	cr_expect_eq(parts(t135, NOTIFY_UCS2), 3);
	/* One Vietnamese letter makes the whole message UCS-2. */
	{
		char *a = repeat("a", 70);
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%sđ", a);
		cr_expect_eq(parts(sb.buf, NOTIFY_UCS2), 2);
		strbuf_release(&sb);
		free(a);
	}
	/* Outside the BMP: two UTF-16 units. */
	{
		char *a = repeat("a", 69);
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s\xf0\x9f\x98\x80", a);
		cr_expect_eq(parts(sb.buf, NOTIFY_UCS2), 2);
		strbuf_release(&sb);
		free(a);
	}
	free(t70);
	free(t71);
	free(t134);
	free(t135);
}

Test(notify, render)
{
	struct strbuf sb = STRBUF_INIT;
	struct notify_var vars[] = { { "code", "000.00.07.H47-210115-0001" }, { "due", "18/01/2021" },
				     { "empty", NULL } };

	notify_render(&sb, "Hồ sơ {code} hẹn trả ngày {due}.{empty} {unknown} {", vars, 3);
	cr_expect_str_eq(sb.buf, "Hồ sơ 000.00.07.H47-210115-0001 hẹn trả ngày 18/01/2021. {unknown} {");
	strbuf_reset(&sb);
	notify_render(&sb, "{code}{code}", vars, 1);
	cr_expect_str_eq(sb.buf, "000.00.07.H47-210115-0001000.00.07.H47-210115-0001");
	strbuf_release(&sb);
}

Test(notify, ascii_folding_keeps_case_and_punctuation)
{
	struct strbuf sb = STRBUF_INIT;
	enum notify_encoding enc;

	text_unaccent(&sb, "Hồ sơ 000.00.07.H47-210115-0001 đã được tiếp nhận, hẹn trả ngày "
		      "18/01/2021. ĐĂNG KÝ: Ủy ban xã Đại Hiệp!");
	cr_expect_str_eq(sb.buf, "Ho so 000.00.07.H47-210115-0001 da duoc tiep nhan, hen tra ngay "
			 "18/01/2021. DANG KY: Uy ban xa Dai Hiep!");
	cr_expect_eq(notify_sms_parts(sb.buf, &enc), 1);
	cr_expect_eq(enc, NOTIFY_GSM7);
	strbuf_reset(&sb);
	/* Decomposed marks are dropped; other scripts pass through. */
	text_unaccent(&sb, "Vie\xcc\x82\xcc\xa3t 日本");
	cr_expect_str_eq(sb.buf, "Viet 日本");
	strbuf_release(&sb);
}

Test(notify, backoff_doubles_to_a_day)
{
	cr_expect_eq(notify_backoff(60, 1), 60);
	cr_expect_eq(notify_backoff(60, 2), 120);
	cr_expect_eq(notify_backoff(60, 5), 960);
	cr_expect_eq(notify_backoff(60, 40), 86400);
	cr_expect_eq(notify_backoff(0, 3), 0);
}

Test(notify, masks)
{
	struct strbuf sb = STRBUF_INIT;

	notify_mask(&sb, "0905123456");
	cr_expect_str_eq(sb.buf, "0905***456");
	strbuf_reset(&sb);
	notify_mask(&sb, "hoa.nguyen@example.vn");
	cr_expect_str_eq(sb.buf, "h***@example.vn");
	strbuf_reset(&sb);
	notify_mask(&sb, "https://hooks.example.vn/x/secret?token=1");
	cr_expect_str_eq(sb.buf, "https://hooks.example.vn/…");
	strbuf_release(&sb);
}

Test(notify, mime_header)
{
	struct strbuf sb = STRBUF_INIT;

	notify_mime_header(&sb, "Plain subject");
	cr_expect_str_eq(sb.buf, "Plain subject");
	strbuf_reset(&sb);
	notify_mime_header(&sb, "Hồ sơ");
	cr_expect_str_eq(sb.buf, "=?UTF-8?B?SOG7kyBzxqE=?=");
	strbuf_reset(&sb);
	/* Long subjects are split into words of whole characters. */
	notify_mime_header(&sb, "Thư xin lỗi về việc chậm trả kết quả hồ sơ 000.00.07.H47-210115-0001");
	cr_expect(strstr(sb.buf, "?=\r\n =?UTF-8?B?") != NULL, "%s", sb.buf);
	strbuf_release(&sb);
}

Test(notify, recipients)
{
	cr_expect(notify_recipient_ok(NOTIFY_SMS, "0905123456"));
	cr_expect(notify_recipient_ok(NOTIFY_SMS, "+84905123456"));
	cr_expect(!notify_recipient_ok(NOTIFY_SMS, "0905-123456"));
	cr_expect(notify_recipient_ok(NOTIFY_EMAIL, "a@b.vn"));
	cr_expect(!notify_recipient_ok(NOTIFY_EMAIL, "a@b.vn\r\nBcc: x@y"));
	cr_expect(notify_recipient_ok(NOTIFY_WEBHOOK, "https://hooks.example.vn/x"));
	cr_expect(!notify_recipient_ok(NOTIFY_WEBHOOK, "ftp://x"));
}
