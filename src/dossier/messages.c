/*
 * What the applicant is told, and what officers see of it: the SMS (and
 * e-mail, when the applicant gave an address) queued with each event of
 * a dossier, in the event's transaction, and the list of a dossier's
 * messages with their delivery state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "dossier/dossier_impl.h"
#include "dossier/slips.h"
#include "http/html.h"
#include "http/http.h"
#include "notify/notify.h"
#include "org/org.h"

/* Which template an event sends; NULL: the applicant is not told. */
static const char *template_of(const char *event, const char *channel)
{
	static const struct {
		const char *event, *key;
	} map[] = {
		{ "receive", "dossier.received" },
		{ "request_completion", "dossier.incomplete" },
		{ "reject", "dossier.rejected" },
		{ "request_supplement", "dossier.supplement" },
		{ "apologize", "dossier.apology" },
		{ "mark_ready", "dossier.result_ready" },
		{ "return", "dossier.returned" },
	};

	if (!strcmp(event, "accept"))
		return !strcmp(channel, "online") ? "dossier.accepted" : "dossier.received";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].event, event))
			return map[i].key;
	return NULL;
}

/* "YYYY-MM-DD" → "DD/MM/YYYY". */
static void vn_day(const char *iso, char out[16])
{
	if (iso && strlen(iso) == 10)
		snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, 16, "%s", iso ? iso : "");
}

/* The reason told to the applicant: the officer's reason, else the documents asked for. */
static void reason_of(json_t *args, struct strbuf *out)
{
	const char *r = json_string_value(json_object_get(args, "reason"));
	json_t *docs = json_object_get(args, "documents"), *v;
	size_t i;

	if (r && *r) {
		strbuf_addstr(out, r);
		return;
	}
	json_array_foreach(docs, i, v)
		if (json_is_string(v))
			strbuf_addf(out, "%s%s", out->len ? ", " : "", json_string_value(v));
	if (!out->len && (r = json_string_value(json_object_get(args, "note"))))
		strbuf_addstr(out, r);
}

int dossier_notify(struct db *db, int64_t dossier_id, const char *event, json_t *args,
		   struct err *e)
{
	struct db_stmt *st;
	struct strbuf reason = STRBUF_INIT, track = STRBUF_INIT, rate = STRBUF_INIT;
	char *code = NULL, *channel = NULL, *procedure = NULL, *phone = NULL, *email = NULL;
	char due[16] = "", new_date[16] = "", day[11];
	const char *key;
	int64_t due_at = 0;
	int ret, rc;

	st = db_prepare(db, "SELECT code, channel, procedure_name, applicant_phone,"
			" applicant_email, COALESCE(promised_at, due_at) FROM dossier WHERE id = ?");
	db_bind_int(st, 1, dossier_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		code = xstrdup(db_col_text(st, 0));
		channel = xstrdup(db_col_text(st, 1));
		procedure = xstrdup(db_col_text(st, 2));
		phone = xstrdup(db_col_text(st, 3));
		email = xstrdup(db_col_text(st, 4));
		due_at = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
	}
	db_reset(st);
	if (rc != DB_ROW) {
		ret = rc < 0 ? rc : error("dossier: no dossier %lld to notify about",
					  (long long)dossier_id);
		goto out;
	}
	key = template_of(event, channel);
	if (!key) {
		ret = 0;
		goto out;
	}
	if (due_at) {
		dossier_day(due_at, day);
		vn_day(day, due);
	}
	vn_day(json_string_value(json_object_get(args, "new_date")), new_date);
	reason_of(args, &reason);
	strbuf_addf(&track, "%s/tra-cuu?ma=%s", slips_public_url(), code);
	strbuf_addf(&rate, "%s/danh-gia/%s", slips_public_url(), code);
	{
		struct notify_var vars[] = {
			{ "code", code }, { "procedure", procedure }, { "due", due },
			{ "reason", reason.buf }, { "new_date", new_date },
			{ "track_url", track.buf }, { "rate_url", rate.buf },
		};
		size_t n = sizeof(vars) / sizeof(vars[0]);

		ret = notify_enqueue(db, NOTIFY_SMS, phone, key, vars, n, dossier_id, NULL, e);
		if (!ret && *email && notify_recipient_ok(NOTIFY_EMAIL, email))
			ret = notify_enqueue(db, NOTIFY_EMAIL, email, key, vars, n, dossier_id,
					     NULL, e);
	}
	/* A missing template or a bad phone is a bug here, not the officer's mistake. */
	if (ret && ret != E_INTERNAL)
		ret = error("dossier: cannot tell the applicant of %s: %s", code, e->message);
out:
	free(code);
	free(channel);
	free(procedure);
	free(phone);
	free(email);
	strbuf_release(&reason);
	strbuf_release(&track);
	strbuf_release(&rate);
	return ret;
}

/* ---- what officers see ------------------------------------------------ */

static int api_messages(struct request *req, struct response *res)
{
	struct dossier_row d = DOSSIER_ROW_INIT;
	const char *code = req_arg(req, 0);
	json_t *list;
	int ret = dossier_row_load(req->db, code, &d);

	if (!ret && !dossier_visible(req->user, &d))
		ret = E_NOTFOUND;
	if (ret == E_NOTFOUND)
		ret = err_set(&req->err, E_NOTFOUND, NULL, "there is no dossier '%s'", code);
	if (!ret)
		ret = notify_list_dossier(req->db, d.id, &list);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", list));
	dossier_row_release(&d);
	return ret;
}

static const char *state_label(const char *s)
{
	static const struct {
		const char *state, *label;
	} labels[] = {
		{ "created", N_("queued") },
		{ "sending", N_("sent, awaiting receipt") },
		{ "delivered", N_("delivered") },
		{ "temp_failed", N_("failed, will retry") },
		{ "failed", N_("failed") },
		{ "tech_failed", N_("failed after retries") },
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].state, s))
			return _(labels[i].label);
	return s;
}

static void local_time(struct strbuf *out, json_int_t t)
{
	time_t lt = (time_t)t + 7 * 3600;
	struct tm tm;
	char iso[40], shown[40];

	gmtime_r(&lt, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M+07:00", &tm);
	strftime(shown, sizeof(shown), "%d/%m/%Y %H:%M", &tm);
	html(out, "<time datetime=\"");
	html_attr(out, iso);
	html(out, "\">");
	html_txt(out, shown);
	html(out, "</time>");
}

void dossier_messages_section(struct request *req, struct strbuf *out, int64_t dossier_id)
{
	json_t *list = NULL, *m;
	size_t i;

	html(out, "<section aria-labelledby=\"messages-h\">\n<h2 id=\"messages-h\">");
	html_txt(out, _("Messages to the applicant"));
	html(out, "</h2>\n");
	if (notify_list_dossier(req->db, dossier_id, &list) || !json_array_size(list)) {
		html(out, "<p>");
		html_txt(out, _("No message has been sent about this dossier."));
		html(out, "</p>\n</section>\n");
		json_decref(list);
		return;
	}
	html(out, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"messages-h\">\n"
	     "<table class=\"messages\">\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Time"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Channel"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Recipient"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Message"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("State"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Attempts"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(list, i, m) {
		const char *ch = json_string_value(json_object_get(m, "channel"));
		const char *err = json_string_value(json_object_get(m, "last_error"));

		html(out, "<tr><td>");
		local_time(out, json_integer_value(json_object_get(m, "created_at")));
		html(out, "</td><td>");
		html_txt(out, !strcmp(ch, "sms") ? _("SMS") : !strcmp(ch, "email") ? _("E-mail")
			 : _("Webhook"));
		html(out, "</td><td>");
		html_txt(out, json_string_value(json_object_get(m, "recipient")));
		html(out, "</td><td>");
		html_txt(out, json_string_value(json_object_get(m, "template")));
		html(out, "</td><td>");
		html_txt(out, state_label(json_string_value(json_object_get(m, "state"))));
		if (err && *err) {
			html(out, "<br><span class=\"meta\">");
			html_txt(out, err);
			html(out, "</span>");
		}
		html(out, "</td><td>");
		html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(m, "attempts")));
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody></table></div>\n</section>\n");
	json_decref(list);
}

const struct route dossier_message_routes[] = {
	{ "GET", "/api/v1/dossiers/{code}/messages", api_messages, ROUTE_JSON, ROLES_STAFF,
	  "the SMS and e-mail sent about a dossier, with their delivery state" },
};
const unsigned dossier_message_nroutes =
	sizeof(dossier_message_routes) / sizeof(dossier_message_routes[0]);
