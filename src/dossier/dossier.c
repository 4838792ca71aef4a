/*
 * The rules of a dossier: intake, the actions of its lifecycle, deadlines,
 * steps, supplements, apologies, and the counters kept with each change.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "dossier/dossier_impl.h"
#include "holiday/holiday.h"
#include "org/org.h"

/* Where an action is done: at the receiving desk or the handling agency. */
enum where { AT_RECEIVING = 1, AT_HANDLING = 2, AT_EITHER = 3 };

static const struct action {
	const char *name;
	const char *from[7];
	unsigned roles;
	const char *to;		/* NULL: the state does not change */
	enum where where;
} actions[] = {
	{ "accept", { "submitted" }, ROLE_CLERK, "received", AT_RECEIVING },
	{ "request_completion", { "submitted" }, ROLE_CLERK, "incomplete", AT_RECEIVING },
	{ "reject", { "submitted" }, ROLE_CLERK, "rejected", AT_RECEIVING },
	{ "assign", { "received", "processing" }, ROLE_CLERK | ROLE_LEADER,
	  "processing", AT_EITHER },
	{ "claim", { "received", "processing" }, ROLE_SPECIALIST | ROLE_LEADER,
	  "processing", AT_HANDLING },
	{ "transfer", { "processing" }, ROLE_SPECIALIST | ROLE_LEADER, "processing",
	  AT_HANDLING },
	{ "request_supplement", { "processing" }, ROLE_SPECIALIST | ROLE_LEADER,
	  "awaiting_supplement", AT_HANDLING },
	{ "resume", { "awaiting_supplement" }, ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER,
	  "processing", AT_EITHER },
	{ "refuse", { "received", "processing", "awaiting_supplement" },
	  ROLE_SPECIALIST | ROLE_LEADER, "refused", AT_HANDLING },
	{ "withdraw", { "submitted", "incomplete", "received", "processing",
			"awaiting_supplement", "approved" }, ROLE_CLERK, "withdrawn",
	  AT_RECEIVING },
	{ "approve", { "processing" }, ROLE_LEADER, "approved", AT_HANDLING },
	{ "mark_ready", { "approved" }, ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER,
	  "result_ready", AT_EITHER },
	{ "return", { "result_ready" }, ROLE_CLERK | ROLE_POSTAL, "returned", AT_RECEIVING },
	{ "apologize", { "received", "processing", "awaiting_supplement", "approved" },
	  ROLE_SPECIALIST | ROLE_LEADER, NULL, AT_HANDLING },
};

static const struct action *action_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(actions[i].name, name))
			return &actions[i];
	return NULL;
}

static bool action_from(const struct action *a, const char *state)
{
	for (int i = 0; i < 7 && a->from[i]; i++)
		if (!strcmp(a->from[i], state))
			return true;
	return false;
}

/* Acting needs the agency itself or one above it; monitors only watch. */
static bool acts_for(const struct user *u, const char *path)
{
	return u && path && !strncmp(path, u->agency_path, strlen(u->agency_path));
}

static bool may(const struct user *u, const struct action *a,
		const struct dossier_row *d)
{
	if (!u || !(u->roles & a->roles))
		return false;
	if ((a->where & AT_RECEIVING) && acts_for(u, d->agency_path))
		return true;
	return (a->where & AT_HANDLING) && acts_for(u, d->handling_path);
}

bool dossier_visible(const struct user *u, const struct dossier_row *d)
{
	return user_sees_agency(u, d->agency_path) || user_sees_agency(u, d->handling_path) ||
	       (u && d->created_by == u->id);
}

void dossier_row_release(struct dossier_row *d)
{
	free(d->code);
	free(d->procedure_code);
	free(d->procedure_name);
	free(d->agency_path);
	free(d->agency_eid);
	free(d->handling_path);
	free(d->channel);
	free(d->state);
	free(d->applicant_name);
	free(d->applicant_phone);
	free(d->time_unit);
	free(d->outcome);
	memset(d, 0, sizeof(*d));
}

#define ROW_COLS "d.id, d.code, d.procedure_version_id, d.procedure_code, " \
	"d.procedure_name, d.agency_id, a.path, a.eid, d.handling_agency_id, h.path, " \
	"d.channel, d.state, d.applicant_name, d.applicant_phone, d.time_value, " \
	"d.time_unit, d.submitted_at, COALESCE(d.received_at, 0), " \
	"COALESCE(d.due_at, 0), COALESCE(d.promised_at, 0), COALESCE(d.paused_at, 0), " \
	"d.supplements, COALESCE(d.assignee_id, 0), d.current_step, " \
	"COALESCE(d.finished_at, 0), COALESCE(d.outcome, ''), d.version, " \
	"COALESCE(d.created_by, 0)"
#define ROW_FROM " FROM dossier d JOIN agency a ON a.id = d.agency_id" \
	" JOIN agency h ON h.id = d.handling_agency_id"

static char *dup_or_null(struct db_stmt *st, int col)
{
	return db_col_null(st, col) ? NULL : xstrdup(db_col_text(st, col));
}

int dossier_row_load(struct db *db, const char *code, struct dossier_row *d)
{
	struct db_stmt *st;
	int ret;

	if (code && code[0] == '#') {
		st = db_prepare(db, "SELECT " ROW_COLS ROW_FROM " WHERE d.id = ?");
		db_bind_int(st, 1, strtoll(code + 1, NULL, 10));
	} else {
		st = db_prepare(db, "SELECT " ROW_COLS ROW_FROM " WHERE d.code = ?");
		db_bind_text(st, 1, code ? code : "");
	}
	ret = db_step(st);
	if (ret == DB_ROW) {
		dossier_row_release(d);
		d->id = db_col_int(st, 0);
		d->code = dup_or_null(st, 1);
		d->procedure_version_id = db_col_int(st, 2);
		d->procedure_code = xstrdup(db_col_text(st, 3));
		d->procedure_name = xstrdup(db_col_text(st, 4));
		d->agency_id = db_col_int(st, 5);
		d->agency_path = xstrdup(db_col_text(st, 6));
		d->agency_eid = xstrdup(db_col_text(st, 7));
		d->handling_agency_id = db_col_int(st, 8);
		d->handling_path = xstrdup(db_col_text(st, 9));
		d->channel = xstrdup(db_col_text(st, 10));
		d->state = xstrdup(db_col_text(st, 11));
		d->applicant_name = xstrdup(db_col_text(st, 12));
		d->applicant_phone = xstrdup(db_col_text(st, 13));
		d->time_value = db_col_double(st, 14);
		d->time_unit = xstrdup(db_col_text(st, 15));
		d->submitted_at = db_col_int(st, 16);
		d->received_at = db_col_int(st, 17);
		d->due_at = db_col_int(st, 18);
		d->promised_at = db_col_int(st, 19);
		d->paused_at = db_col_int(st, 20);
		d->supplements = db_col_int(st, 21);
		d->assignee_id = db_col_int(st, 22);
		d->current_step = db_col_int(st, 23);
		d->finished_at = db_col_int(st, 24);
		d->outcome = xstrdup(db_col_text(st, 25));
		d->version = db_col_int(st, 26);
		d->created_by = db_col_int(st, 27);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

void dossier_day(int64_t t, char out[11])
{
	char buf[CALENDAR_DAY_SIZE];

	calendar_day_format(calendar_day_of(t), buf);
	snprintf(out, 11, "%s", buf);
}

int dossier_due(const struct calendar *cal, int64_t receipt, double share,
		const char *unit, int64_t *due)
{
	struct err e = ERR_INIT;

	if (share < 0)
		share = 0;
	if (!strcmp(unit, "working_hours"))
		return calendar_due(cal, receipt, (int)lround(share), CALENDAR_WORKHOURS, due, &e);
	if (!strcmp(unit, "calendar_days"))
		return calendar_due(cal, receipt, (int)ceil(share - 1e-9), CALENDAR_DAYS, due, &e);
	{
		/*
		 * Working days: whole days end at the close of the Nth working
		 * day after the receipt day; a fraction of a day runs on in
		 * working hours (8 a day) from the opening of the next one.
		 */
		double whole = floor(share + 1e-9);
		double frac = share - whole;
		struct calendar_settings s = holiday_settings();
		int day, hours;

		if (frac < 1e-6)
			return calendar_due(cal, receipt, (int)whole, CALENDAR_WORKDAYS, due, &e);
		day = calendar_workday_add(cal, calendar_receipt_day(cal, receipt),
					   (int)whole + 1);
		hours = (int)lround(frac * 8);
		return calendar_due(cal, calendar_instant(day, s.morning_start), hours,
				    CALENDAR_WORKHOURS, due, &e);
	}
}

/* ---- counters ---------------------------------------------------------- */

const char *const dossier_rating_factors[DOSSIER_RATING_FACTORS] = {
	"access", "procedure", "officers", "result", "feedback",
};

void dossier_event_metrics(const char *action, json_t *data,
			   void (*bump)(void *ctx, const char *metric), void *ctx)
{
	const char *channel = json_string_value(json_object_get(data, "channel"));
	const char *outcome = json_string_value(json_object_get(data, "outcome"));

	if (!strcmp(action, "receive")) {
		bump(ctx, "received");
		if (json_integer_value(json_object_get(data, "fee_due")) > 0)
			bump(ctx, "fee_required");
		if (channel && !strcmp(channel, "online"))
			bump(ctx, "received_online");
		if (channel && !strcmp(channel, "postal"))
			bump(ctx, "received_postal");
	} else if (!strcmp(action, "mark_ready") && outcome) {
		char m[32];

		bump(ctx, "finished");
		snprintf(m, sizeof(m), "finished_%s", outcome);
		bump(ctx, m);
		if (!strcmp(outcome, "late") &&
		    json_is_true(json_object_get(data, "apology_before")))
			bump(ctx, "late_apology_before");
	} else if (!strcmp(action, "return")) {
		bump(ctx, "returned");
		if (channel && !strcmp(channel, "postal"))
			bump(ctx, "returned_postal");
	} else if (!strcmp(action, "apologize")) {
		bump(ctx, json_is_true(json_object_get(data, "before_deadline")) ?
		     "apology_before" : "apology_after");
	} else if (!strcmp(action, "refuse") || !strcmp(action, "withdraw") ||
		   !strcmp(action, "reject")) {
		bump(ctx, action);
	} else if (!strcmp(action, "pay")) {
		/* The payment that settles the fee, when it is made online. */
		if (json_is_true(json_object_get(data, "paid_online")))
			bump(ctx, "paid_online");
	} else if (!strcmp(action, "rate")) {
		json_t *scores = json_object_get(data, "scores");

		bump(ctx, "rated");
		for (size_t i = 0; i < DOSSIER_RATING_FACTORS; i++) {
			const char *f = dossier_rating_factors[i];
			json_int_t n = json_integer_value(json_object_get(scores, f));
			char m[32];

			/* score_<f> grows by the score: one bump per point (1 to 5). */
			snprintf(m, sizeof(m), "score_%s", f);
			for (json_int_t k = 0; k < n && k < 5; k++)
				bump(ctx, m);
			snprintf(m, sizeof(m), "satisfied_%s", f);
			if (n >= 4)
				bump(ctx, m);
		}
	}
}

struct bump_ctx {
	struct db *db;
	int64_t agency_id;
	const char *procedure;
	char day[11];
	int ret;
};

static void bump_live(void *p, const char *metric)
{
	struct bump_ctx *c = p;
	struct db_stmt *st;

	if (c->ret)
		return;
	st = db_prepare(c->db, "INSERT INTO kpi_counter (agency_id, procedure_code, day, metric,"
			" value) VALUES (?, ?, ?, ?, 1) ON CONFLICT (agency_id, procedure_code,"
			" day, metric) DO UPDATE SET value = kpi_counter.value + 1");
	db_bind_int(st, 1, c->agency_id);
	db_bind_text(st, 2, c->procedure);
	db_bind_text(st, 3, c->day);
	db_bind_text(st, 4, metric);
	c->ret = db_run(st);
}

/*
 * Appends an event to the history and bumps its counters: the event's
 * agency is the receiving one, whose indicators the dossier counts in.
 */
static int event_add(struct db *db, const struct dossier_row *d,
		     const struct audit_actor *who, int64_t at, const char *action,
		     const char *from, const char *to, const char *note, json_t *data)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO dossier_event (dossier_id, at,"
					" actor_id, actor_name, agency_id, action, from_state,"
					" to_state, note, data_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	struct bump_ctx c = { db, d->agency_id, d->procedure_code, "", 0 };
	char *js = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	int ret;

	db_bind_int(st, 1, d->id);
	db_bind_int(st, 2, at);
	if (who->user_id)
		db_bind_int(st, 3, who->user_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, who->username);
	db_bind_int(st, 5, d->agency_id);
	db_bind_text(st, 6, action);
	db_bind_text(st, 7, from);
	db_bind_text(st, 8, to);
	db_bind_text(st, 9, note ? note : "");
	db_bind_text(st, 10, js);
	ret = db_run(st);
	free(js);
	if (ret)
		return ret;
	dossier_day(at, c.day);
	dossier_event_metrics(action, data, bump_live, &c);
	return c.ret;
}

int dossier_note(struct db *db, int64_t dossier_id, const struct audit_actor *who,
		 int64_t at, const char *action, const char *note, json_t *data)
{
	struct dossier_row d = DOSSIER_ROW_INIT;
	char ref[24];
	int ret;

	snprintf(ref, sizeof(ref), "#%lld", (long long)dossier_id);
	ret = dossier_row_load(db, ref, &d);
	if (!ret)
		ret = event_add(db, &d, who, at, action, d.state, d.state, note, data);
	dossier_row_release(&d);
	return ret;
}

/* ---- intake ------------------------------------------------------------- */

static const char *channel_name(enum dossier_channel c)
{
	return c == CHANNEL_ONLINE ? "online" : c == CHANNEL_POSTAL ? "postal" : "counter";
}

static bool digits(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

static int check_applicant(const struct dossier_intake *in, struct err *e)
{
	if (!in->applicant_name || strlen(in->applicant_name) < 2 ||
	    strlen(in->applicant_name) > 200)
		return err_set(e, E_INVALID, "applicant_name",
			       "the applicant's full name is required");
	if (!digits(in->applicant_phone, 10, 10) || in->applicant_phone[0] != '0')
		return err_set(e, E_INVALID, "applicant_phone",
			       "the phone number must have 10 digits and start with 0");
	if (in->applicant_id && *in->applicant_id &&
	    !digits(in->applicant_id, 9, 9) && !digits(in->applicant_id, 12, 12))
		return err_set(e, E_INVALID, "applicant_id",
			       "the ID number must have 9 or 12 digits");
	if (in->applicant_email && *in->applicant_email &&
	    (!strchr(in->applicant_email, '@') || strlen(in->applicant_email) > 200))
		return err_set(e, E_INVALID, "applicant_email",
			       "the e-mail address is not valid");
	if (in->fee_paid < 0)
		return err_set(e, E_INVALID, "fee_paid", "the fee paid cannot be negative");
	return 0;
}

/*
 * Whether agency a receives dossiers of procedure p: a procedure of one
 * agency is received there or at a public administration centre; one of a
 * kind of agency ("commune", "district") at an agency of that kind.
 */
static bool receives(const struct procedure *p, const struct agency *a)
{
	if (strcmp(a->status, "active"))
		return false;
	if (p->agency_key && *p->agency_key)
		return !strcmp(p->agency_key, a->key) || !strcmp(a->kind, "centre");
	return p->agency_kind && !strcmp(p->agency_kind, a->kind);
}

int dossier_receiving_agencies(struct db *db, const struct procedure *p, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT key, name, kind, status FROM agency"
					" WHERE status = 'active' AND (key = ? OR kind = ? OR kind = 'centre')"
					" ORDER BY path");
	int ret;

	db_bind_text(st, 1, p->agency_key ? p->agency_key : "");
	db_bind_text(st, 2, p->agency_key && *p->agency_key ? "" :
		     p->agency_kind ? p->agency_kind : "");
	*out = json_array();
	while ((ret = db_step(st)) == DB_ROW) {
		struct agency a = AGENCY_INIT;

		a.key = (char *)db_col_text(st, 0);
		a.kind = (char *)db_col_text(st, 2);
		a.status = (char *)db_col_text(st, 3);
		if (receives(p, &a))
			json_array_append_new(*out, json_pack("{s:s,s:s}", "key", a.key,
							      "name", db_col_text(st, 1)));
	}
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

/* The agency that does a step: the named one, an ancestor of that kind, or `home`. */
static int step_agency(struct db *db, const struct procedure *p,
		       const struct procedure_step *s, const struct agency *receiving,
		       int64_t *id)
{
	const char *who = s->agency && *s->agency ? s->agency :
		!strcmp(s->kind, "reception") || !strcmp(s->kind, "return") ? NULL :
		p->agency_key && *p->agency_key ? p->agency_key : NULL;
	struct agency a = AGENCY_INIT;
	struct db_stmt *st;
	int ret;

	*id = receiving->id;
	if (!who)
		return 0;
	if (!agency_find(db, who, &a, NULL)) {
		*id = a.id;
		agency_release(&a);
		return 0;
	}
	/* A kind: the nearest agency of that kind above (or at) the receiving one. */
	st = db_prepare(db, "SELECT id FROM agency WHERE kind = ? AND ? >= path"
			" AND substr(?, 1, length(path)) = path ORDER BY depth DESC LIMIT 1");
	db_bind_text(st, 1, who);
	db_bind_text(st, 2, receiving->path);
	db_bind_text(st, 3, receiving->path);
	ret = db_one_int(st, id);
	if (ret == E_NOTFOUND) {
		*id = receiving->id;
		ret = 0;
	}
	return ret;
}

/* Creates the steps of the template with their deadlines. */
static int steps_create(struct db *db, const struct calendar *cal,
			const struct procedure *p, const struct agency *receiving,
			int64_t dossier_id, int64_t receipt, int64_t now)
{
	double cum = 0;
	int ret = 0;

	for (int i = 0; i < p->nsteps && !ret; i++) {
		struct db_stmt *st;
		int64_t due, agency_id;

		cum += p->steps[i].share;
		ret = dossier_due(cal, receipt, i == p->nsteps - 1 ? p->time_value : cum,
				  p->time_unit, &due);
		if (!ret)
			ret = step_agency(db, p, &p->steps[i], receiving, &agency_id);
		if (ret)
			break;
		st = db_prepare(db, "INSERT INTO dossier_step (dossier_id, seq, name, kind,"
				" agency_id, due_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
		db_bind_int(st, 1, dossier_id);
		db_bind_int(st, 2, i);
		db_bind_text(st, 3, p->steps[i].name);
		db_bind_text(st, 4, p->steps[i].kind);
		db_bind_int(st, 5, agency_id);
		db_bind_int(st, 6, due);
		if (i == 0)
			db_bind_int(st, 7, now);
		else
			db_bind_null(st, 7);
		ret = db_run(st);
	}
	return ret;
}

/* Someone else changed the dossier after it was read: 409 "stale". */
static int stale(const struct dossier_row *d, struct err *e)
{
	char ref[24];

	snprintf(ref, sizeof(ref), "#%lld", (long long)d->id);
	err_set(e, E_CONFLICT, "version", "dossier %s was changed by someone else; reload it",
		d->code ? d->code : ref);
	return err_name(e, "stale");
}

/*
 * A received dossier's number: the next of the receiving agency's daily
 * sequence, in code (at least 96 bytes), and its legal deadline.
 */
static int number(struct db *db, const struct calendar *cal, const struct procedure *p,
		  const struct agency *receiving, int64_t now, char *code, int64_t *due,
		  struct err *e)
{
	struct db_stmt *st;
	char day[11];
	int64_t seq;
	int ret;

	ret = dossier_due(cal, now, p->time_value, p->time_unit, due);
	if (ret)
		return err_set(e, E_INVALID, "time", "cannot compute the deadline of this procedure");
	dossier_day(now, day);
	st = db_prepare(db, "INSERT INTO dossier_seq (agency_id, day, last) VALUES (?, ?, 1)"
			" ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_seq.last + 1"
			" RETURNING last");
	db_bind_int(st, 1, receiving->id);
	db_bind_text(st, 2, day);
	ret = db_one_int(st, &seq);
	if (!ret)
		snprintf(code, 96, "%s-%.2s%.2s%.2s-%04lld", receiving->eid, day + 2,
			 day + 5, day + 8, (long long)seq);
	return ret;
}

/* What follows the number: the steps and the "receive" event. */
static int received(struct db *db, const struct calendar *cal, const struct procedure *p,
		    const struct agency *receiving, const struct dossier_row *d,
		    const struct audit_actor *who, const char *from, int64_t due, int64_t now)
{
	json_t *data;
	int ret = steps_create(db, cal, p, receiving, d->id, now, now);

	if (ret)
		return ret;
	data = json_pack("{s:s,s:s,s:I,s:I}", "channel", d->channel, "code", d->code,
			 "due_at", (json_int_t)due, "fee_due", (json_int_t)dossier_fee_total(p));
	ret = event_add(db, d, who, now, "receive", from, "received", NULL, data);
	json_decref(data);
	return ret;
}

/*
 * Receives a submitted dossier (accepted online or by post): its number,
 * its deadline, its steps.  Inside the caller's transaction.
 */
static int receive(struct db *db, const struct calendar *cal, const struct procedure *p,
		   const struct agency *receiving, struct dossier_row *d,
		   const struct audit_actor *who, const char *from, int64_t now,
		   struct err *e)
{
	struct db_stmt *st;
	char code[96];
	int64_t due;
	int ret;

	ret = number(db, cal, p, receiving, now, code, &due, e);
	if (ret)
		return ret;
	st = db_prepare(db, "UPDATE dossier SET code = ?, state = 'received', received_at = ?,"
			" due_at = ?, promised_at = ?, calendar_version = ?, updated_at = ?,"
			" version = version + 1 WHERE id = ? AND version = ?");
	db_bind_text(st, 1, code);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, due);
	db_bind_int(st, 4, due);
	db_bind_text(st, 5, calendar_version(cal));
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, d->id);
	db_bind_int(st, 8, d->version);
	ret = db_run(st);
	/* The optimistic lock (see dossier_act): someone else accepted it first. */
	if (!ret && db_changes(db) != 1)
		return stale(d, e);
	if (ret)
		return ret;
	free(d->code);
	d->code = xstrdup(code);
	return received(db, cal, p, receiving, d, who, from, due, now);
}

static int load_calendar(struct db *db, const struct calendar **cal, struct err *e)
{
	if (holiday_calendar(db, cal))
		return err_set(e, E_INTERNAL, NULL, "the working-day calendar is not available");
	return 0;
}

/* What dossier_intake writes, in one transaction (grouped with others'). */
struct intake_write {
	const struct user *by;
	const struct audit_actor *who;
	const struct dossier_intake *in;
	const struct calendar *cal;
	const struct procedure *p;
	const struct agency *a;
	const char *docs;
	int64_t fee_due, now;
	int64_t *id;
	struct err *e;
};

static int intake_write(struct db *db, void *arg)
{
	const struct intake_write *w = arg;
	const struct dossier_intake *in = w->in;
	const struct procedure *pp = w->p;
	const struct agency *ap = w->a;
	const struct user *by = w->by;
	struct dossier_row d = DOSSIER_ROW_INIT;
	int64_t *id = w->id, now = w->now;
	bool counter = in->channel == CHANNEL_COUNTER;
	json_t *data = NULL;
	struct db_stmt *st;
	char code[96];
	int64_t due = 0;
	int ret = 0;

	/*
	 * At the counter the dossier is received at once: the row is written
	 * received, with its number and deadline, rather than written
	 * submitted and then updated (which moved it in seven indexes again).
	 * The history is the same: "submit", then "receive".
	 */
	if (counter)
		ret = number(db, w->cal, pp, ap, now, code, &due, w->e);
	if (ret)
		return ret;
	st = db_prepare(db, "INSERT INTO dossier (procedure_version_id, procedure_code,"
			" procedure_name, agency_id, handling_agency_id, channel, state,"
			" applicant_name, applicant_id, applicant_phone, applicant_email,"
			" applicant_address, request, documents_json, fee_due, fee_paid,"
			" postal_tracking, time_value, time_unit, submitted_at, calendar_version,"
			" created_at, updated_at, created_by, code, received_at, due_at, promised_at,"
			" version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, pp->version_id);
	db_bind_text(st, 2, pp->code);
	db_bind_text(st, 3, pp->name);
	db_bind_int(st, 4, ap->id);
	db_bind_int(st, 5, ap->id);
	db_bind_text(st, 6, channel_name(in->channel));
	db_bind_text(st, 7, counter ? "received" : "submitted");
	db_bind_text(st, 8, in->applicant_name);
	db_bind_text(st, 9, in->applicant_id ? in->applicant_id : "");
	db_bind_text(st, 10, in->applicant_phone);
	db_bind_text(st, 11, in->applicant_email ? in->applicant_email : "");
	db_bind_text(st, 12, in->applicant_address ? in->applicant_address : "");
	db_bind_text(st, 13, in->request && *in->request ? in->request : pp->name);
	db_bind_text(st, 14, w->docs);
	db_bind_int(st, 15, w->fee_due);
	db_bind_int(st, 16, in->fee_paid);
	db_bind_text(st, 17, in->postal_tracking ? in->postal_tracking : "");
	db_bind_double(st, 18, pp->time_value);
	db_bind_text(st, 19, pp->time_unit);
	db_bind_int(st, 20, now);
	db_bind_text(st, 21, calendar_version(w->cal));
	db_bind_int(st, 22, now);
	db_bind_int(st, 23, now);
	if (by)
		db_bind_int(st, 24, by->id);
	else
		db_bind_null(st, 24);
	if (counter) {
		db_bind_text(st, 25, code);
		db_bind_int(st, 26, now);
		db_bind_int(st, 27, due);
		db_bind_int(st, 28, due);
	} else {
		db_bind_null(st, 25);
		db_bind_null(st, 26);
		db_bind_null(st, 27);
		db_bind_null(st, 28);
	}
	db_bind_int(st, 29, counter ? 2 : 1);	/* two changes: submitted, received */
	ret = db_one_int(st, id);
	if (!ret) {
		char ref[24];

		snprintf(ref, sizeof(ref), "#%lld", (long long)*id);
		ret = dossier_row_load(db, ref, &d);
	}
	if (ret)
		goto out;
	data = json_pack("{s:s,s:s}", "channel", d.channel, "procedure", pp->code);
	ret = event_add(db, &d, w->who, now, "submit", "", "submitted", NULL, data);
	if (!ret)
		ret = dossier_fees_record(db, &d, pp, in->fee_paid, by, now);
	if (!ret && counter)
		ret = received(db, w->cal, pp, ap, &d, w->who, "submitted", due, now);
	if (!ret && counter)
		ret = dossier_notify(db, d.id, "receive", NULL, w->e);
	if (!ret && in->also)
		ret = in->also(db, *id, in->also_ctx, w->e);
out:
	json_decref(data);
	dossier_row_release(&d);
	return ret;
}

int dossier_intake(struct db *db, const struct user *by, const struct audit_actor *who,
		   const struct dossier_intake *in, int64_t *id, struct err *e)
{
	struct procedure p = PROCEDURE_INIT;
	struct agency a = AGENCY_INIT;
	const struct calendar *cal;
	int64_t now = clock_now(), fee_due = 0;
	char *docs = NULL;
	int ret;

	ret = check_applicant(in, e);
	if (!ret)
		ret = load_calendar(db, &cal, e);
	if (ret)
		return ret;
	if (in->channel == CHANNEL_COUNTER && !user_has(by, ROLE_CLERK))
		return err_set(e, E_DENIED, NULL, "only a reception clerk takes dossiers at the counter");
	if (in->channel == CHANNEL_POSTAL && !user_has(by, ROLE_POSTAL | ROLE_CLERK))
		return err_set(e, E_DENIED, NULL, "only postal staff record dossiers sent by post");
	if (in->channel == CHANNEL_POSTAL && (!in->postal_tracking || !*in->postal_tracking))
		return err_set(e, E_INVALID, "postal_tracking",
			       "a dossier sent by post needs the post's tracking number");
	/* The reads before the write in one snapshot (on SQLite one read lock). */
	if (db_begin_read(db))
		return E_INTERNAL;
	ret = procedure_find(db, in->procedure ? in->procedure : "", &p, e);
	if (ret) {
		snprintf(e->field, sizeof(e->field), "procedure");
		goto out;
	}
	if (strcmp(p.status, "published")) {
		ret = err_set(e, E_INVALID, "procedure", "procedure %s is not in force", p.code);
		goto out;
	}
	if (in->channel == CHANNEL_ONLINE && !strcmp(p.online, "none")) {
		ret = err_set(e, E_INVALID, "procedure", "procedure %s cannot be filed online", p.code);
		goto out;
	}
	if (in->channel == CHANNEL_POSTAL && !p.postal_submit) {
		ret = err_set(e, E_INVALID, "procedure", "procedure %s cannot be filed by post", p.code);
		goto out;
	}
	if (in->agency && *in->agency)
		ret = agency_find(db, in->agency, &a, e);
	else if (by)
		ret = agency_get(db, by->agency_id, &a);
	else
		ret = err_set(e, E_INVALID, "agency", "choose the agency to file with");
	if (ret) {
		snprintf(e->field, sizeof(e->field), "agency");
		goto out;
	}
	if (in->channel == CHANNEL_COUNTER && !acts_for(by, a.path)) {
		ret = err_set(e, E_DENIED, "agency", "you do not receive dossiers for '%s'", a.name);
		goto out;
	}
	if (!receives(&p, &a)) {
		ret = err_set(e, E_INVALID, "agency", "'%s' does not receive dossiers of %s",
			      a.name, p.code);
		goto out;
	}
	fee_due = dossier_fee_total(&p);
	if (in->documents) {
		size_t i;
		json_t *v;

		json_array_foreach(in->documents, i, v)
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) >= p.ndocuments) {
				ret = err_set(e, E_INVALID, "documents",
					      "document %zu is not one of the procedure's %d", i,
					      p.ndocuments);
				goto out;
			}
		docs = json_dumps(in->documents, JSON_COMPACT);
	} else {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addch(&sb, '[');
		for (int i = 0; i < p.ndocuments; i++)
			strbuf_addf(&sb, "%s%d", i ? "," : "", i);
		strbuf_addch(&sb, ']');
		docs = strbuf_detach(&sb, NULL);
	}

	db_commit(db);
	{
		struct intake_write w = { by, who, in, cal, &p, &a, docs, fee_due, now, id, e };

		ret = db_write(db, intake_write, &w);
	}
out:
	if (db_in_transaction(db))
		db_rollback(db);
	free(docs);
	procedure_release(&p);
	agency_release(&a);
	return ret;
}

/* ---- actions ------------------------------------------------------------ */

static const char *arg_str(json_t *args, const char *key)
{
	const char *s = json_string_value(json_object_get(args, key));

	return s && *s ? s : NULL;
}

/* Lists the actions allowed in a state, for the 409 message. */
static void allowed_in(const char *state, struct strbuf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (!action_from(&actions[i], state))
			continue;
		if (out->len)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, actions[i].name);
	}
	if (!out->len)
		strbuf_addstr(out, _("nothing: the dossier is closed"));
}

/* Ends the current step (if started) and starts step `next`, at agency_id. */
static int step_advance(struct db *db, const struct dossier_row *d, int64_t next,
			int64_t agency_id, int64_t now)
{
	struct db_stmt *st;
	int ret;

	st = db_prepare(db, "UPDATE dossier_step SET finished_at = ?, outcome = CASE"
			" WHEN ? > due_at THEN 'late' ELSE 'on_time' END"
			" WHERE dossier_id = ? AND seq < ? AND finished_at IS NULL");
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, d->id);
	db_bind_int(st, 4, next);
	ret = db_run(st);
	if (ret)
		return ret;
	st = db_prepare(db, "UPDATE dossier_step SET started_at = COALESCE(started_at, ?),"
			" agency_id = CASE WHEN ? > 0 THEN ? ELSE agency_id END"
			" WHERE dossier_id = ? AND seq = ?");
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, agency_id);
	db_bind_int(st, 3, agency_id);
	db_bind_int(st, 4, d->id);
	db_bind_int(st, 5, next);
	return db_run(st);
}

/* The seq and agency of the next step of `kind` after the current one; -1 if none. */
static int next_step(struct db *db, const struct dossier_row *d, const char *kind,
		     int64_t *seq, int64_t *agency_id)
{
	struct db_stmt *st = db_prepare(db, "SELECT seq, agency_id FROM dossier_step"
					" WHERE dossier_id = ? AND seq > ? AND (? = '' OR kind = ?)"
					" ORDER BY seq LIMIT 1");
	int ret;

	db_bind_int(st, 1, d->id);
	db_bind_int(st, 2, d->current_step);
	db_bind_text(st, 3, kind ? kind : "");
	db_bind_text(st, 4, kind ? kind : "");
	ret = db_step(st);
	if (ret == DB_ROW) {
		*seq = db_col_int(st, 0);
		*agency_id = db_col_int(st, 1);
		ret = 0;
	} else if (ret == DB_DONE) {
		*seq = -1;
		*agency_id = 0;
		ret = 0;
	}
	db_reset(st);
	return ret;
}

/* Shifts the deadlines of d by n working days (a supplement's wait). */
static int shift_deadlines(struct db *db, const struct calendar *cal,
			   const struct dossier_row *d, int n)
{
	struct db_stmt *st;
	int64_t ids[64], dues[64];
	int count = 0, ret;

#define SHIFT(t) (calendar_instant(calendar_workday_add(cal, calendar_day_of(t), n), \
				   calendar_second_of_day(t) / 60))
	st = db_prepare(db, "SELECT id, due_at FROM dossier_step WHERE dossier_id = ?"
			" AND finished_at IS NULL ORDER BY seq");
	db_bind_int(st, 1, d->id);
	while ((ret = db_step(st)) == DB_ROW && count < 64) {
		ids[count] = db_col_int(st, 0);
		dues[count++] = db_col_int(st, 1);
	}
	db_reset(st);
	if (ret < 0)
		return ret;
	for (int i = 0; i < count; i++) {
		st = db_prepare(db, "UPDATE dossier_step SET due_at = ? WHERE id = ?");
		db_bind_int(st, 1, SHIFT(dues[i]));
		db_bind_int(st, 2, ids[i]);
		ret = db_run(st);
		if (ret)
			return ret;
	}
	st = db_prepare(db, "UPDATE dossier SET due_at = ?, promised_at = ? WHERE id = ?");
	db_bind_int(st, 1, SHIFT(d->due_at));
	db_bind_int(st, 2, d->promised_at > d->due_at ? SHIFT(d->promised_at) :
		    SHIFT(d->due_at));
	db_bind_int(st, 3, d->id);
	return db_run(st);
#undef SHIFT
}

static int resolve_user_in(struct db *db, const char *username, const char *path,
			   int64_t *id, struct err *e)
{
	struct user u = USER_INIT;
	int ret = user_find(db, username, &u);

	if (ret == E_NOTFOUND || (!ret && (u.disabled ||
					   strncmp(u.agency_path, path, strlen(path)))))
		ret = err_set(e, E_INVALID, "to", "'%s' is not an officer of the handling agency",
			      username);
	else if (!ret && !(u.roles & (ROLE_SPECIALIST | ROLE_LEADER)))
		ret = err_set(e, E_INVALID, "to", "'%s' is not a specialist or leader", username);
	if (!ret)
		*id = u.id;
	user_release(&u);
	return ret;
}

/* The action proper, inside the transaction; sets *to_state and data. */
static int apply(struct db *db, const struct calendar *cal, const struct user *by,
		 const struct audit_actor *who, struct dossier_row *d,
		 const struct action *a, json_t *args, int64_t now, json_t *data,
		 struct err *e)
{
	struct db_stmt *st;
	int64_t seq, agency_id, assignee = d->assignee_id, handling = d->handling_agency_id;
	const char *reason = arg_str(args, "reason");
	int ret = 0;

	if (!strcmp(a->name, "accept")) {
		struct procedure p = PROCEDURE_INIT;
		struct agency ag = AGENCY_INIT;

		ret = procedure_load_version(db, d->procedure_version_id, &p);
		if (!ret)
			ret = agency_get(db, d->agency_id, &ag);
		if (!ret)
			ret = receive(db, cal, &p, &ag, d, who, d->state, now, e);
		procedure_release(&p);
		agency_release(&ag);
		/* receive() wrote the state, the version and the event. */
		return ret ? ret : 1;
	}
	if (!strcmp(a->name, "reject") || !strcmp(a->name, "refuse") ||
	    !strcmp(a->name, "withdraw")) {
		if (!reason)
			return err_set(e, E_INVALID, "reason", "give the reason");
		json_object_set_new(data, "reason", json_string(reason));
	}
	if (!strcmp(a->name, "request_completion") || !strcmp(a->name, "request_supplement")) {
		json_t *docs = json_object_get(args, "documents");

		if (!json_is_array(docs) || !json_array_size(docs))
			return err_set(e, E_INVALID, "documents",
				       "list the documents the applicant must bring");
		json_object_set(data, "documents", docs);
		if (reason)
			json_object_set_new(data, "reason", json_string(reason));
	}
	if (!strcmp(a->name, "assign") || !strcmp(a->name, "claim")) {
		const char *to = arg_str(args, "to");

		if (!strcmp(d->state, "received")) {
			/* Reception hands the dossier to the agency of the next step. */
			ret = next_step(db, d, NULL, &seq, &agency_id);
			if (ret)
				return ret;
			if (seq >= 0) {
				ret = step_advance(db, d, seq, 0, now);
				d->current_step = seq;
				handling = agency_id;
			}
		}
		if (!strcmp(a->name, "claim")) {
			assignee = by->id;
		} else if (to) {
			struct agency h = AGENCY_INIT;

			ret = agency_get(db, handling, &h);
			if (!ret)
				ret = resolve_user_in(db, to, h.path, &assignee, e);
			agency_release(&h);
			json_object_set_new(data, "to", json_string(to));
		} else {
			assignee = 0;	/* the agency's queue */
		}
	}
	if (!strcmp(a->name, "transfer")) {
		const char *to = arg_str(args, "to");

		ret = next_step(db, d, "transfer", &seq, &agency_id);
		if (!ret && to) {
			struct agency t = AGENCY_INIT;

			ret = agency_find(db, to, &t, e);
			if (ret)
				snprintf(e->field, sizeof(e->field), "to");
			agency_id = t.id;
			agency_release(&t);
		}
		if (!ret && !agency_id)
			ret = err_set(e, E_INVALID, "to", "name the agency to transfer the dossier to");
		if (!ret && agency_id == d->handling_agency_id)
			ret = err_set(e, E_INVALID, "to", "the dossier is already at that agency");
		if (!ret && seq >= 0)
			ret = step_advance(db, d, seq, agency_id, now);
		if (ret)
			return ret;
		if (seq >= 0)
			d->current_step = seq;
		handling = agency_id;
		assignee = 0;
		json_object_set_new(data, "to_agency", json_integer(agency_id));
	}
	if (!strcmp(a->name, "request_supplement")) {
		st = db_prepare(db, "UPDATE dossier SET paused_at = ?, supplements = supplements + 1"
				" WHERE id = ?");
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, d->id);
		ret = db_run(st);
	}
	if (!strcmp(a->name, "resume")) {
		int waited = calendar_workdays_between(cal, calendar_day_of(d->paused_at),
						       calendar_day_of(now));

		json_object_set_new(data, "waited_days", json_integer(waited));
		if (waited > 0)
			ret = shift_deadlines(db, cal, d, waited);
		if (!ret) {
			st = db_prepare(db, "UPDATE dossier SET paused_at = NULL WHERE id = ?");
			db_bind_int(st, 1, d->id);
			ret = db_run(st);
		}
	}
	if (!strcmp(a->name, "approve")) {
		ret = next_step(db, d, "return", &seq, &agency_id);
		if (!ret && seq < 0)
			ret = next_step(db, d, NULL, &seq, &agency_id);
		/* The approval ends every step before returning the result. */
		if (!ret && seq >= 0) {
			ret = step_advance(db, d, seq, 0, now);
			d->current_step = seq;
		}
		handling = d->agency_id;
	}
	if (!strcmp(a->name, "mark_ready")) {
		int64_t apologies = 0;
		const char *outcome = now > d->due_at ? "late" :
			calendar_day_of(now) < calendar_day_of(d->due_at) ? "early" : "on_time";

		st = db_prepare(db, "SELECT COUNT(*) FROM dossier_apology WHERE dossier_id = ?"
				" AND before_deadline = 1");
		db_bind_int(st, 1, d->id);
		ret = db_one_int(st, &apologies);
		if (!ret) {
			st = db_prepare(db, "UPDATE dossier SET finished_at = ?, outcome = ? WHERE id = ?");
			db_bind_int(st, 1, now);
			db_bind_text(st, 2, outcome);
			db_bind_int(st, 3, d->id);
			ret = db_run(st);
		}
		json_object_set_new(data, "outcome", json_string(outcome));
		json_object_set_new(data, "apology_before", json_boolean(apologies > 0));
	}
	if (!strcmp(a->name, "return")) {
		const char *ch = arg_str(args, "channel");
		const char *tracking = arg_str(args, "tracking");

		if (!ch)
			ch = "counter";
		if (strcmp(ch, "counter") && strcmp(ch, "postal") && strcmp(ch, "online"))
			return err_set(e, E_INVALID, "channel",
				       "return at the counter, by post or online");
		if (!strcmp(ch, "postal") && !tracking)
			return err_set(e, E_INVALID, "tracking",
				       "a result sent by post needs the post's tracking number");
		/* Returning ends every step still open. */
		ret = step_advance(db, d, 1 << 30, 0, now);
		if (ret)
			return ret;
		st = db_prepare(db, "UPDATE dossier SET returned_at = ?, return_channel = ?,"
				" return_tracking = ? WHERE id = ?");
		db_bind_int(st, 1, now);
		db_bind_text(st, 2, ch);
		db_bind_text(st, 3, tracking ? tracking : "");
		db_bind_int(st, 4, d->id);
		ret = db_run(st);
		json_object_set_new(data, "channel", json_string(ch));
		if (tracking)
			json_object_set_new(data, "tracking", json_string(tracking));
	}
	if (!strcmp(a->name, "apologize")) {
		const char *date = arg_str(args, "new_date");
		struct calendar_settings s = holiday_settings();
		int day;

		if (!reason)
			return err_set(e, E_INVALID, "reason", "give the reason for the delay");
		if (!date || calendar_day_parse(date, &day, NULL))
			return err_set(e, E_INVALID, "new_date", "give the new date as YYYY-MM-DD");
		if (day <= calendar_day_of(d->promised_at ? d->promised_at : d->due_at))
			return err_set(e, E_INVALID, "new_date",
				       "the new date must be after the date promised so far");
		if (!calendar_is_working_day(cal, day))
			return err_set(e, E_INVALID, "new_date", "the new date must be a working day");
		st = db_prepare(db, "INSERT INTO dossier_apology (dossier_id, agency_id, reason,"
				" new_date, issued_at, before_deadline) VALUES (?, ?, ?, ?, ?, ?)");
		db_bind_int(st, 1, d->id);
		db_bind_int(st, 2, d->handling_agency_id);
		db_bind_text(st, 3, reason);
		db_bind_text(st, 4, date);
		db_bind_int(st, 5, now);
		db_bind_int(st, 6, now <= d->due_at);
		ret = db_run(st);
		if (!ret) {
			/* The promised date moves; the legal deadline does not. */
			st = db_prepare(db, "UPDATE dossier SET promised_at = ? WHERE id = ?");
			db_bind_int(st, 1, calendar_instant(day, s.afternoon_end));
			db_bind_int(st, 2, d->id);
			ret = db_run(st);
		}
		json_object_set_new(data, "reason", json_string(reason));
		json_object_set_new(data, "new_date", json_string(date));
		json_object_set_new(data, "before_deadline", json_boolean(now <= d->due_at));
	}
	if (!ret && a->to && (!strcmp(a->to, "rejected") || !strcmp(a->to, "refused") ||
			      !strcmp(a->to, "withdrawn"))) {
		st = db_prepare(db, "UPDATE dossier SET finished_at = ? WHERE id = ?");
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, d->id);
		ret = db_run(st);
	}
	if (ret)
		return ret;
	st = db_prepare(db, "UPDATE dossier SET state = ?, assignee_id = ?,"
			" handling_agency_id = ?, current_step = ?, updated_at = ?,"
			" version = version + 1 WHERE id = ? AND version = ?");
	db_bind_text(st, 1, a->to ? a->to : d->state);
	if (assignee)
		db_bind_int(st, 2, assignee);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, handling);
	db_bind_int(st, 4, d->current_step);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, d->id);
	/*
	 * The version read: on PostgreSQL a concurrent change that committed
	 * after our read makes this match nothing (the update re-reads the
	 * row), where "WHERE id = ?" alone would let both officers win.
	 */
	db_bind_int(st, 7, d->version);
	return db_run(st);
}

int dossier_act(struct db *db, const struct user *by, const struct audit_actor *who,
		const char *code, const char *action, json_t *args, struct err *e)
{
	const struct action *a = action_find(action ? action : "");
	struct dossier_row d = DOSSIER_ROW_INIT;
	const struct calendar *cal;
	json_t *data = json_object(), *jv = json_object_get(args, "version");
	const char *note = arg_str(args, "note");
	char *from = NULL;
	int64_t now = clock_now();
	int ret;

	if (!a) {
		ret = err_set(e, E_NOTFOUND, "action", "there is no action '%s'",
			      action ? action : "");
		goto out;
	}
	if (jv && !json_is_integer(jv)) {
		ret = err_set(e, E_INVALID, "version", "version must be a whole number");
		goto out;
	}
	ret = load_calendar(db, &cal, e);
	if (!ret)
		ret = db_begin(db);
	if (ret)
		goto out;
	ret = dossier_row_load(db, code, &d);
	if (!ret && !dossier_visible(by, &d))
		ret = E_NOTFOUND;
	if (ret == E_NOTFOUND) {
		ret = err_set(e, E_NOTFOUND, NULL, "there is no dossier '%s'", code ? code : "");
		goto rollback;
	}
	if (ret)
		goto rollback;
	if (!action_from(a, d.state)) {
		struct strbuf allowed = STRBUF_INIT;

		allowed_in(d.state, &allowed);
		ret = err_set(e, E_CONFLICT, "action",
			      "dossier %s is %s: '%s' is not allowed; allowed now: %s",
			      d.code ? d.code : code, dossier_state_label(d.state), action,
			      allowed.buf);
		err_name(e, "invalid_state");
		strbuf_release(&allowed);
		goto rollback;
	}
	if (!strcmp(a->name, "request_supplement") && d.supplements >= 1) {
		ret = err_set(e, E_CONFLICT, "action",
			      "a supplement may be requested only once while processing");
		goto rollback;
	}
	if (!may(by, a, &d)) {
		ret = err_set(e, E_DENIED, "action",
			      "your role or agency does not allow '%s' on this dossier", action);
		goto rollback;
	}
	if (jv && json_integer_value(jv) != d.version) {
		ret = err_set(e, E_CONFLICT, "version",
			      "dossier %s was changed by someone else (it is now %s); reload it",
			      d.code ? d.code : code, dossier_state_label(d.state));
		err_name(e, "stale");
		goto rollback;
	}
	from = xstrdup(d.state);
	ret = apply(db, cal, by, who, &d, a, args, now, data, e);
	if (ret == 1) {
		ret = 0;	/* accept wrote its own event */
	} else if (!ret) {
		/* The lock: nobody changed it since it was read in this transaction. */
		if (db_changes(db) != 1)
			ret = stale(&d, e);
		else
			ret = event_add(db, &d, who, now, a->name, from, a->to ? a->to : from,
					note, data);
	}
	if (!ret)
		ret = dossier_notify(db, d.id, a->name, args, e);
	if (!ret)
		ret = db_commit(db);
rollback:
	if (ret)
		db_rollback(db);
out:
	free(from);
	json_decref(data);
	dossier_row_release(&d);
	return ret;
}

int dossier_check_visible(struct db *db, const struct user *by, const char *code,
			  int64_t *id, struct err *e)
{
	struct dossier_row d = DOSSIER_ROW_INIT;
	int ret = dossier_row_load(db, code, &d);

	if (!ret && !dossier_visible(by, &d))
		ret = E_NOTFOUND;
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, NULL, "there is no dossier '%s'", code ? code : "");
	if (!ret)
		*id = d.id;
	dossier_row_release(&d);
	return ret;
}

int dossier_applicant_complete(struct db *db, const struct audit_actor *who,
			       int64_t id, const char *phone, const char *note,
			       struct err *e)
{
	struct dossier_row d = DOSSIER_ROW_INIT;
	struct db_stmt *st;
	json_t *data = json_object();
	char ref[24];
	int ret;

	snprintf(ref, sizeof(ref), "#%lld", (long long)id);
	ret = db_begin(db);
	if (ret)
		goto out;
	ret = dossier_row_load(db, ref, &d);
	if (!ret && (!phone || strcmp(d.applicant_phone, phone)))
		ret = E_NOTFOUND;
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, NULL, "there is no dossier '%s'", ref);
	if (!ret && strcmp(d.state, "incomplete"))
		ret = err_set(e, E_CONFLICT, "action",
			      "dossier %s is %s: only a dossier returned to you to complete can be sent again",
			      d.code ? d.code : ref, dossier_state_label(d.state));
	if (ret)
		goto rollback;
	st = db_prepare(db, "UPDATE dossier SET state = 'submitted', version = version + 1,"
			" updated_at = ? WHERE id = ? AND version = ?");
	db_bind_int(st, 1, clock_now());
	db_bind_int(st, 2, d.id);
	db_bind_int(st, 3, d.version);
	ret = db_run(st);
	if (!ret && db_changes(db) != 1)
		ret = err_set(e, E_CONFLICT, "version",
			      "dossier %s was changed by someone else; reload it", ref);
	if (!ret)
		ret = event_add(db, &d, who, clock_now(), "complete", "incomplete",
				"submitted", note, data);
	if (!ret)
		ret = db_commit(db);
rollback:
	if (ret)
		db_rollback(db);
out:
	json_decref(data);
	dossier_row_release(&d);
	return ret;
}

int dossier_allowed(struct db *db, const struct user *by, const char *code,
		    json_t **out, struct err *e)
{
	struct dossier_row d = DOSSIER_ROW_INIT;
	int ret = dossier_row_load(db, code, &d);

	*out = NULL;
	if (ret == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, NULL, "there is no dossier '%s'", code);
	if (ret)
		return ret;
	*out = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (action_from(&actions[i], d.state) && may(by, &actions[i], &d) &&
		    !(!strcmp(actions[i].name, "request_supplement") && d.supplements))
			json_array_append_new(*out, json_string(actions[i].name));
	dossier_row_release(&d);
	return 0;
}

const char *dossier_state_label(const char *state)
{
	static const struct { const char *state, *label; } labels[] = {
		{ "submitted", N_("submitted, waiting to be received") },
		{ "incomplete", N_("returned to the applicant to complete") },
		{ "rejected", N_("not accepted") },
		{ "received", N_("received") },
		{ "processing", N_("being processed") },
		{ "awaiting_supplement", N_("waiting for additional documents") },
		{ "approved", N_("approved, result being prepared") },
		{ "result_ready", N_("result ready to collect") },
		{ "returned", N_("result returned") },
		{ "refused", N_("refused") },
		{ "withdrawn", N_("withdrawn at the applicant's request") },
	};

	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if (!strcmp(labels[i].state, state))
			return _(labels[i].label);
	return state;
}
