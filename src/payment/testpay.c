/*
 * testpay: the built-in test payment provider.  It plays the provider's
 * side of the protocol of payment.h over real HTTP, so the whole path can
 * be tried without a bank: its page (/thanh-toan/thu-nghiem/{order}) shows
 * the order with "Thanh toán" and "Hủy" buttons; paying records the
 * transaction in its own table (testpay_transaction), POSTs the signed
 * callback to <public_url>/api/v1/payments/callback/testpay with libcurl,
 * and sends the payer back to the signed return URL.
 *
 * A third button pays without sending the callback — a lost callback, the
 * case reconciliation exists for — so that it can be shown and tested.
 * testpay is off unless the setting payment_testpay is 1: never in
 * production, where it would let anyone mark a fee paid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"
#include "payment/payment.h"

#define TESTPAY_URL "/thanh-toan/thu-nghiem/"

const char *payment_testpay_configured_secret(void);

static char *secret_of(struct db *db)
{
	return payment_secret(db, "testpay", payment_testpay_configured_secret());
}

/* The signed message of a start URL: "order|amount|return". */
static void start_message(struct strbuf *m, const char *order, int64_t amount,
			  const char *return_url)
{
	strbuf_addf(m, "%s|%lld|%s", order, (long long)amount, return_url);
}

static int testpay_start(struct db *db, const char *order, int64_t amount,
			 const char *return_url, struct strbuf *url, struct err *e)
{
	struct strbuf m = STRBUF_INIT;
	char *secret = secret_of(db), sig[65];

	if (!secret)
		return error("testpay: no secret");
	start_message(&m, order, amount, return_url);
	payment_sign(secret, m.buf, m.len, sig);
	strbuf_addf(url, "%s" TESTPAY_URL, payment_public_url());
	html_url_arg(url, order);
	strbuf_addf(url, "?amount=%lld&return=", (long long)amount);
	html_url_arg(url, return_url);
	strbuf_addf(url, "&sig=%s", sig);
	strbuf_release(&m);
	free(secret);
	return 0;
}

static int copy_field(json_t *o, const char *key, char *out, size_t size, struct err *e)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || !*s || strlen(s) >= size)
		return err_set(e, E_INVALID, key, "the callback's %s is missing or too long", key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int testpay_verify(struct db *db, const char *body, const char *signature,
			  struct payment_notice *n, struct err *e)
{
	char *secret = secret_of(db);
	json_t *o = NULL;
	int ret;

	if (!secret)
		return error("testpay: no secret");
	o = json_loads(body, 0, NULL);
	/* The order id, if readable, names the log line even of a forgery. */
	if (json_is_object(o)) {
		const char *order = json_string_value(json_object_get(o, "order_id"));

		if (order)
			snprintf(n->order_id, sizeof(n->order_id), "%s", order);
	}
	if (!payment_signature_ok(secret, body, strlen(body), signature)) {
		ret = err_set(e, E_DENIED, "signature", "the callback's signature is not valid");
		goto out;
	}
	if (!json_is_object(o)) {
		ret = err_set(e, E_INVALID, NULL, "the callback's body is not a JSON object");
		goto out;
	}
	ret = copy_field(o, "order_id", n->order_id, sizeof(n->order_id), e);
	if (!ret)
		ret = copy_field(o, "transaction_id", n->transaction_id, sizeof(n->transaction_id), e);
	if (!ret)
		ret = copy_field(o, "status", n->status, sizeof(n->status), e);
	if (ret)
		goto out;
	if (!json_is_integer(json_object_get(o, "amount")) ||
	    !json_is_integer(json_object_get(o, "timestamp"))) {
		ret = err_set(e, E_INVALID, "amount", "the callback's amount and timestamp must be numbers");
		goto out;
	}
	n->amount = json_integer_value(json_object_get(o, "amount"));
	n->timestamp = json_integer_value(json_object_get(o, "timestamp"));
	if (strcmp(n->status, "paid") && strcmp(n->status, "failed"))
		ret = err_set(e, E_INVALID, "status", "the callback's status must be paid or failed");
out:
	json_decref(o);
	free(secret);
	return ret;
}

static bool testpay_verify_return(struct db *db, const char *order, const char *status,
				  const char *signature)
{
	struct strbuf m = STRBUF_INIT;
	char *secret = secret_of(db);
	bool ok;

	strbuf_addf(&m, "%s|%s", order, status);
	ok = secret && payment_signature_ok(secret, m.buf, m.len, signature);
	strbuf_release(&m);
	free(secret);
	return ok;
}

static int testpay_query(struct db *db, const char *order, struct payment_notice *n,
			 struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT transaction_id, amount, status, created_at"
					" FROM testpay_transaction WHERE order_id = ?"
					" ORDER BY status = 'paid' DESC, id DESC LIMIT 1");
	int ret;

	db_bind_text(st, 1, order);
	ret = db_step(st);
	if (ret == DB_ROW) {
		snprintf(n->order_id, sizeof(n->order_id), "%s", order);
		snprintf(n->transaction_id, sizeof(n->transaction_id), "%s", db_col_text(st, 0));
		n->amount = db_col_int(st, 1);
		snprintf(n->status, sizeof(n->status), "%s", db_col_text(st, 2));
		n->timestamp = db_col_int(st, 3);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

const struct payment_provider payment_testpay = {
	.name = "testpay",
	.label = N_("Test payment (not real money)"),
	.start = testpay_start,
	.verify = testpay_verify,
	.verify_return = testpay_verify_return,
	.query = testpay_query,
};

/* ---- the provider's pages ------------------------------------------------ */

struct order_args {
	const char *order, *ret;
	int64_t amount;
};

/* The order of the page, if its signature is right. */
static int order_args(struct request *req, bool form, struct order_args *a)
{
	const char *amount = form ? req_form(req, "amount") : req_query(req, "amount");
	const char *sig = form ? req_form(req, "sig") : req_query(req, "sig");
	struct strbuf m = STRBUF_INIT;
	char *secret, *end;
	bool ok;

	if (!payment_provider_find("testpay"))
		return err_set(&req->err, E_NOTFOUND, NULL, "the test payment provider is off");
	a->order = req_arg(req, 0);
	a->ret = form ? req_form(req, "return") : req_query(req, "return");
	a->amount = amount ? strtoll(amount, &end, 10) : 0;
	if (!amount || *end || !a->ret || !sig)
		return err_set(&req->err, E_INVALID, NULL, "this payment link is incomplete");
	secret = secret_of(req->db);
	if (!secret)
		return error("testpay: no secret");
	start_message(&m, a->order, a->amount, a->ret);
	ok = payment_signature_ok(secret, m.buf, m.len, sig);
	strbuf_release(&m);
	free(secret);
	if (!ok)
		return err_set(&req->err, E_INVALID, "sig", "this payment link is not valid");
	return 0;
}

static int page_testpay(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, s = STRBUF_INIT;
	struct order_args a;
	char amount[24];
	int ret = order_args(req, false, &a);

	if (ret)
		return ret;
	res_header(res, "Cache-Control", "no-store");
	page_begin(req, res, _("Test payment"));
	html(out, "<h1>");
	html_txt(out, _("Test payment"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("This is the built-in test payment provider: no real money is taken."));
	html(out, "</p>\n<dl class=\"facts\">\n<dt>");
	html_txt(out, _("Order"));
	html(out, "</dt><dd>");
	html_txt(out, a.order);
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Amount to pay"));
	html(out, "</dt><dd>");
	catalog_format_vnd(&s, a.amount);
	html_txt(out, s.buf);
	html(out, "</dd>\n</dl>\n<form method=\"post\" action=\"" TESTPAY_URL);
	html_attr(out, a.order);
	html(out, "\" class=\"stack\">\n");
	org_csrf_field(req, res);
	snprintf(amount, sizeof(amount), "%lld", (long long)a.amount);
	html_hidden(out, "amount", amount);
	html_hidden(out, "return", a.ret);
	html_hidden(out, "sig", req_query(req, "sig"));
	html(out, "<p class=\"buttons\"><button type=\"submit\" name=\"action\" value=\"pay\">");
	html_txt(out, _("Pay"));
	html(out, "</button> <button type=\"submit\" name=\"action\" value=\"cancel\" class=\"secondary\">");
	html_txt(out, _("Cancel"));
	html(out, "</button></p>\n<p><button type=\"submit\" name=\"action\" value=\"lose\" class=\"secondary\">");
	html_txt(out, _("Pay, but lose the callback (to test reconciliation)"));
	html(out, "</button></p>\n</form>\n");
	page_end(req, res);
	strbuf_release(&s);
	return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* POSTs the signed callback to cchc; 0 when cchc answered 2xx. */
static int send_callback(const char *secret, const char *body)
{
	struct strbuf url = STRBUF_INIT, hdr = STRBUF_INIT;
	struct curl_slist *headers = NULL;
	char sig[65];
	long status = 0;
	CURLcode rc;
	CURL *c = curl_easy_init();

	if (!c)
		return E_INTERNAL;
	payment_sign(secret, body, strlen(body), sig);
	strbuf_addf(&url, "%s/api/v1/payments/callback/testpay", payment_public_url());
	strbuf_addf(&hdr, "X-Signature: %s", sig);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, hdr.buf);
	curl_easy_setopt(c, CURLOPT_URL, url.buf);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK || status < 200 || status > 299)
		log_warn("testpay: callback to %s failed: %s, status %ld", url.buf,
			 rc == CURLE_OK ? "answered" : curl_easy_strerror(rc), status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	strbuf_release(&url);
	strbuf_release(&hdr);
	return rc == CURLE_OK && status >= 200 && status <= 299 ? 0 : E_INTERNAL;
}

static int page_testpay_post(struct request *req, struct response *res)
{
	const char *action = req_form(req, "action");
	struct strbuf url = STRBUF_INIT, m = STRBUF_INIT;
	struct order_args a;
	struct payment_notice existing;
	struct db_stmt *st;
	char txn[64] = "TP", *secret = NULL, sig[65], *body = NULL;
	const char *status;
	bool pay, notify;
	int ret;

	ret = org_csrf_check(req);
	if (!ret)
		ret = order_args(req, true, &a);
	if (ret)
		return ret;
	if (!action || (strcmp(action, "pay") && strcmp(action, "cancel") && strcmp(action, "lose")))
		return err_set(&req->err, E_INVALID, "action", "choose to pay or to cancel");
	pay = strcmp(action, "cancel") != 0;
	notify = strcmp(action, "lose") != 0;
	status = pay ? "paid" : "cancelled";
	secret = secret_of(req->db);
	if (!secret) {
		ret = error("testpay: no secret");
		goto out;
	}
	/* Paying twice (a double click, the back button) is the same payment. */
	memset(&existing, 0, sizeof(existing));
	if (!testpay_query(req->db, a.order, &existing, &req->err) &&
	    !strcmp(existing.status, "paid")) {
		snprintf(txn, sizeof(txn), "%s", existing.transaction_id);
		status = "paid";
		pay = true;
	} else {
		unsigned char rnd[12];

		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(txn + 2, sizeof(txn) - 2, rnd, sizeof(rnd));
		st = db_prepare(req->db, "INSERT INTO testpay_transaction (transaction_id, order_id,"
				" amount, status, notified, created_at) VALUES (?, ?, ?, ?, 0, ?)");
		db_bind_text(st, 1, txn);
		db_bind_text(st, 2, a.order);
		db_bind_int(st, 3, a.amount);
		db_bind_text(st, 4, status);
		db_bind_int(st, 5, clock_now());
		ret = db_run(st);
		if (ret)
			goto out;
	}
	err_clear(&req->err);
	if (notify) {
		json_t *o = json_pack("{s:s,s:s,s:I,s:s,s:I}", "order_id", a.order,
				      "transaction_id", txn, "amount", (json_int_t)a.amount,
				      "status", pay ? "paid" : "failed",
				      "timestamp", (json_int_t)clock_now());

		body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(o);
		/* No transaction is open here: cchc's handler takes the write lock. */
		if (!send_callback(secret, body)) {
			st = db_prepare(req->db, "UPDATE testpay_transaction SET notified = 1"
					" WHERE transaction_id = ?");
			db_bind_text(st, 1, txn);
			ret = db_run(st);
			if (ret)
				goto out;
		}
	}
	strbuf_addf(&m, "%s|%s", a.order, status);
	payment_sign(secret, m.buf, m.len, sig);
	strbuf_addstr(&url, a.ret);
	strbuf_addch(&url, strchr(a.ret, '?') ? '&' : '?');
	strbuf_addstr(&url, "order=");
	html_url_arg(&url, a.order);
	strbuf_addf(&url, "&status=%s&sig=%s", status, sig);
	res_redirect(res, url.buf);
out:
	free(body);
	free(secret);
	strbuf_release(&url);
	strbuf_release(&m);
	return ret;
}

const struct route payment_testpay_routes[] = {
	{ "GET", TESTPAY_URL "{order}", page_testpay, ROUTE_HTML, ROLE_PUBLIC,
	  "the test payment provider's page of an order (when payment_testpay is on)" },
	{ "POST", TESTPAY_URL "{order}", page_testpay_post, ROUTE_HTML, ROLE_PUBLIC,
	  "the test payment provider: pay or cancel, then call cchc back" },
};
const unsigned payment_testpay_nroutes = sizeof(payment_testpay_routes) /
	sizeof(payment_testpay_routes[0]);
