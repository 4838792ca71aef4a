/*
 * Payments: the rules and the storage (no HTTP).  The protocol is in
 * payment.h; providers are in their own files (testpay.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "notify/notify.h"
#include "org/org.h"
#include "payment/payment.h"

#define DEFAULT_PUBLIC_URL "http://127.0.0.1:8080"

static char public_url[512] = DEFAULT_PUBLIC_URL;
static bool testpay_on;
static char testpay_secret[256];
static int callback_window = 300;

void payment_configure(const struct payment_settings *s)
{
	size_t n;

	snprintf(public_url, sizeof(public_url), "%s",
		 s->public_url && *s->public_url ? s->public_url : DEFAULT_PUBLIC_URL);
	n = strlen(public_url);
	while (n > 1 && public_url[n - 1] == '/')
		public_url[--n] = '\0';
	testpay_on = s->testpay;
	snprintf(testpay_secret, sizeof(testpay_secret), "%s",
		 s->testpay_secret ? s->testpay_secret : "");
	callback_window = s->callback_window > 0 ? s->callback_window : 300;
	/* Before any thread starts: testpay calls back with libcurl. */
	if (testpay_on)
		curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *payment_public_url(void)
{
	return public_url;
}

int payment_callback_window(void)
{
	return callback_window;
}

/* Used by testpay.c: the configured secret ("" when to be generated). */
const char *payment_testpay_configured_secret(void);
const char *payment_testpay_configured_secret(void)
{
	return testpay_secret;
}

const struct payment_provider *const *payment_providers(void)
{
	static const struct payment_provider *const on[] = { &payment_testpay, NULL };
	static const struct payment_provider *const none[] = { NULL };

	return testpay_on ? on : none;
}

const struct payment_provider *payment_provider_find(const char *name)
{
	for (const struct payment_provider *const *p = payment_providers(); *p; p++)
		if (name && !strcmp((*p)->name, name))
			return *p;
	return NULL;
}

/* ---- secrets and signatures -------------------------------------------- */

char *payment_secret(struct db *db, const char *provider, const char *configured)
{
	unsigned char rnd[32];
	char hex[2 * sizeof(rnd) + 1];
	struct db_stmt *st;
	char *out = NULL;

	if (configured && *configured)
		return xstrdup(configured);
	st = db_prepare(db, "SELECT secret FROM payment_secret WHERE provider = ?");
	db_bind_text(st, 1, provider);
	if (!db_one_text(st, &out))
		return out;
	/* The first to ask makes it; a concurrent maker's insert is ignored. */
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	st = db_prepare(db, "INSERT INTO payment_secret (provider, secret) VALUES (?, ?)"
			" ON CONFLICT (provider) DO NOTHING");
	db_bind_text(st, 1, provider);
	db_bind_text(st, 2, hex);
	if (db_run(st))
		return NULL;
	st = db_prepare(db, "SELECT secret FROM payment_secret WHERE provider = ?");
	db_bind_text(st, 1, provider);
	if (db_one_text(st, &out))
		return NULL;
	return out;
}

void payment_sign(const char *secret, const void *msg, size_t len, char hex[65])
{
	crypto_auth_hmacsha256_state state;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&state, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&state, msg, len);
	crypto_auth_hmacsha256_final(&state, mac);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
}

bool payment_signature_ok(const char *secret, const void *msg, size_t len,
			  const char *hex)
{
	char want[65];

	if (!hex || strlen(hex) != 64)
		return false;
	payment_sign(secret, msg, len, want);
	return !sodium_memcmp(want, hex, 64);
}

/* ---- the dossier's side -------------------------------------------------- */

struct payee {
	int64_t id;
	char *code;
	char *state;
	char *phone;
	int64_t fee_due, fee_paid;
};

static void payee_release(struct payee *p)
{
	free(p->code);
	free(p->state);
	free(p->phone);
	memset(p, 0, sizeof(*p));
}

static int payee_load(struct db *db, const char *code, int64_t id, struct payee *p)
{
	struct db_stmt *st;
	int ret;

	if (code) {
		st = db_prepare(db, "SELECT id, code, state, applicant_phone, fee_due, fee_paid"
				" FROM dossier WHERE code = ?");
		db_bind_text(st, 1, code);
	} else {
		st = db_prepare(db, "SELECT id, COALESCE(code, ''), state, applicant_phone,"
				" fee_due, fee_paid FROM dossier WHERE id = ?");
		db_bind_int(st, 1, id);
	}
	ret = db_step(st);
	if (ret == DB_ROW) {
		p->id = db_col_int(st, 0);
		p->code = xstrdup(db_col_text(st, 1));
		p->state = xstrdup(db_col_text(st, 2));
		p->phone = xstrdup(db_col_text(st, 3));
		p->fee_due = db_col_int(st, 4);
		p->fee_paid = db_col_int(st, 5);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

/* The dossier, if `by` sees it (officers) or check matches (applicants). */
static int payee_find(struct db *db, const struct user *by, const char *code,
		      const char *check, struct payee *p, struct err *e)
{
	int ret;

	if (!code || !*code || *code == '#')
		return err_set(e, E_NOTFOUND, NULL, "no dossier has this code");
	ret = payee_load(db, code, 0, p);
	if (ret == E_NOTFOUND)
		goto notfound;
	if (ret)
		return ret;
	if (by) {
		json_t *d = NULL;

		ret = dossier_get(db, by, code, &d, e);
		json_decref(d);
		return ret;
	}
	{
		size_t n = strlen(p->phone);

		if (check && strlen(check) == 4 && n >= 4 && !strcmp(p->phone + n - 4, check))
			return 0;
	}
notfound:
	/* As tracking: a wrong code and wrong digits give the same answer. */
	return err_set(e, E_NOTFOUND, NULL, "no dossier matches this code and these phone digits");
}

static int payable(const struct payee *p, int64_t amount, struct err *e)
{
	int64_t left = p->fee_due - p->fee_paid;

	if (!strcmp(p->state, "rejected") || !strcmp(p->state, "withdrawn"))
		return err_set(e, E_CONFLICT, NULL, "dossier %s is %s: nothing can be paid on it",
			       p->code, dossier_state_label(p->state));
	if (left <= 0)
		return err_set(e, E_CONFLICT, NULL, "the fee of dossier %s is already paid",
			       p->code);
	if (amount > left)
		return err_set(e, E_INVALID, "amount", "only %lld đồng is left to pay",
			       (long long)left);
	return 0;
}

static void order_id_new(char prefix, char out[20])
{
	unsigned char rnd[8];

	out[0] = prefix;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(out + 1, 19, rnd, sizeof(rnd));
}

/*
 * A payment has been made: the dossier's fee_paid, its history (with the
 * counters) and the SMS to the applicant, inside the caller's transaction.
 */
static int paid(struct db *db, const struct payee *p, const struct audit_actor *who,
		const char *method, const char *provider, const char *order,
		int64_t amount, int64_t at, struct err *e)
{
	int64_t after = p->fee_paid + amount;
	bool settles = p->fee_due > 0 && p->fee_paid < p->fee_due && after >= p->fee_due;
	struct strbuf money = STRBUF_INIT;
	struct db_stmt *st;
	json_t *data;
	int ret;

	st = db_prepare(db, "UPDATE dossier SET fee_paid = fee_paid + ?, updated_at = ?"
			" WHERE id = ?");
	db_bind_int(st, 1, amount);
	db_bind_int(st, 2, at);
	db_bind_int(st, 3, p->id);
	ret = db_run(st);
	if (ret)
		return ret;
	data = json_pack("{s:s,s:s,s:s,s:I,s:I,s:b}", "method", method, "provider", provider,
			 "order_id", order, "amount", (json_int_t)amount,
			 "fee_paid", (json_int_t)after,
			 "paid_online", settles && !strcmp(method, "online"));
	ret = dossier_note(db, p->id, who, at, "pay", NULL, data);
	json_decref(data);
	if (ret)
		return ret;
	catalog_format_vnd(&money, amount);
	{
		struct notify_var vars[] = { { "code", p->code }, { "amount", money.buf } };
		struct err ne = ERR_INIT;

		ret = notify_enqueue(db, NOTIFY_SMS, p->phone, "payment.received", vars, 2,
				     p->id, NULL, &ne);
		if (ret == E_NOTFOUND || ret == E_INVALID) {
			/* No template (yet) or no phone to send to: the payment stands. */
			log_warn("payment %s: no SMS: %s", order, ne.message);
			ret = 0;
		}
	}
	strbuf_release(&money);
	(void)e;
	return ret;
}

static json_t *payment_json(struct db_stmt *st)
{
	/* Columns: order_id, method, provider, amount, state, transaction_id,
	 * reference, created_at, paid_at, username. */
	return json_pack("{s:s,s:s,s:s,s:I,s:s,s:o,s:s,s:I,s:o,s:s}",
		"order_id", db_col_text(st, 0), "method", db_col_text(st, 1),
		"provider", db_col_text(st, 2), "amount", (json_int_t)db_col_int(st, 3),
		"state", db_col_text(st, 4),
		"transaction_id", db_col_null(st, 5) ? json_null() : json_string(db_col_text(st, 5)),
		"reference", db_col_text(st, 6), "created_at", (json_int_t)db_col_int(st, 7),
		"paid_at", db_col_null(st, 8) ? json_null() : json_integer(db_col_int(st, 8)),
		"by", db_col_text(st, 9));
}

#define PAYMENT_COLS "p.order_id, p.method, p.provider, p.amount, p.state, p.transaction_id," \
	" p.reference, p.created_at, p.paid_at, COALESCE(u.username, '')"
#define PAYMENT_FROM " FROM payment p LEFT JOIN app_user u ON u.id = p.created_by"

static int order_json(struct db *db, const char *order, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " PAYMENT_COLS PAYMENT_FROM
					" WHERE p.order_id = ?");
	int ret;

	db_bind_text(st, 1, order);
	ret = db_step(st);
	if (ret == DB_ROW) {
		*out = payment_json(st);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

/* ---- at the counter ------------------------------------------------------- */

int payment_counter(struct db *db, const struct user *by, const struct audit_actor *who,
		    const char *code, const char *method, int64_t amount,
		    const char *reference, json_t **out, struct err *e)
{
	struct payee p = { 0 };
	struct db_stmt *st;
	int64_t now = clock_now();
	char order[20];
	int ret;

	*out = NULL;
	if (!user_has(by, ROLE_CLERK))
		return err_set(e, E_DENIED, NULL, "only a reception clerk takes fees at the counter");
	if (!method || (strcmp(method, "cash") && strcmp(method, "card")))
		return err_set(e, E_INVALID, "method", "pay at the counter in cash or by card");
	if (amount <= 0)
		return err_set(e, E_INVALID, "amount", "the amount must be a positive number of đồng");
	if (!strcmp(method, "card") && (!reference || !*reference))
		return err_set(e, E_INVALID, "reference", "a card payment needs the slip's reference");
	if (reference && strlen(reference) > 64)
		return err_set(e, E_INVALID, "reference", "the reference is too long");
	ret = db_begin(db);
	if (ret)
		return ret;
	ret = payee_find(db, by, code, NULL, &p, e);
	if (!ret)
		ret = payable(&p, amount, e);
	if (ret)
		goto rollback;
	order_id_new('Q', order);
	st = db_prepare(db, "INSERT INTO payment (dossier_id, order_id, method, provider, amount,"
			" state, reference, created_by, created_at, paid_at)"
			" VALUES (?, ?, ?, '', ?, 'paid', ?, ?, ?, ?)");
	db_bind_int(st, 1, p.id);
	db_bind_text(st, 2, order);
	db_bind_text(st, 3, method);
	db_bind_int(st, 4, amount);
	db_bind_text(st, 5, reference ? reference : "");
	db_bind_int(st, 6, by->id);
	db_bind_int(st, 7, now);
	db_bind_int(st, 8, now);
	ret = db_run(st);
	if (!ret)
		ret = paid(db, &p, who, method, "", order, amount, now, e);
	if (!ret)
		ret = order_json(db, order, out);
	if (!ret)
		ret = db_commit(db);
rollback:
	if (ret) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
	}
	payee_release(&p);
	return ret;
}

/* ---- online ---------------------------------------------------------------- */

int payment_start(struct db *db, const struct user *by, const char *code,
		  const char *check, const char *provider, json_t **out, struct err *e)
{
	const struct payment_provider *pv = payment_provider_find(provider);
	struct strbuf url = STRBUF_INIT, ret_url = STRBUF_INIT;
	struct payee p = { 0 };
	struct db_stmt *st;
	int64_t now = clock_now(), amount;
	char order[20];
	int ret;

	*out = NULL;
	if (!pv)
		return err_set(e, E_INVALID, "provider", "no payment provider '%s' is available",
			       provider ? provider : "");
	if (by && !user_has(by, ROLE_CLERK))
		return err_set(e, E_DENIED, NULL, "only a reception clerk starts a payment for the applicant");
	ret = db_begin(db);
	if (ret)
		return ret;
	ret = payee_find(db, by, code, check, &p, e);
	amount = p.fee_due - p.fee_paid;
	if (!ret)
		ret = payable(&p, amount, e);
	if (ret)
		goto rollback;
	order_id_new('T', order);
	st = db_prepare(db, "INSERT INTO payment (dossier_id, order_id, method, provider, amount,"
			" state, reference, created_by, created_at)"
			" VALUES (?, ?, 'online', ?, ?, 'pending', '', ?, ?)");
	db_bind_int(st, 1, p.id);
	db_bind_text(st, 2, order);
	db_bind_text(st, 3, pv->name);
	db_bind_int(st, 4, amount);
	if (by)
		db_bind_int(st, 5, by->id);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, now);
	ret = db_run(st);
	strbuf_addf(&ret_url, "%s/thanh-toan/ket-qua", public_url);
	if (!ret)
		ret = pv->start(db, order, amount, ret_url.buf, &url, e);
	if (!ret)
		ret = db_commit(db);
	if (!ret)
		*out = json_pack("{s:s,s:s,s:I,s:s,s:s}", "order_id", order, "provider", pv->name,
				 "amount", (json_int_t)amount, "code", p.code,
				 "redirect_url", url.buf);
rollback:
	if (ret)
		db_rollback(db);
	payee_release(&p);
	strbuf_release(&url);
	strbuf_release(&ret_url);
	return ret;
}

/* Appends to the callback log, inside the caller's transaction. */
static int event_log(struct db *db, const char *provider, const char *order,
		     const char *kind, const char *detail, const char *remote)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO payment_event (at, provider, order_id,"
					" kind, detail, remote) VALUES (?, ?, ?, ?, ?, ?)");

	db_bind_int(st, 1, clock_now());
	db_bind_text(st, 2, provider);
	db_bind_text(st, 3, order ? order : "");
	db_bind_text(st, 4, kind);
	db_bind_text(st, 5, detail ? detail : "");
	db_bind_text(st, 6, remote ? remote : "");
	return db_run(st);
}

/* A refused callback: logged in its own transaction, nothing else changes. */
static int refuse(struct db *db, const char *provider, const char *order,
		  const char *kind, const char *remote, int code, struct err *e)
{
	log_warn("payment callback from %s refused (%s): provider %s, order %s: %s",
		 remote ? remote : "?", kind, provider, order ? order : "", e->message);
	if (db_in_transaction(db))
		db_rollback(db);
	if (!db_begin(db)) {
		if (event_log(db, provider, order, kind, e->message, remote) || db_commit(db))
			db_rollback(db);
	}
	return code;
}

/*
 * Applies a provider's word on an order whose amount is already checked:
 * pending → paid (or failed).  Inside the caller's transaction.  *result
 * is "paid", "failed" or "duplicate".
 */
static int apply(struct db *db, int64_t payment_id, int64_t dossier_id, const char *provider,
		 const struct payment_notice *n, const struct audit_actor *who,
		 const char **result, struct err *e)
{
	struct payee p = { 0 };
	struct db_stmt *st;
	int64_t now = clock_now(), clash = 0;
	int ret;

	*result = "duplicate";
	if (strcmp(n->status, "paid")) {
		st = db_prepare(db, "UPDATE payment SET state = 'failed' WHERE id = ?"
				" AND state = 'pending'");
		db_bind_int(st, 1, payment_id);
		ret = db_run(st);
		if (!ret && db_changes(db) == 1)
			*result = "failed";
		return ret;
	}
	/* The provider's transaction is recorded once, for one order. */
	st = db_prepare(db, "SELECT id FROM payment WHERE provider = ? AND transaction_id = ?");
	db_bind_text(st, 1, provider);
	db_bind_text(st, 2, n->transaction_id);
	ret = db_one_int(st, &clash);
	if (ret == 0 && clash != payment_id)
		return err_set(e, E_CONFLICT, "transaction_id",
			       "transaction %s was already recorded for another order",
			       n->transaction_id);
	if (ret == 0)
		return 0;	/* this very transaction: a repeat */
	if (ret != E_NOTFOUND)
		return ret;
	st = db_prepare(db, "UPDATE payment SET state = 'paid', transaction_id = ?, paid_at = ?"
			" WHERE id = ? AND state <> 'paid'");
	db_bind_text(st, 1, n->transaction_id);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, payment_id);
	ret = db_run(st);
	if (ret)
		return ret;
	if (db_changes(db) != 1) {
		char *txn = NULL;
		bool same;

		/* Paid meanwhile (a concurrent repeat), or by another transaction. */
		st = db_prepare(db, "SELECT COALESCE(transaction_id, '') FROM payment WHERE id = ?");
		db_bind_int(st, 1, payment_id);
		ret = db_one_text(st, &txn);
		same = !ret && !strcmp(txn, n->transaction_id);
		free(txn);
		if (ret || same)
			return ret;
		return err_set(e, E_CONFLICT, "transaction_id",
			       "order %s was already paid by another transaction", n->order_id);
	}
	ret = payee_load(db, NULL, dossier_id, &p);
	if (!ret)
		ret = paid(db, &p, who, "online", provider, n->order_id, n->amount, now, e);
	if (!ret)
		*result = "paid";
	payee_release(&p);
	return ret;
}

/* The order's payment row: id, dossier, amount, state. */
static int order_load(struct db *db, const char *provider, const char *order,
		      int64_t *id, int64_t *dossier_id, int64_t *amount)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, dossier_id, amount FROM payment"
					" WHERE order_id = ? AND provider = ? AND method = 'online'");
	int ret;

	db_bind_text(st, 1, order);
	db_bind_text(st, 2, provider);
	ret = db_step(st);
	if (ret == DB_ROW) {
		*id = db_col_int(st, 0);
		*dossier_id = db_col_int(st, 1);
		*amount = db_col_int(st, 2);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

int payment_callback(struct db *db, const char *provider, const char *body,
		     const char *signature, const char *remote, json_t **out,
		     struct err *e)
{
	static const struct audit_actor system_actor = { 0, "payment", "", "/" };
	const struct payment_provider *pv = payment_provider_find(provider);
	struct payment_notice n;
	int64_t id = 0, dossier_id = 0, amount = 0, now = clock_now(), age;
	const char *result = NULL;
	char detail[160];
	int ret;

	*out = NULL;
	if (!pv)
		return err_set(e, E_NOTFOUND, NULL, "no payment provider '%s'", provider);
	memset(&n, 0, sizeof(n));
	ret = pv->verify(db, body ? body : "", signature, &n, e);
	if (ret)
		return refuse(db, provider, n.order_id, ret == E_DENIED ? "forged" : "malformed",
			      remote, ret, e);
	age = now - n.timestamp;
	if (age > callback_window || age < -callback_window) {
		err_set(e, E_INVALID, "timestamp",
			"the callback's timestamp is %lld seconds off: replayed or delayed",
			(long long)age);
		return refuse(db, provider, n.order_id, "stale", remote, E_INVALID, e);
	}
	ret = db_begin(db);
	if (ret)
		return ret;
	ret = order_load(db, provider, n.order_id, &id, &dossier_id, &amount);
	if (ret == E_NOTFOUND) {
		err_set(e, E_NOTFOUND, "order_id", "no order %s", n.order_id);
		return refuse(db, provider, n.order_id, "unknown_order", remote, E_NOTFOUND, e);
	}
	if (ret)
		goto rollback;
	if (n.amount != amount) {
		err_set(e, E_CONFLICT, "amount", "order %s is for %lld đồng, not %lld",
			n.order_id, (long long)amount, (long long)n.amount);
		return refuse(db, provider, n.order_id, "wrong_amount", remote, E_CONFLICT, e);
	}
	ret = apply(db, id, dossier_id, provider, &n, &system_actor, &result, e);
	if (ret == E_CONFLICT)
		return refuse(db, provider, n.order_id, "conflict", remote, E_CONFLICT, e);
	snprintf(detail, sizeof(detail), "transaction %s, %lld đồng, %s", n.transaction_id,
		 (long long)n.amount, n.status);
	if (!ret)
		ret = event_log(db, provider, n.order_id, result, detail, remote);
	if (!ret)
		ret = db_commit(db);
	if (!ret)
		*out = json_pack("{s:s,s:s}", "order_id", n.order_id, "result", result);
rollback:
	if (ret)
		db_rollback(db);
	return ret;
}

/* ---- reading ----------------------------------------------------------------- */

int payment_list(struct db *db, const struct user *by, const char *code,
		 json_t **out, struct err *e)
{
	struct payee p = { 0 };
	struct db_stmt *st;
	json_t *fees = NULL, *list = json_array();
	int ret;

	*out = NULL;
	ret = payee_find(db, by, code, NULL, &p, e);
	if (!ret)
		ret = dossier_fees(db, p.id, &fees);
	if (ret)
		goto out;
	st = db_prepare(db, "SELECT " PAYMENT_COLS PAYMENT_FROM " WHERE p.dossier_id = ?"
			" ORDER BY p.id");
	db_bind_int(st, 1, p.id);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(list, payment_json(st));
	db_reset(st);
	if (ret < 0)
		goto out;
	*out = json_pack("{s:s,s:I,s:I,s:o,s:o}", "code", p.code,
			 "fee_due", (json_int_t)p.fee_due, "fee_paid", (json_int_t)p.fee_paid,
			 "fees", fees, "payments", list);
	fees = list = NULL;
	ret = 0;
out:
	json_decref(fees);
	json_decref(list);
	payee_release(&p);
	return ret;
}

int payment_order(struct db *db, const char *order_id, json_t **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT p.order_id, p.state, p.amount,"
					" COALESCE(d.code, ''), p.provider FROM payment p"
					" JOIN dossier d ON d.id = p.dossier_id WHERE p.order_id = ?");
	int ret;

	*out = NULL;
	db_bind_text(st, 1, order_id ? order_id : "");
	ret = db_step(st);
	if (ret == DB_ROW) {
		*out = json_pack("{s:s,s:s,s:I,s:s,s:s}", "order_id", db_col_text(st, 0),
				 "state", db_col_text(st, 1), "amount", (json_int_t)db_col_int(st, 2),
				 "code", db_col_text(st, 3), "provider", db_col_text(st, 4));
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = err_set(e, E_NOTFOUND, NULL, "no payment order %s", order_id ? order_id : "");
	}
	db_reset(st);
	return ret;
}

/* ---- reconciliation -------------------------------------------------------- */

struct order_row {
	int64_t id, dossier_id, amount;
	char order[64], state[16], txn[64];
};

int payment_reconcile(struct db *db, const char *provider, bool fix, json_t **report,
		      struct err *e)
{
	static const struct audit_actor system_actor = { 0, "reconcile", "", "/" };
	const struct payment_provider *const *all = payment_providers();
	json_t *missing = json_array(), *mismatched = json_array();
	int64_t checked = 0, fixed = 0;
	int ret = 0;

	*report = NULL;
	if (provider && !payment_provider_find(provider)) {
		ret = err_set(e, E_INVALID, "provider", "no payment provider '%s' is available",
			      provider);
		goto out;
	}
	for (; *all && !ret; all++) {
		const struct payment_provider *pv = *all;
		struct order_row *rows = NULL;
		size_t n = 0, cap = 0;
		struct db_stmt *st;

		if (provider && strcmp(provider, pv->name))
			continue;
		st = db_prepare(db, "SELECT id, dossier_id, amount, order_id, state,"
				" COALESCE(transaction_id, '') FROM payment"
				" WHERE provider = ? AND method = 'online' ORDER BY id");
		db_bind_text(st, 1, pv->name);
		while ((ret = db_step(st)) == DB_ROW) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				rows = xrealloc(rows, cap * sizeof(*rows));
			}
			rows[n].id = db_col_int(st, 0);
			rows[n].dossier_id = db_col_int(st, 1);
			rows[n].amount = db_col_int(st, 2);
			snprintf(rows[n].order, sizeof(rows[n].order), "%s", db_col_text(st, 3));
			snprintf(rows[n].state, sizeof(rows[n].state), "%s", db_col_text(st, 4));
			snprintf(rows[n].txn, sizeof(rows[n].txn), "%s", db_col_text(st, 5));
			n++;
		}
		db_reset(st);
		ret = ret < 0 ? ret : 0;
		for (size_t i = 0; i < n && !ret; i++) {
			struct order_row *r = &rows[i];
			struct payment_notice t;
			struct err qe = ERR_INIT;
			bool at_provider;
			int q;

			memset(&t, 0, sizeof(t));
			checked++;
			q = pv->query(db, r->order, &t, &qe);
			if (q && q != E_NOTFOUND) {
				ret = err_set(e, q, NULL, "cannot ask %s about order %s: %s",
					      pv->name, r->order, qe.message);
				break;
			}
			at_provider = !q && !strcmp(t.status, "paid");
			if (at_provider && strcmp(r->state, "paid")) {
				json_t *m = json_pack("{s:s,s:s,s:s,s:I,s:s}", "provider", pv->name,
					"order_id", r->order, "transaction_id", t.transaction_id,
					"amount", (json_int_t)t.amount, "state", r->state);

				if (fix && t.amount == r->amount) {
					const char *result = NULL;

					snprintf(t.order_id, sizeof(t.order_id), "%s", r->order);
					ret = db_begin(db);
					if (!ret)
						ret = apply(db, r->id, r->dossier_id, pv->name, &t,
							    &system_actor, &result, e);
					if (!ret)
						ret = event_log(db, pv->name, r->order, "reconciled",
								t.transaction_id, "reconcile");
					if (!ret)
						ret = db_commit(db);
					if (ret) {
						db_rollback(db);
						json_decref(m);
						break;
					}
					json_object_set_new(m, "fixed", json_true());
					fixed++;
				}
				json_array_append_new(t.amount == r->amount ? missing : mismatched, m);
			} else if (at_provider && (t.amount != r->amount || strcmp(t.transaction_id, r->txn))) {
				json_array_append_new(mismatched, json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}",
					"provider", pv->name, "order_id", r->order,
					"transaction_id", t.transaction_id, "recorded_transaction", r->txn,
					"amount", (json_int_t)t.amount, "recorded_amount", (json_int_t)r->amount));
			} else if (!at_provider && !strcmp(r->state, "paid")) {
				json_array_append_new(mismatched, json_pack("{s:s,s:s,s:s,s:s}",
					"provider", pv->name, "order_id", r->order,
					"recorded_transaction", r->txn,
					"problem", "paid here, not paid at the provider"));
			}
		}
		free(rows);
	}
	if (!ret)
		*report = json_pack("{s:I,s:O,s:O,s:I}", "checked", (json_int_t)checked,
				    "missing", missing, "mismatched", mismatched,
				    "fixed", (json_int_t)fixed);
out:
	json_decref(missing);
	json_decref(mismatched);
	return ret;
}
