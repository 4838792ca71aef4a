/*
 * payment/ and rating/: HMAC signatures, callback verification (forged,
 * stale, wrong amount, unknown order), idempotency, reconciliation, and
 * ratings with their counters equal to a rebuild — on SQLite, clock set.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "org/org.h"
#include "payment/payment.h"
#include "rating/rating.h"
#include "fixture.h"

#define SECRET "bi-mat-kiem-thu"
#define NOW 1610686800	/* 2021-01-15 12:00 local */

static struct db *db;
static struct user clerk;
static char dir[] = "/tmp/cchc-payment-XXXXXX";

static void setup(void)
{
	struct payment_settings ps = { "http://127.0.0.1:1", true, SECRET, 300 };

	clock_set(NOW);
	payment_configure(&ps);
	fixture_open(dir, &db, &clerk);
}

static void teardown(void)
{
	fixture_close(dir, db, &clerk);
}

TestSuite(payment, .init = setup, .fini = teardown);

static struct audit_actor actor(void)
{
	return (struct audit_actor){ clerk.id, clerk.username, "", clerk.agency_path };
}

/* A birth registration at the counter (fee 16.000); returns its code. */
static char *take(void)
{
	struct audit_actor who = actor();
	struct dossier_intake in = { .procedure = "1.001193", .channel = CHANNEL_COUNTER,
		.applicant_name = "Trần Văn Bình", .applicant_phone = "0905000111" };
	struct err e = ERR_INIT;
	struct db_stmt *st;
	char *code = NULL;
	int64_t id;

	cr_assert_eq(dossier_intake(db, &clerk, &who, &in, &id, &e), 0, "%s", e.message);
	st = db_prepare(db, "SELECT code FROM dossier WHERE id = ?");
	db_bind_int(st, 1, id);
	cr_assert_eq(db_one_text(st, &code), 0);
	return code;
}

static int64_t num(const char *sql, const char *arg)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t v = -1;

	if (arg)
		db_bind_text(st, 1, arg);
	cr_assert_eq(db_one_int(st, &v), 0, "%s", sql);
	return v;
}

static int64_t fee_paid(const char *code)
{
	return num("SELECT fee_paid FROM dossier WHERE code = ?", code);
}

static void rebuild_agrees(void)
{
	struct err e = ERR_INIT;
	json_t *diffs = NULL;

	cr_assert_eq(dossier_counters_rebuild(db, false, &diffs, &e), 0, "%s", e.message);
	cr_assert_eq(json_array_size(diffs), 0, "%s", json_dumps(diffs, 0));
	json_decref(diffs);
}

/* Starts an online payment of the dossier; fills order and amount. */
static void start(const char *code, char order[64], int64_t *amount)
{
	struct err e = ERR_INIT;
	json_t *out = NULL;

	cr_assert_eq(payment_start(db, NULL, code, "0111", "testpay", &out, &e), 0, "%s", e.message);
	snprintf(order, 64, "%s", json_string_value(json_object_get(out, "order_id")));
	*amount = json_integer_value(json_object_get(out, "amount"));
	cr_assert(strstr(json_string_value(json_object_get(out, "redirect_url")), "&sig="));
	json_decref(out);
}

/* Sends a callback signed with secret; returns the result code. */
static int callback(const char *order, const char *txn, int64_t amount, int64_t ts,
		    const char *secret, const char **result)
{
	struct strbuf body = STRBUF_INIT;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	char sig[65];
	static char res[16];
	int ret;

	strbuf_addf(&body, "{\"amount\":%lld,\"order_id\":\"%s\",\"status\":\"paid\","
		    "\"timestamp\":%lld,\"transaction_id\":\"%s\"}", (long long)amount, order,
		    (long long)ts, txn);
	payment_sign(secret, body.buf, body.len, sig);
	ret = payment_callback(db, "testpay", body.buf, sig, "127.0.0.1", &out, &e);
	snprintf(res, sizeof(res), "%s", ret ? "" : json_string_value(json_object_get(out, "result")));
	if (result)
		*result = res;
	json_decref(out);
	strbuf_release(&body);
	return ret;
}

Test(payment, hmac_sha256_signatures)
{
	char sig[65];

	/* RFC 4231 test case 2. */
	payment_sign("Jefe", "what do ya want for nothing?", 28, sig);
	cr_assert_str_eq(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	cr_assert(payment_signature_ok("Jefe", "what do ya want for nothing?", 28, sig));
	cr_assert_not(payment_signature_ok("Jefe", "what do ya want for nothing!", 28, sig));
	cr_assert_not(payment_signature_ok("jefe", "what do ya want for nothing?", 28, sig));
	cr_assert_not(payment_signature_ok("Jefe", "what do ya want for nothing?", 28, NULL));
	cr_assert_not(payment_signature_ok("Jefe", "what do ya want for nothing?", 28, "5bdc"));
	sig[0] = 'X';
	cr_assert_not(payment_signature_ok("Jefe", "what do ya want for nothing?", 28, sig));
}

Test(payment, generated_secret_is_kept)
{
	char *a = payment_secret(db, "khac", ""), *b = payment_secret(db, "khac", NULL);
	char *c = payment_secret(db, "khac", "dat-san");

	cr_assert_not_null(a);
	cr_assert_eq(strlen(a), 64);
	cr_assert_str_eq(a, b);
	cr_assert_str_eq(c, "dat-san");
	free(a);
	free(b);
	free(c);
}

Test(payment, callbacks_verified_and_idempotent)
{
	char *code = take(), order[64];
	const char *result;
	int64_t amount;

	start(code, order, &amount);
	cr_assert_eq(amount, 16000);
	cr_assert_eq(callback(order, "TX1", amount, NOW, "sai-bi-mat", NULL), E_DENIED);
	cr_assert_eq(callback(order, "TX1", amount - 1, NOW, SECRET, NULL), E_CONFLICT);
	cr_assert_eq(callback(order, "TX1", amount, NOW - 301, SECRET, NULL), E_INVALID);
	cr_assert_eq(callback("T-khong-co", "TX1", amount, NOW, SECRET, NULL), E_NOTFOUND);
	cr_assert_eq(fee_paid(code), 0);
	cr_assert_eq(num("SELECT COUNT(*) FROM payment_event WHERE kind IN ('forged',"
			 " 'wrong_amount', 'stale', 'unknown_order')", NULL), 4);
	cr_assert_eq(callback(order, "TX1", amount, NOW - 299, SECRET, &result), 0);
	cr_assert_str_eq(result, "paid");
	for (int i = 0; i < 9; i++) {
		cr_assert_eq(callback(order, "TX1", amount, NOW, SECRET, &result), 0);
		cr_assert_str_eq(result, "duplicate");
	}
	cr_assert_eq(fee_paid(code), 16000);
	cr_assert_eq(num("SELECT COUNT(*) FROM payment WHERE state = 'paid'", NULL), 1);
	cr_assert_eq(num("SELECT COUNT(*) FROM dossier_event WHERE action = 'pay'", NULL), 1);
	cr_assert_eq(num("SELECT SUM(value) FROM kpi_counter WHERE metric = 'paid_online'", NULL), 1);
	cr_assert_eq(num("SELECT SUM(value) FROM kpi_counter WHERE metric = 'fee_required'", NULL), 1);
	/* Another transaction for the paid order is refused. */
	cr_assert_eq(callback(order, "TX2", amount, NOW, SECRET, NULL), E_CONFLICT);
	cr_assert_eq(fee_paid(code), 16000);
	rebuild_agrees();
	free(code);
}

Test(payment, counter_payments_and_paid_online_only_when_settling)
{
	struct audit_actor who = actor();
	char *code = take(), order[64];
	struct err e = ERR_INIT;
	const char *result;
	json_t *out = NULL;
	int64_t amount;

	cr_assert_eq(payment_counter(db, &clerk, &who, code, "card", 8000, "", &out, &e), E_INVALID);
	cr_assert_eq(payment_counter(db, &clerk, &who, code, "cash", 16001, NULL, &out, &e), E_INVALID);
	cr_assert_eq(payment_counter(db, &clerk, &who, code, "cash", 8000, NULL, &out, &e), 0, "%s",
		     e.message);
	json_decref(out);
	start(code, order, &amount);
	cr_assert_eq(amount, 8000);
	cr_assert_eq(callback(order, "TX9", amount, NOW, SECRET, &result), 0);
	cr_assert_eq(fee_paid(code), 16000);
	/* The online payment settled the fee: counted. */
	cr_assert_eq(num("SELECT SUM(value) FROM kpi_counter WHERE metric = 'paid_online'", NULL), 1);
	cr_assert_eq(payment_counter(db, &clerk, &who, code, "cash", 1, NULL, &out, &e), E_CONFLICT);
	rebuild_agrees();
	free(code);
}

Test(payment, reconcile_records_a_lost_callback)
{
	char *code = take(), order[64];
	struct err e = ERR_INIT;
	struct db_stmt *st;
	json_t *report = NULL;
	int64_t amount;

	start(code, order, &amount);
	/* testpay took the money but its callback never came. */
	st = db_prepare(db, "INSERT INTO testpay_transaction (transaction_id, order_id, amount,"
			" status, notified, created_at) VALUES ('TPLOST', ?, ?, 'paid', 0, ?)");
	db_bind_text(st, 1, order);
	db_bind_int(st, 2, amount);
	db_bind_int(st, 3, NOW);
	cr_assert_eq(db_run(st), 0);
	cr_assert_eq(payment_reconcile(db, "testpay", false, &report, &e), 0, "%s", e.message);
	cr_assert_eq(json_array_size(json_object_get(report, "missing")), 1);
	cr_assert_eq(fee_paid(code), 0);
	json_decref(report);
	cr_assert_eq(payment_reconcile(db, NULL, true, &report, &e), 0, "%s", e.message);
	cr_assert_eq(json_integer_value(json_object_get(report, "fixed")), 1);
	json_decref(report);
	cr_assert_eq(fee_paid(code), 16000);
	cr_assert_eq(payment_reconcile(db, NULL, false, &report, &e), 0);
	cr_assert_eq(json_array_size(json_object_get(report, "missing")), 0);
	cr_assert_eq(json_array_size(json_object_get(report, "mismatched")), 0);
	json_decref(report);
	rebuild_agrees();
	free(code);
}

Test(payment, rating_once_after_return_with_counters)
{
	struct audit_actor who = actor();
	const int scores[DOSSIER_RATING_FACTORS] = { 5, 4, 3, 5, 2 };
	const int bad[DOSSIER_RATING_FACTORS] = { 5, 4, 0, 5, 2 };
	char *code = take();
	struct err e = ERR_INIT;
	const char *steps[] = { "assign", "approve", "mark_ready", "return" };

	cr_assert_eq(rating_submit(db, code, "0111", scores, NULL, &e), E_CONFLICT);
	cr_assert(strstr(e.message, code));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		json_t *args = json_pack("{s:s}", "to", "dh");

		err_clear(&e);
		cr_assert_eq(dossier_act(db, &clerk, &who, code, steps[i], args, &e), 0,
			     "%s: %s", steps[i], e.message);
		json_decref(args);
	}
	cr_assert_eq(rating_submit(db, code, "9999", scores, NULL, &e), E_NOTFOUND);
	cr_assert_eq(rating_submit(db, code, "0111", bad, NULL, &e), E_INVALID);
	cr_assert_str_eq(e.field, "officers");
	err_clear(&e);
	cr_assert_eq(rating_submit(db, code, "0111", scores, "Tốt", &e), 0, "%s", e.message);
	cr_assert_eq(rating_submit(db, code, NULL, scores, NULL, &e), E_CONFLICT);
	cr_assert_eq(num("SELECT SUM(value) FROM kpi_counter WHERE metric = 'rated'", NULL), 1);
	cr_assert_eq(num("SELECT SUM(value) FROM kpi_counter WHERE metric = 'score_officers'", NULL), 3);
	cr_assert_eq(num("SELECT SUM(value) FROM kpi_counter WHERE metric = 'score_access'", NULL), 5);
	cr_assert_eq(num("SELECT COUNT(*) FROM kpi_counter WHERE metric = 'satisfied_officers'", NULL), 0);
	cr_assert_eq(num("SELECT SUM(value) FROM kpi_counter WHERE metric = 'satisfied_procedure'", NULL), 1);
	rebuild_agrees();
	free(code);
}
