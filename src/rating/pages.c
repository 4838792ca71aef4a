/*
 * The rating page /danh-gia/{code}: the applicant gives the last 4 digits
 * of the phone (unless they came from tracking with them), then rates the
 * five factors — one fieldset of radio buttons each, no JavaScript — and
 * may leave a comment.
 */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "dossier/dossier.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"
#include "rating/rating.h"

#define RATE_URL "/danh-gia/"

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static const char *score_label(int n)
{
	static const char *const labels[] = { "", N_("Very dissatisfied"), N_("Dissatisfied"),
		N_("Neutral"), N_("Satisfied"), N_("Very satisfied") };

	return n >= 1 && n <= 5 ? labels[n] : "";
}

void rating_track_section(struct request *req, struct response *res, json_t *t,
			  const char *check)
{
	struct strbuf *out = &res->body;

	if (strcmp(jstr(t, "state"), "returned"))
		return;
	html(out, "<section class=\"rating\" aria-labelledby=\"rating-h\">\n<h2 id=\"rating-h\">");
	html_txt(out, _("Rate the service"));
	html(out, "</h2>\n<p>");
	if (json_is_true(json_object_get(t, "rated"))) {
		html_txt(out, _("You have rated this dossier. Thank you."));
	} else {
		html(out, "<a href=\"" RATE_URL);
		html_url_arg(out, jstr(t, "code"));
		html(out, "?so=");
		html_url_arg(out, check);
		html(out, "\">");
		html_txt(out, _("Tell us how satisfied you are with how this dossier was handled"));
		html(out, "</a>");
	}
	html(out, "</p>\n</section>\n");
}

static void error_box(struct strbuf *out, const struct err *e)
{
	if (!e->message[0])
		return;
	html(out, "<div role=\"alert\" id=\"form-error\" class=\"form-error\">\n<p class=\"error\">");
	html_txt(out, e->message);
	html(out, "</p>\n");
	if (e->field[0]) {
		html(out, "<p><a href=\"#f-");
		html_attr(out, e->field);
		html(out, "\">");
		html_txt(out, _("Go to the field"));
		html(out, "</a></p>\n");
	}
	html(out, "</div>\n");
}

/* The form asking for the phone's digits first. */
static void check_form(struct strbuf *out, const char *code)
{
	html(out, "<form class=\"stack\" method=\"get\" action=\"" RATE_URL);
	html_url_arg(out, code);
	html(out, "\">\n<p><label for=\"f-so\">");
	html_txt(out, _("Last 4 digits of your phone number"));
	html(out, "</label><input type=\"text\" inputmode=\"numeric\" name=\"so\" id=\"f-so\""
	     " autocomplete=\"off\" maxlength=\"4\" required></p>\n<p><button type=\"submit\">");
	html_txt(out, _("Continue"));
	html(out, "</button></p>\n</form>\n");
}

static void rate_form(struct request *req, struct response *res, const char *code,
		      const char *check)
{
	struct strbuf *out = &res->body;
	const char *comment = req_form(req, "comment");

	html(out, "<form class=\"stack rating\" method=\"post\" action=\"" RATE_URL);
	html_url_arg(out, code);
	html(out, "\">\n");
	org_csrf_field(req, res);
	html_hidden(out, "so", check);
	for (int i = 0; i < DOSSIER_RATING_FACTORS; i++) {
		const char *f = dossier_rating_factors[i];
		const char *given = req_form(req, f);

		html(out, "<fieldset id=\"f-");
		html_attr(out, f);
		html(out, "\"><legend>");
		html_txt(out, _(rating_factor_label(i)));
		html(out, "</legend>\n");
		for (int n = 5; n >= 1; n--) {
			char id[48], v[12];

			snprintf(id, sizeof(id), "f-%s-%d", f, n);
			snprintf(v, sizeof(v), "%d", n);
			html(out, "<p class=\"radio\"><input type=\"radio\" required name=\"");
			html_attr(out, f);
			html(out, "\" value=\"");
			html_attr(out, v);
			html(out, "\" id=\"");
			html_attr(out, id);
			html(out, given && !strcmp(given, v) ? "\" checked>" : "\">");
			html(out, "<label for=\"");
			html_attr(out, id);
			html(out, "\">");
			html_txtf(out, "%d — %s", n, _(score_label(n)));
			html(out, "</label></p>\n");
		}
		html(out, "</fieldset>\n");
	}
	html(out, "<p><label for=\"f-comment\">");
	html_txt(out, _("Comment (optional)"));
	html(out, "</label><textarea name=\"comment\" id=\"f-comment\" rows=\"4\" maxlength=\"2000\">");
	html_txt(out, comment);
	html(out, "</textarea></p>\n<p><button type=\"submit\">");
	html_txt(out, _("Send the rating"));
	html(out, "</button></p>\n</form>\n");
}

/*
 * The page: ask for the digits; then, if the dossier can be rated, the
 * form; otherwise why not (not returned yet, rated already).
 */
static int rating_page(struct request *req, struct response *res, const char *check,
		       struct err *posted, bool done)
{
	struct strbuf *out = &res->body;
	const char *code = req_arg(req, 0);
	struct err e = ERR_INIT;
	json_t *t = NULL;
	int ret;

	res_header(res, "Cache-Control", "no-store");
	res_header(res, "Referrer-Policy", "no-referrer");
	if (check && *check && !posted && !done && !dossier_track_refused(req, res, &e)) {
		ret = dossier_track(req->db, code, check, &t, &e);
		if (ret == E_NOTFOUND)
			res->status = 404;
		else if (ret)
			return ret;
	}
	if (posted)
		e = *posted;
	page_begin(req, res, _("Rate the service"));
	html(out, "<h1>");
	html_txt(out, _("Rate the service"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt_sub(out, _("Dossier %s"), code, NULL);
	html(out, "</p>\n");
	if (done) {
		html(out, "<p class=\"notice\" role=\"status\">");
		html_txt(out, _("Thank you: your rating has been recorded."));
		html(out, "</p>\n");
		goto end;
	}
	error_box(out, &e);
	if (posted && posted->code != E_CONFLICT && posted->code != E_NOTFOUND &&
	    posted->code != E_RATELIMIT) {
		rate_form(req, res, code, check);
		goto end;
	}
	if (!t) {
		if (!posted || posted->code == E_NOTFOUND || posted->code == E_RATELIMIT)
			check_form(out, code);
		goto end;
	}
	if (json_is_true(json_object_get(t, "rated"))) {
		res->status = 409;
		html(out, "<p class=\"notice\" role=\"status\">");
		html_txt(out, _("You have rated this dossier. Thank you."));
		html(out, "</p>\n");
	} else if (strcmp(jstr(t, "state"), "returned")) {
		res->status = 409;
		html(out, "<p class=\"notice\" role=\"status\">");
		html_txt_sub(out, _("This dossier is %s: it can be rated once its result is returned."),
			     jstr(t, "status"), NULL);
		html(out, "</p>\n");
	} else {
		html(out, "<p>");
		html_txt(out, _("Rate each part of the service from 1 (very dissatisfied) to 5 (very satisfied)."));
		html(out, "</p>\n");
		rate_form(req, res, code, check);
	}
end:
	page_end(req, res);
	json_decref(t);
	return 0;
}

static int page_rate(struct request *req, struct response *res)
{
	return rating_page(req, res, req_query(req, "so"), NULL, false);
}

static int page_rate_post(struct request *req, struct response *res)
{
	int scores[DOSSIER_RATING_FACTORS];
	const char *check = req_form(req, "so");
	struct err e = ERR_INIT;
	int ret = org_csrf_check(req);

	if (ret)
		return ret;
	for (int i = 0; i < DOSSIER_RATING_FACTORS; i++) {
		const char *v = req_form(req, dossier_rating_factors[i]);

		scores[i] = v && strlen(v) == 1 && *v >= '1' && *v <= '5' ? *v - '0' : 0;
	}
	if (dossier_track_refused(req, res, &e))
		return rating_page(req, res, check, &e, false);
	ret = rating_submit(req->db, req_arg(req, 0), check ? check : "", scores,
			    req_form(req, "comment"), &e);
	if (ret && ret != E_INVALID && ret != E_CONFLICT && ret != E_NOTFOUND) {
		req->err = e;
		return ret;
	}
	if (ret)
		res->status = http_status_for(ret);
	return rating_page(req, res, check, ret ? &e : NULL, !ret);
}

const struct route rating_page_routes[] = {
	{ "GET", RATE_URL "{code}", page_rate, ROUTE_HTML, ROLE_PUBLIC,
	  "the applicant's rating form of a returned dossier (code and phone digits)" },
	{ "POST", RATE_URL "{code}", page_rate_post, ROUTE_HTML, ROLE_PUBLIC,
	  "the applicant rates a returned dossier once" },
};
const unsigned rating_page_nroutes = sizeof(rating_page_routes) / sizeof(rating_page_routes[0]);
