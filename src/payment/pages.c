/*
 * The HTML of payments: the fees and payments on the officer's dossier
 * page with the counter payment form (/thu-phi/{code}); on the public
 * tracking page what is due and paid with the button to pay online
 * (/thanh-toan/{code}); the page the provider sends the payer back to
 * (/thanh-toan/ket-qua).  Rules are in payment.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "dossier/dossier.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"
#include "payment/payment.h"

#define PAY_URL "/thanh-toan/"
#define RETURN_URL "/thanh-toan/ket-qua"
#define COUNTER_PAY_URL "/thu-phi/"

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static void money(struct strbuf *out, json_int_t amount)
{
	struct strbuf s = STRBUF_INIT;

	catalog_format_vnd(&s, amount);
	html_txt(out, s.buf);
	strbuf_release(&s);
}

static const char *method_label(const char *m)
{
	if (!strcmp(m, "cash"))
		return _("Cash at the counter");
	if (!strcmp(m, "card"))
		return _("Card at the counter");
	if (!strcmp(m, "online"))
		return _("Online");
	return m;
}

static const char *payment_state_label(const char *s)
{
	if (!strcmp(s, "paid"))
		return _("Paid");
	if (!strcmp(s, "pending"))
		return _("Waiting for the provider");
	if (!strcmp(s, "failed"))
		return _("Not paid");
	return s;
}

static void due_paid(struct strbuf *out, json_int_t due, json_int_t paid)
{
	html(out, "<dl class=\"facts\">\n<dt>");
	html_txt(out, _("Fee due"));
	html(out, "</dt><dd>");
	money(out, due);
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Fee paid"));
	html(out, "</dt><dd>");
	money(out, paid);
	html(out, "</dd>\n</dl>\n");
}

void payment_dossier_section(struct request *req, struct response *res, const char *code)
{
	struct strbuf *out = &res->body;
	struct err e = ERR_INIT;
	json_t *p = NULL, *v;
	json_int_t due, paid;
	size_t i;

	if (payment_list(req->db, req->user, code, &p, &e))
		return;
	due = json_integer_value(json_object_get(p, "fee_due"));
	paid = json_integer_value(json_object_get(p, "fee_paid"));
	html(out, "<section class=\"payments\" id=\"phi\" aria-labelledby=\"fees-h\">\n<h2 id=\"fees-h\">");
	html_txt(out, _("Fees and payments"));
	html(out, "</h2>\n");
	due_paid(out, due, paid);
	if (json_array_size(json_object_get(p, "fees"))) {
		html(out, "<table class=\"fees\">\n<thead><tr><th scope=\"col\">");
		html_txt(out, _("Fee"));
		html(out, "</th><th scope=\"col\" class=\"num\">");
		html_txt(out, _("Amount"));
		html(out, "</th></tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(p, "fees"), i, v) {
			html(out, "<tr><td>");
			html_txt(out, jstr(v, "name"));
			html(out, "</td><td class=\"num\">");
			money(out, json_integer_value(json_object_get(v, "amount")));
			html(out, "</td></tr>\n");
		}
		html(out, "</tbody>\n</table>\n");
	}
	if (json_array_size(json_object_get(p, "payments"))) {
		html(out, "<table class=\"fees\">\n<caption>");
		html_txt(out, _("Payments"));
		html(out, "</caption>\n<thead><tr><th scope=\"col\">");
		html_txt(out, _("Order"));
		html(out, "</th><th scope=\"col\">");
		html_txt(out, _("Method"));
		html(out, "</th><th scope=\"col\">");
		html_txt(out, _("State"));
		html(out, "</th><th scope=\"col\" class=\"num\">");
		html_txt(out, _("Amount paid"));
		html(out, "</th></tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(p, "payments"), i, v) {
			html(out, "<tr><td>");
			html_txt(out, jstr(v, "order_id"));
			if (*jstr(v, "reference")) {
				html(out, "<br><span class=\"meta\">");
				html_txt(out, jstr(v, "reference"));
				html(out, "</span>");
			}
			html(out, "</td><td>");
			html_txt(out, method_label(jstr(v, "method")));
			html(out, "</td><td>");
			html_txt(out, payment_state_label(jstr(v, "state")));
			html(out, "</td><td class=\"num\">");
			money(out, json_integer_value(json_object_get(v, "amount")));
			html(out, "</td></tr>\n");
		}
		html(out, "</tbody>\n</table>\n");
	}
	if (due > paid && user_has(req->user, ROLE_CLERK)) {
		char left[24];

		snprintf(left, sizeof(left), "%lld", (long long)(due - paid));
		html(out, "<form class=\"stack payment\" method=\"post\" action=\"" COUNTER_PAY_URL);
		html_url_arg(out, code);
		html(out, "\">\n");
		org_csrf_field(req, res);
		html(out, "<fieldset><legend>");
		html_txt(out, _("Take the fee at the counter"));
		html(out, "</legend>\n<p class=\"radio\"><input type=\"radio\" name=\"method\" value=\"cash\" id=\"f-pay-cash\" checked>"
		     "<label for=\"f-pay-cash\">");
		html_txt(out, _("Cash at the counter"));
		html(out, "</label></p>\n<p class=\"radio\"><input type=\"radio\" name=\"method\" value=\"card\" id=\"f-pay-card\">"
		     "<label for=\"f-pay-card\">");
		html_txt(out, _("Card at the counter"));
		html(out, "</label></p>\n</fieldset>\n<p><label for=\"f-pay-amount\">");
		html_txt(out, _("Amount (đồng)"));
		html(out, "</label><input type=\"text\" inputmode=\"numeric\" name=\"amount\" id=\"f-pay-amount\" value=\"");
		html_attr(out, left);
		html(out, "\"></p>\n<p><label for=\"f-pay-reference\">");
		html_txt(out, _("Card slip reference"));
		html(out, "</label><input type=\"text\" name=\"reference\" id=\"f-pay-reference\" autocomplete=\"off\"></p>\n"
		     "<p><button type=\"submit\">");
		html_txt(out, _("Record the payment"));
		html(out, "</button></p>\n</form>\n");
	}
	html(out, "</section>\n");
	json_decref(p);
}

void payment_track_section(struct request *req, struct response *res, json_t *t,
			   const char *check)
{
	const struct payment_provider *const *pv = payment_providers();
	struct strbuf *out = &res->body;
	const char *code = jstr(t, "code");
	json_int_t due, paid;

	due = json_integer_value(json_object_get(t, "fee_due"));
	paid = json_integer_value(json_object_get(t, "fee_paid"));
	if (due <= 0)
		return;
	html(out, "<section class=\"payments\" aria-labelledby=\"fees-h\">\n<h2 id=\"fees-h\">");
	html_txt(out, _("Fee"));
	html(out, "</h2>\n");
	due_paid(out, due, paid);
	if (due > paid && *pv && strcmp(jstr(t, "state"), "rejected") &&
	    strcmp(jstr(t, "state"), "withdrawn")) {
		html(out, "<form class=\"stack\" method=\"post\" action=\"" PAY_URL);
		html_url_arg(out, code);
		html(out, "\">\n");
		org_csrf_field(req, res);
		html_hidden(out, "so", check);
		html_hidden(out, "provider", (*pv)->name);
		html(out, "<p><button type=\"submit\">");
		html_txt(out, _("Pay online"));
		html(out, "</button> <span class=\"hint\">");
		html_txt(out, _((*pv)->label));
		html(out, "</span></p>\n</form>\n");
	}
	html(out, "</section>\n");
}

/* ---- routes ------------------------------------------------------------------ */

static long long form_money(const char *s)
{
	long long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s == '.' || *s == ' ')
			continue;	/* 150.000 */
		if (*s < '0' || *s > '9' || v > 1000000000000LL)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static int page_counter_pay(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct strbuf url = STRBUF_INIT;
	long long amount = form_money(req_form(req, "amount"));
	json_t *out = NULL;
	int ret;

	if (amount < 0)
		return err_set(&req->err, E_INVALID, "amount",
			       "the amount must be a positive number of đồng");
	ret = payment_counter(req->db, req->user, &who, req_arg(req, 0), req_form(req, "method"),
			      amount, req_form(req, "reference"), &out, &req->err);
	if (ret)
		return ret;
	strbuf_addstr(&url, "/ho-so/");
	html_url_arg(&url, req_arg(req, 0));
	strbuf_addstr(&url, "#phi");
	res_redirect(res, url.buf);
	strbuf_release(&url);
	json_decref(out);
	return 0;
}

static int page_pay(struct request *req, struct response *res)
{
	json_t *out = NULL;
	int ret = org_csrf_check(req);

	if (!ret)
		ret = dossier_track_take(req);
	if (ret)
		return ret;
	ret = payment_start(req->db, NULL, req_arg(req, 0), req_form(req, "so"),
			    req_form(req, "provider"), &out, &req->err);
	if (ret)
		return ret;
	res_redirect(res, jstr(out, "redirect_url"));
	json_decref(out);
	return 0;
}

static int page_return(struct request *req, struct response *res)
{
	const char *order = req_query(req, "order"), *status = req_query(req, "status");
	const char *sig = req_query(req, "sig");
	const struct payment_provider *pv;
	struct strbuf *out = &res->body;
	json_t *o = NULL;
	const char *state;
	int ret;

	ret = payment_order(req->db, order, &o, &req->err);
	if (ret)
		return ret;
	pv = payment_provider_find(jstr(o, "provider"));
	if (!pv || !status || !pv->verify_return(req->db, order, status, sig)) {
		json_decref(o);
		return err_set(&req->err, E_INVALID, NULL, "this payment link is not valid");
	}
	state = jstr(o, "state");
	res_header(res, "Cache-Control", "no-store");
	page_begin(req, res, _("Payment"));
	html(out, "<h1>");
	html_txt(out, _("Payment"));
	html(out, "</h1>\n<p class=\"notice\" role=\"status\">");
	if (!strcmp(state, "paid"))
		html_txt_sub(out, _("The fee of dossier %s has been paid. Thank you."),
			     jstr(o, "code"), NULL);
	else if (!strcmp(state, "failed") || !strcmp(status, "cancelled"))
		html_txt_sub(out, _("The payment for dossier %s was not made."), jstr(o, "code"), NULL);
	else
		html_txt_sub(out, _("The payment for dossier %s is waiting for the provider's confirmation."),
			     jstr(o, "code"), NULL);
	html(out, "</p>\n<dl class=\"facts\">\n<dt>");
	html_txt(out, _("Order"));
	html(out, "</dt><dd>");
	html_txt(out, order);
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Amount to pay"));
	html(out, "</dt><dd>");
	money(out, json_integer_value(json_object_get(o, "amount")));
	html(out, "</dd>\n<dt>");
	html_txt(out, _("State"));
	html(out, "</dt><dd class=\"payment-state\">");
	html_txt(out, payment_state_label(state));
	html(out, "</dd>\n</dl>\n<p><a href=\"/tra-cuu?ma=");
	html_url_arg(out, jstr(o, "code"));
	html(out, "\">");
	html_txt(out, _("Back to tracking"));
	html(out, "</a></p>\n");
	page_end(req, res);
	json_decref(o);
	return 0;
}

const struct route payment_page_routes[] = {
	{ "POST", COUNTER_PAY_URL "{code}", page_counter_pay, ROUTE_HTML, ROLE_CLERK,
	  "record a fee paid at the counter, from the dossier's page" },
	{ "POST", PAY_URL "{code}", page_pay, ROUTE_HTML, ROLE_PUBLIC,
	  "the applicant starts paying online from the tracking page" },
	{ "GET", RETURN_URL, page_return, ROUTE_HTML, ROLE_PUBLIC,
	  "where the payment provider sends the payer back" },
};
const unsigned payment_page_nroutes = sizeof(payment_page_routes) /
	sizeof(payment_page_routes[0]);
