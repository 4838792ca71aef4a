/*
 * Reminders: tasks due within the plan's window (remind_days, 14 by
 * default) and overdue tasks, for the agencies that lead them; and the
 * periodic reports an agency has yet to send.  They are shown on the
 * agency's own page (/ke-hoach/cua-toi) and queued in the plan_reminder
 * outbox, which the notification service (issue 8) sends and marks sent.
 * Queueing is idempotent: one row per agency, subject and due date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "org/org.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"
#include "plan/tasks.h"

static void day_text(int day, char out[CALENDAR_DAY_SIZE])
{
	int y, m, d;

	calendar_day_to_ymd(day, &y, &m, &d);
	snprintf(out, CALENDAR_DAY_SIZE, "%02d/%02d/%04d", d, m, y);
}

/* The message of a reminder in lang; subject is a task's reference or a period's label. */
static void message(struct strbuf *out, const char *lang, const char *kind,
		    const char *subject, int due)
{
	static const struct {
		const char *kind, *msgid;
	} texts[] = {
		{ "due_soon", N_("Task %s of the reform plan is due on %s.") },
		{ "overdue", N_("Task %s of the reform plan was due on %s and is not done.") },
		{ "report_due", N_("Your agency's report on the reform plan for %s is due on %s.") },
		{ "report_overdue", N_("Your agency's report on the reform plan for %s was due on %s and has not been sent.") },
	};
	char d[CALENDAR_DAY_SIZE];

	day_text(due, d);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(texts[i].kind, kind))
			strbuf_addsub(out, i18n_tr(lang, texts[i].msgid), subject, d);
}

static bool for_agency(const struct user *viewer, int64_t agency_id, int64_t id,
		       const char *path)
{
	if (agency_id)
		return id == agency_id;
	return !viewer || plan_viewer_all(viewer) || user_sees_agency(viewer, path);
}

/*
 * Every reminder as of the day, as JSON, with its message in lang;
 * viewer NULL: every agency's.
 */
static int reminders(struct db *db, const struct user *viewer, const struct plan_info *p,
		     int64_t agency_id, int as_of, const char *lang, json_t **out,
		     struct err *e)
{
	struct taskset ts;
	json_t *subs = NULL, *s;
	size_t i;
	int ret = taskset_load(db, NULL, p, as_of, &ts);

	*out = NULL;
	if (ret)
		return ret;
	*out = json_array();
	for (int k = 0; k < ts.n; k++) {
		const struct task *t = &ts.t[k];
		const char *kind = t->state == PLAN_OVERDUE ? "overdue" :
			t->state == PLAN_DUE_SOON ? "due_soon" : NULL;

		if (!kind || t->group || !t->due)
			continue;
		for (int a = 0; a < t->nag; a++) {
			struct strbuf msg = STRBUF_INIT, subject = STRBUF_INIT;

			if (!t->ag[a].lead || !for_agency(viewer, agency_id, t->ag[a].id, t->ag[a].path))
				continue;
			strbuf_addf(&subject, "task:%s", t->ref);
			message(&msg, lang, kind, t->ref, t->due);
			json_array_append_new(*out, json_pack("{s:s,s:s,s:s,s:s,s:o,s:{s:I,s:s,s:s},s:s}",
				"kind", kind, "subject", subject.buf, "ref", t->ref,
				"content", t->content, "due", plan_day_json(t->due),
				"agency", "id", (json_int_t)t->ag[a].id, "key", t->ag[a].key,
				"name", t->ag[a].name, "message", msg.buf));
			strbuf_release(&msg);
			strbuf_release(&subject);
		}
	}
	taskset_release(&ts);
	ret = plan_submissions(db, viewer, p, NULL, NULL, as_of, &subs, e);
	if (ret)
		goto out;
	json_array_foreach(subs, i, s) {
		const char *status = json_string_value(json_object_get(s, "status"));
		const char *period = json_string_value(json_object_get(s, "period"));
		json_t *ag = json_object_get(s, "agency");
		struct agency a = AGENCY_INIT;
		struct strbuf msg = STRBUF_INIT, subject = STRBUF_INIT;
		const char *kind = NULL;
		int due = 0;

		calendar_day_parse(json_string_value(json_object_get(s, "due")), &due, NULL);
		if (!strcmp(status, "missing"))
			kind = "report_overdue";
		else if (!strcmp(status, "not_due") && due - as_of <= p->remind_days)
			kind = "report_due";
		if (!kind)
			continue;
		ret = agency_find(db, json_string_value(json_object_get(ag, "key")), &a, e);
		if (ret)
			goto out;
		if (for_agency(viewer, agency_id, a.id, a.path)) {
			struct strbuf label = STRBUF_INIT;
			const char *saved = i18n_lang();

			/* The period's name in the message's language. */
			i18n_set_lang(lang);
			plan_period_label(period, p->year, &label);
			i18n_set_lang(saved);
			strbuf_addf(&subject, "period:%s", period);
			message(&msg, lang, kind, label.buf, due);
			strbuf_release(&label);
			json_array_append_new(*out, json_pack("{s:s,s:s,s:s,s:o,s:{s:I,s:s,s:s},s:s}",
				"kind", kind, "subject", subject.buf, "period", period,
				"due", plan_day_json(due), "agency", "id", (json_int_t)a.id,
				"key", a.key, "name", a.name, "message", msg.buf));
		}
		strbuf_release(&msg);
		strbuf_release(&subject);
		agency_release(&a);
	}
out:
	json_decref(subs);
	if (ret) {
		json_decref(*out);
		*out = NULL;
	}
	return ret;
}

int plan_reminders(struct db *db, const struct user *viewer, const struct plan_info *p,
		   int64_t agency_id, int as_of, json_t **out, struct err *e)
{
	/* Another agency's reminders do not exist for this viewer. */
	if (agency_id && viewer && !user_sees_agency_id(db, viewer, agency_id))
		return err_set(e, E_NOTFOUND, "agency", "there is no agency %lld",
			       (long long)agency_id);
	return reminders(db, viewer, p, agency_id, as_of ? as_of : plan_today(), i18n_lang(),
			 out, e);
}

int plan_reminders_queue(struct db *db, const struct audit_actor *who,
			 const struct plan_info *p, int as_of, int *queued,
			 struct err *e)
{
	json_t *list = NULL, *r;
	size_t i;
	int64_t now = clock_now();
	int ret;

	*queued = 0;
	if (!as_of)
		as_of = plan_today();
	/* The outbox speaks the province's language. */
	ret = reminders(db, NULL, p, 0, as_of, LANG_VI, &list, e);
	if (ret)
		return ret;
	ret = db_begin(db);
	json_array_foreach(list, i, r) {
		struct db_stmt *st;

		if (ret)
			break;
		st = db_prepare(db, "INSERT INTO plan_reminder (plan_id, agency_id, kind, subject,"
				" due_on, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
				" ON CONFLICT (plan_id, agency_id, kind, subject, due_on) DO NOTHING");
		db_bind_int(st, 1, p->id);
		db_bind_int(st, 2, json_integer_value(json_object_get(json_object_get(r, "agency"), "id")));
		db_bind_text(st, 3, json_string_value(json_object_get(r, "kind")));
		db_bind_text(st, 4, json_string_value(json_object_get(r, "subject")));
		db_bind_text(st, 5, json_string_value(json_object_get(r, "due")));
		db_bind_text(st, 6, json_string_value(json_object_get(r, "message")));
		db_bind_int(st, 7, now);
		ret = db_run(st);
		if (!ret)
			*queued += (int)db_changes(db);
	}
	if (!ret && *queued) {
		char day[CALENDAR_DAY_SIZE];
		json_t *after;

		calendar_day_format(as_of, day);
		after = json_pack("{s:s,s:i}", "as_of", day, "queued", *queued);
		ret = audit_log(db, who, "plan.reminders_queue", "plan", p->key, NULL, after);
		json_decref(after);
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	json_decref(list);
	return ret;
}
