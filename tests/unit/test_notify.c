/* Tests of src/notify: SMS parts and encodings, rendering, ASCII folding, backoff, masks. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
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

/* ---- with a database: the dossier's messages and receipts ------------- */

#include <stdio.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/i18n.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "org/org.h"
#include "fixture.h"

static struct db *db;
static struct user clerk;
static char dir[] = "/tmp/cchc-notify-XXXXXX";

static void setup(void)
{
	fixture_open(dir, &db, &clerk);
}

static void teardown(void)
{
	fixture_close(dir, db, &clerk);
}

TestSuite(outbox, .init = setup, .fini = teardown);

static void set_time(const char *local)
{
	int64_t t;

	cr_assert_eq(calendar_time_parse(local, &t, NULL), 0, "bad time %s", local);
	clock_set(t);
}

/* A dossier filed online (no clerk); returns "#id". */
static char *online(void)
{
	struct audit_actor who = { 0, "portal", "", "" };
	struct dossier_intake in = { .procedure = "1.001193", .channel = CHANNEL_ONLINE,
		.agency = "xa-dai-hiep", .applicant_name = "Trần Văn Bình",
		.applicant_phone = "0905000111" };
	struct err e = ERR_INIT;
	char *ref = xmalloc(32);
	int64_t id;

	set_time("2026-03-02 10:00");
	cr_assert_eq(dossier_intake(db, NULL, &who, &in, &id, &e), 0, "%s", e.message);
	snprintf(ref, 32, "#%lld", (long long)id);
	return ref;
}

static int act(const char *code, const char *action, json_t *args)
{
	struct audit_actor who = { clerk.id, clerk.username, "", clerk.agency_path };
	struct err e = ERR_INIT;
	int ret = dossier_act(db, &clerk, &who, code, action, args, &e);

	json_decref(args);
	return ret;
}

static int64_t count(const char *where)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st;
	int64_t n = -1;

	strbuf_addf(&sql, "SELECT COUNT(*) FROM notify_message WHERE %s", where);
	st = db_prepare(db, sql.buf);
	cr_assert_eq(db_one_int(st, &n), 0);
	strbuf_release(&sql);
	return n;
}

/* The body of the last message (malloc'd) and its template key. */
static char *last_body(char **key)
{
	struct db_stmt *st = db_prepare(db, "SELECT body, template_key, recipient"
					" FROM notify_message ORDER BY id DESC LIMIT 1");
	char *body;

	cr_assert_eq(db_step(st), DB_ROW);
	body = xstrdup(db_col_text(st, 0));
	*key = xstrdup(db_col_text(st, 1));
	cr_assert_str_eq(db_col_text(st, 2), "0905000111");
	db_reset(st);
	return body;
}

static char *code_of(const char *ref)
{
	struct db_stmt *st = db_prepare(db, "SELECT code FROM dossier WHERE id = ?");
	char *code = NULL;

	db_bind_int(st, 1, strtoll(ref + 1, NULL, 10));
	cr_assert_eq(db_one_text(st, &code), 0);
	return code;
}

Test(outbox, online_accepted)
{
	char *ref = online(), *key, *body, *code, want[256];

	cr_assert_eq(count("1 = 1"), 0, "nothing is said at submission");
	set_time("2026-03-02 10:30");
	cr_assert_eq(act(ref, "accept", NULL), 0);
	code = code_of(ref);
	body = last_body(&key);
	cr_expect_str_eq(key, "dossier.accepted");
	snprintf(want, sizeof(want), "Hồ sơ Đăng ký khai sinh nộp trực tuyến đã được tiếp nhận,"
		 " mã hồ sơ %s, hẹn trả kết quả ngày 03/03/2026.", code);
	cr_expect_str_eq(body, want);
	free(ref);
	free(key);
	free(body);
	free(code);
}

Test(outbox, online_incomplete_and_rejected)
{
	char *ref = online(), *key, *body;

	cr_assert_eq(act(ref, "request_completion",
			 json_pack("{s:[s,s]}", "documents", "Tờ khai", "Giấy chứng sinh")), 0);
	body = last_body(&key);
	cr_expect_str_eq(key, "dossier.incomplete");
	cr_expect_str_eq(body, "Hồ sơ Đăng ký khai sinh nộp trực tuyến chưa đầy đủ, đề nghị"
			 " Ông/Bà bổ sung, hoàn thiện: Tờ khai, Giấy chứng sinh");
	free(key);
	free(body);
	free(ref);
	ref = online();
	cr_assert_eq(act(ref, "reject", json_pack("{s:s}", "reason", "sai cơ quan")), 0);
	body = last_body(&key);
	cr_expect_str_eq(key, "dossier.rejected");
	cr_expect_str_eq(body, "Hồ sơ Đăng ký khai sinh nộp trực tuyến không được tiếp nhận."
			 " Lý do: sai cơ quan");
	free(key);
	free(body);
	free(ref);
}

Test(outbox, apology_and_a_missing_template_fails_the_action)
{
	char *ref = online(), *key, *body, *code, want[256];

	cr_assert_eq(act(ref, "accept", NULL), 0);
	code = code_of(ref);
	cr_assert_eq(act(code, "claim", NULL), 0);
	set_time("2026-03-03 09:00");
	cr_assert_eq(act(code, "apologize", json_pack("{s:s,s:s}", "reason", "cần xác minh",
						      "new_date", "2026-03-06")), 0);
	body = last_body(&key);
	cr_expect_str_eq(key, "dossier.apology");
	snprintf(want, sizeof(want), "Xin lỗi Ông/Bà: hồ sơ %s chậm trả kết quả do cần xác minh."
		 " Hẹn trả lại ngày 06/03/2026.", code);
	cr_expect_str_eq(body, want);
	/* Without its template the change is refused whole. */
	cr_assert_eq(db_exec(db, "DELETE FROM notify_template WHERE key = 'dossier.supplement'"), 0);
	cr_expect_eq(act(code, "request_supplement", json_pack("{s:[s]}", "documents", "Tờ khai")),
		     E_INTERNAL);
	{
		struct db_stmt *st = db_prepare(db, "SELECT state FROM dossier WHERE code = ?");
		char *state = NULL;

		db_bind_text(st, 1, code);
		cr_assert_eq(db_one_text(st, &state), 0);
		cr_expect_str_eq(state, "processing");
		free(state);
	}
	cr_expect_eq(count("template_key = 'dossier.supplement'"), 0);
	free(ref);
	free(key);
	free(body);
	free(code);
}

Test(outbox, unconfigured_channels_wait_and_receipts_need_the_signature)
{
	struct notify_config nc = { .sms_url = "", .smtp_url = "", .smtp_from = "",
				    .public_url = "", .plan_webhook = "", .backoff = 1,
				    .max_attempts = 3, .lease = 60, .interval = 1, .timeout = 1 };
	struct err e = ERR_INIT;
	char *ref = online(), token[65], other[65];
	int sent = -1;
	int64_t id;
	struct db_stmt *st;

	cr_assert_eq(act(ref, "accept", NULL), 0);
	cr_assert_eq(notify_deliver(db, &nc, "test:1:1", &sent, &e), 0, "%s", e.message);
	cr_expect_eq(sent, 0);
	cr_expect_eq(count("state = 'created' AND attempts = 0"), 1, "no SMS gateway: it waits");
	st = db_prepare(db, "SELECT MAX(id) FROM notify_message");
	cr_assert_eq(db_one_int(st, &id), 0);
	cr_assert_eq(db_exec(db, "UPDATE notify_message SET state = 'sending'"), 0);
	cr_assert_eq(notify_token(db, id, token), 0);
	cr_assert_eq(notify_token(db, id + 1, other), 0);
	cr_expect_str_neq(token, other);
	cr_expect_eq(notify_receipt(db, id, other, 1, &e), E_DENIED);
	cr_expect_eq(notify_receipt(db, id, "zz", 1, &e), E_DENIED);
	cr_expect_eq(notify_receipt(db, id, NULL, 1, &e), E_DENIED);
	cr_expect_eq(count("state = 'sending'"), 1);
	cr_expect_eq(notify_receipt(db, id, token, 8, &e), 0);
	cr_expect_eq(count("state = 'sending'"), 1, "accepted by the SMSC is not delivered");
	cr_expect_eq(notify_receipt(db, id, token, 1, &e), 0);
	cr_expect_eq(count("state = 'delivered' AND delivered_at IS NOT NULL"), 1);
	cr_expect_eq(notify_receipt(db, id, token, 2, &e), 0);
	cr_expect_eq(count("state = 'delivered'"), 1, "a late failure report changes nothing");
	free(ref);
}

Test(outbox, expired_leases_are_taken_back_and_failures_back_off)
{
	struct notify_config nc = { .sms_url = "http://127.0.0.1:9/cgi-bin/sendsms",
				    .sms_user = "u", .sms_password = "p", .sms_from = "",
				    .smtp_url = "", .smtp_from = "", .public_url = "http://x",
				    .plan_webhook = "", .backoff = 60, .max_attempts = 3,
				    .lease = 60, .interval = 1, .timeout = 2 };
	struct err e = ERR_INIT;
	char *ref = online();
	int sent = -1;
	struct db_stmt *st;
	int64_t now, next = 0;

	cr_assert_eq(notify_configure_curl(), 0);
	cr_assert_eq(act(ref, "accept", NULL), 0);
	now = clock_now();
	/* A worker claimed it and died; its lease ran out a second ago. */
	st = db_prepare(db, "UPDATE notify_message SET state = 'sending', attempts = 1,"
			" lease_owner = 'dead:1:1', lease_until = ?");
	db_bind_int(st, 1, now - 1);
	cr_assert_eq(db_run(st), 0);
	cr_assert_eq(notify_deliver(db, &nc, "test:1:1", &sent, &e), 0, "%s", e.message);
	cr_expect_eq(sent, 0);
	cr_expect_eq(count("state = 'temp_failed' AND attempts = 2 AND lease_owner IS NULL"
			   " AND last_error <> ''"), 1);
	st = db_prepare(db, "SELECT next_at FROM notify_message");
	cr_assert_eq(db_one_int(st, &next), 0);
	cr_expect_eq(next, now + 120, "second attempt: twice the base");
	/* Not due yet: untouched. */
	cr_assert_eq(notify_deliver(db, &nc, "test:1:1", &sent, &e), 0);
	cr_expect_eq(count("attempts = 2"), 1);
	/* Due: the third and last attempt gives up. */
	clock_set(next);
	cr_assert_eq(notify_deliver(db, &nc, "test:1:1", &sent, &e), 0);
	cr_expect_eq(count("state = 'tech_failed' AND attempts = 3"), 1);
	free(ref);
}
