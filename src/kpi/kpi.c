/*
 * The indicators: periods, the counters' sums per agency subtree, the
 * definitions, and the values that come from the catalogue, the plan
 * and people.  docs/kpi.md is the reader's version of the table below.
 */
#include "kpi/kpi.h"
#include "kpi/kpi_impl.h"

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
#include "db/db.h"
#include "org/org.h"
#include "plan/plan.h"

/* ---- periods ------------------------------------------------------------ */

static int month_end(int y, int m)
{
	return m == 12 ? calendar_day_from_ymd(y + 1, 1, 1) - 1
		       : calendar_day_from_ymd(y, m + 1, 1) - 1;
}

int kpi_period_parse(const char *code, const char *from, const char *to, int today,
		     struct kpi_period *out, struct err *e)
{
	int y = 0, n = 0, len;
	char tail[8] = "";

	memset(out, 0, sizeof(*out));
	if ((from && *from) || (to && *to)) {
		char a[CALENDAR_DAY_SIZE], b[CALENDAR_DAY_SIZE];

		if (!from || !*from || !to || !*to)
			return err_set(e, E_INVALID, from && *from ? "to" : "from",
				       "give both 'from' and 'to' (YYYY-MM-DD)");
		if (calendar_day_parse(from, &out->from, NULL))
			return err_set(e, E_INVALID, "from", "'from' must be a date YYYY-MM-DD");
		if (calendar_day_parse(to, &out->to, NULL))
			return err_set(e, E_INVALID, "to", "'to' must be a date YYYY-MM-DD");
		if (out->to < out->from)
			return err_set(e, E_INVALID, "to", "'to' is before 'from'");
		if (out->to - out->from > 3660)
			return err_set(e, E_INVALID, "to", "a period is at most ten years");
		calendar_day_format(out->from, a);
		calendar_day_format(out->to, b);
		snprintf(out->code, sizeof(out->code), "%s..%s", a, b);
		return 0;
	}
	if (!code || !*code) {
		calendar_day_to_ymd(today, &y, NULL, NULL);
		snprintf(out->code, sizeof(out->code), "%d", y);
		out->from = calendar_day_from_ymd(y, 1, 1);
		out->to = calendar_day_from_ymd(y, 12, 31);
		return 0;
	}
	len = (int)strlen(code);
	if (len < 4 || len > 7 || sscanf(code, "%4d%7s", &y, tail) < 1 || y < 1900 || y > 2199 ||
	    strspn(code, "0123456789") != 4)
		goto bad;
	if (!*tail) {
		out->from = calendar_day_from_ymd(y, 1, 1);
		out->to = calendar_day_from_ymd(y, 12, 31);
	} else if ((tail[1] == 'Q' || tail[1] == 'H') && tail[0] == '-' && tail[2] &&
		   !tail[3] && tail[2] >= '1' && tail[2] <= (tail[1] == 'Q' ? '4' : '2')) {
		int k = tail[2] - '0', months = tail[1] == 'Q' ? 3 : 6;
		int m1 = (k - 1) * months + 1, m2 = m1 + months - 1;

		out->from = calendar_day_from_ymd(y, m1, 1);
		out->to = month_end(y, m2);
	} else if (tail[0] == '-' && strlen(tail) == 3 && strspn(tail + 1, "0123456789") == 2 &&
		   (n = atoi(tail + 1)) >= 1 && n <= 12) {
		out->from = calendar_day_from_ymd(y, n, 1);
		out->to = month_end(y, n);
	} else {
		goto bad;
	}
	snprintf(out->code, sizeof(out->code), "%s", code);
	return 0;
bad:
	return err_set(e, E_INVALID, "period",
		       "the period must be YYYY, YYYY-Q1…Q4, YYYY-H1/H2 or YYYY-MM");
}

void kpi_period_label(const struct kpi_period *p, struct strbuf *out)
{
	int y1, m1, d1, y2, m2, d2;

	calendar_day_to_ymd(p->from, &y1, &m1, &d1);
	calendar_day_to_ymd(p->to, &y2, &m2, &d2);
	if (d1 == 1 && y1 == y2 && p->to == month_end(y2, m2)) {
		char y[16], m[16];

		snprintf(y, sizeof(y), "%d", y1);
		if (m1 == 1 && m2 == 12) {
			strbuf_addsub(out, _("year %s"), y, NULL);
			return;
		}
		if (m1 == m2) {
			snprintf(m, sizeof(m), "%d", m1);
			strbuf_addsub(out, _("month %s/%s"), m, y);
			return;
		}
		if (m2 - m1 == 2 && (m1 - 1) % 3 == 0) {
			snprintf(m, sizeof(m), "%d", (m1 - 1) / 3 + 1);
			strbuf_addsub(out, _("quarter %s of %s"), m, y);
			return;
		}
		if (m2 - m1 == 5 && (m1 == 1 || m1 == 7)) {
			strbuf_addsub(out, m1 == 1 ? _("first six months of %s")
					       : _("last six months of %s"), y, NULL);
			return;
		}
	}
	strbuf_addf(out, "%02d/%02d/%04d – %02d/%02d/%04d", d1, m1, y1, d2, m2, y2);
}

int kpi_months(const struct kpi_period *p)
{
	int y1, m1, y2, m2;

	calendar_day_to_ymd(p->from, &y1, &m1, NULL);
	calendar_day_to_ymd(p->to, &y2, &m2, NULL);
	return (y2 - y1) * 12 + m2 - m1 + 1;
}

void kpi_month_of(const struct kpi_period *p, int k, char ym[8])
{
	int y, m;

	calendar_day_to_ymd(p->from, &y, &m, NULL);
	m += k - 1;
	y += m / 12;
	m = m % 12 + 1;
	char buf[16];

	snprintf(buf, sizeof(buf), "%04d-%02d", y % 10000, m % 100);
	memcpy(ym, buf, 8);
	ym[7] = 0;
}

/* ---- metrics ------------------------------------------------------------- */

static const char *const metric_names[KPI_NMETRICS] = {
	"received", "received_online", "received_postal", "finished", "finished_early",
	"finished_on_time", "finished_late", "late_apology_before", "returned",
	"returned_postal", "apology_before", "apology_after", "refuse", "withdraw",
	"reject", "fee_required", "paid_online", "rated",
	"score_access", "score_procedure", "score_officers", "score_result", "score_feedback",
	"satisfied_access", "satisfied_procedure", "satisfied_officers", "satisfied_result",
	"satisfied_feedback",
};

const char *const kpi_factors[KPI_NFACTORS] = {
	"access", "procedure", "officers", "result", "feedback",
};

const char *kpi_metric_name(enum kpi_metric m)
{
	return m < KPI_NMETRICS ? metric_names[m] : "";
}

int kpi_metric_parse(const char *name)
{
	for (int i = 0; i < KPI_NMETRICS; i++)
		if (!strcmp(metric_names[i], name))
			return i;
	return -1;
}

/* ---- agencies -------------------------------------------------------------- */

#define KPI_AGENCY_COLS "id, key, name, level, kind, path, depth"

void kpi_agency_release(struct kpi_agency *a)
{
	free(a->key);
	free(a->name);
	free(a->level);
	free(a->kind);
	free(a->path);
	memset(a, 0, sizeof(*a));
}

void kpi_agencies_free(struct kpi_agency *a, int n)
{
	for (int i = 0; i < n; i++)
		kpi_agency_release(&a[i]);
	free(a);
}

static void agency_from_row(struct db_stmt *st, struct kpi_agency *a)
{
	a->id = db_col_int(st, 0);
	a->key = xstrdup(db_col_text(st, 1));
	a->name = xstrdup(db_col_text(st, 2));
	a->level = xstrdup(db_col_text(st, 3));
	a->kind = xstrdup(db_col_text(st, 4));
	a->path = xstrdup(db_col_text(st, 5));
	a->depth = (int)db_col_int(st, 6);
}

int kpi_scope(struct db *db, const struct user *viewer, const char *ref,
	      struct kpi_agency *out, struct err *e)
{
	struct db_stmt *st;
	int ret;

	memset(out, 0, sizeof(*out));
	if (ref && *ref) {
		struct agency a = AGENCY_INIT;

		ret = agency_find(db, ref, &a, e);
		if (ret)
			return ret;
		ref = NULL;
		st = db_prepare(db, "SELECT " KPI_AGENCY_COLS " FROM agency WHERE id = ?");
		db_bind_int(st, 1, a.id);
		agency_release(&a);
	} else if (viewer && !user_has(viewer, ROLE_MONITOR)) {
		st = db_prepare(db, "SELECT " KPI_AGENCY_COLS " FROM agency WHERE id = ?");
		db_bind_int(st, 1, viewer->agency_id);
	} else {
		st = db_prepare(db, "SELECT " KPI_AGENCY_COLS " FROM agency"
				" WHERE parent_id IS NULL ORDER BY id LIMIT 1");
	}
	ret = db_step(st);
	if (ret == DB_ROW)
		agency_from_row(st, out);
	db_reset(st);
	if (ret < 0)
		return E_INTERNAL;
	if (ret != DB_ROW)
		return err_set(e, E_NOTFOUND, "agency", "there is no agency");
	if (viewer && !user_sees_agency(viewer, out->path)) {
		kpi_agency_release(out);
		return err_set(e, E_DENIED, "agency",
			       "you may see the indicators of your own agency and those below it");
	}
	return 0;
}

int kpi_agencies(struct db *db, const struct kpi_agency *scope, const char *by,
		 struct kpi_agency **out, int *n, struct err *e)
{
	char *hi = agency_path_upper(scope->path);
	struct db_stmt *st;
	int ret, cap = 16;

	*out = NULL;
	*n = 0;
	if (!by || !*by || !strcmp(by, "children") || !strcmp(by, "agency")) {
		st = db_prepare(db, "SELECT " KPI_AGENCY_COLS " FROM agency"
				" WHERE parent_id = ? AND status = 'active' ORDER BY path");
		db_bind_int(st, 1, scope->id);
	} else if (!strncmp(by, "level:", 6)) {
		st = db_prepare(db, "SELECT " KPI_AGENCY_COLS " FROM agency WHERE path >= ?"
				" AND path < ? AND level = ? AND status = 'active' ORDER BY path");
		db_bind_text(st, 1, scope->path);
		db_bind_text(st, 2, hi);
		db_bind_text(st, 3, by + 6);
	} else if (!strcmp(by, "all")) {
		st = db_prepare(db, "SELECT " KPI_AGENCY_COLS " FROM agency WHERE path >= ?"
				" AND path < ? AND status = 'active' ORDER BY path");
		db_bind_text(st, 1, scope->path);
		db_bind_text(st, 2, hi);
	} else {
		free(hi);
		return err_set(e, E_INVALID, "by",
			       "'by' must be children, all, month or level:<level code>");
	}
	*out = xcalloc((size_t)cap, sizeof(**out));
	while ((ret = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap *= 2;
			*out = xrealloc(*out, (size_t)cap * sizeof(**out));
		}
		memset(&(*out)[*n], 0, sizeof(**out));
		agency_from_row(st, &(*out)[(*n)++]);
	}
	db_reset(st);
	free(hi);
	return ret < 0 ? E_INTERNAL : 0;
}

/* ---- sums ------------------------------------------------------------------ */

static int month_index(const struct kpi_period *p, const char *ym)
{
	int y0, m0, y, m;

	calendar_day_to_ymd(p->from, &y0, &m0, NULL);
	if (sscanf(ym, "%4d-%2d", &y, &m) != 2)
		return -1;
	return (y - y0) * 12 + m - m0;
}

static void in_list(struct strbuf *sql, int n)
{
	strbuf_addstr(sql, "(");
	for (int i = 0; i < n; i++)
		strbuf_addstr(sql, i ? ", ?" : "?");
	strbuf_addstr(sql, ")");
}

/* The agency of the list whose subtree holds path, or -1. */
static int owner_of(const struct kpi_agency *ag, int n, const char *path)
{
	for (int i = 0; i < n; i++)
		if (!strncmp(path, ag[i].path, strlen(ag[i].path)))
			return i;
	return -1;
}

/* Sums of kpi_counter over days [from, to] (one month at most) for the agencies. */
static int edge_load(struct db *db, const struct kpi_agency *ag, int n, int from, int to,
		     const struct kpi_period *p, struct kpi_sums *sums, struct kpi_sums *months,
		     int nmonths)
{
	char a[CALENDAR_DAY_SIZE], b[CALENDAR_DAY_SIZE];
	const char *lo = ag[0].path;
	char *hi = NULL;
	struct db_stmt *st;
	int ret;

	for (int i = 0; i < n; i++) {
		char *h = agency_path_upper(ag[i].path);

		if (strcmp(ag[i].path, lo) < 0)
			lo = ag[i].path;
		if (!hi || strcmp(h, hi) > 0) {
			free(hi);
			hi = h;
		} else {
			free(h);
		}
	}
	calendar_day_format(from, a);
	calendar_day_format(to, b);
	/*
	 * The days' counters first (kpi_counter_day), then each row's agency:
	 * CROSS JOIN keeps SQLite from looping over the agencies of the
	 * subtree and reading the days' counters of every agency for each
	 * (a few hundred agencies × the days' rows: 0.3 s for part of a month).
	 */
	st = db_prepare(db, "SELECT a.path, c.metric, SUM(c.value) FROM kpi_counter c"
			" CROSS JOIN agency a WHERE a.id = c.agency_id AND c.day >= ? AND c.day <= ?"
			" AND a.path >= ? AND a.path < ? GROUP BY a.path, c.metric");
	db_bind_text(st, 1, a);
	db_bind_text(st, 2, b);
	db_bind_text(st, 3, lo);
	db_bind_text(st, 4, hi);
	while ((ret = db_step(st)) == DB_ROW) {
		int i = owner_of(ag, n, db_col_text(st, 0));
		int m = kpi_metric_parse(db_col_text(st, 1));
		int64_t v = db_col_int(st, 2);

		if (i < 0 || m < 0)
			continue;
		sums[i].v[m] += v;
		if (months) {
			int k = month_index(p, a);

			if (k >= 0 && k < nmonths)
				months[i * nmonths + k].v[m] += v;
		}
	}
	db_reset(st);
	free(hi);
	return ret < 0 ? E_INTERNAL : 0;
}

/* kpi_sums_load() of every metric, or only one (only >= 0). */
static int sums_load(struct db *db, const struct kpi_agency *ag, int n,
		     const struct kpi_period *p, struct kpi_sums *sums,
		     struct kpi_sums *months, int only)
{
	int y1, m1, d1, y2, m2, d2, full_from, full_to, nmonths = kpi_months(p), ret = 0;
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st;

	memset(sums, 0, (size_t)n * sizeof(*sums));
	if (months)
		memset(months, 0, (size_t)n * (size_t)nmonths * sizeof(*months));
	if (!n)
		return 0;
	calendar_day_to_ymd(p->from, &y1, &m1, &d1);
	calendar_day_to_ymd(p->to, &y2, &m2, &d2);
	/* Whole months [full_from, full_to] as month numbers y * 12 + m - 1. */
	full_from = y1 * 12 + m1 - 1 + (d1 != 1);
	full_to = y2 * 12 + m2 - 1 - (p->to != month_end(y2, m2));
	if (full_from <= full_to) {
		char a[16], b[16];

		snprintf(a, sizeof(a), "%04d-%02d", (full_from / 12) % 10000, full_from % 12 + 1);
		snprintf(b, sizeof(b), "%04d-%02d", (full_to / 12) % 10000, full_to % 12 + 1);
		int b0 = 0;

		if (only >= 0) {
			/* One metric of many agencies: its rows by (metric, month). */
			strbuf_addstr(&sql, months ?
				"SELECT agency_id, metric, value, month FROM kpi_month WHERE metric = ?"
				" AND month >= ? AND month <= ?" :
				"SELECT agency_id, metric, SUM(value) FROM kpi_month WHERE metric = ?"
				" AND month >= ? AND month <= ? GROUP BY agency_id, metric");
			st = db_prepare(db, sql.buf);
			db_bind_text(st, 1, metric_names[only]);
			db_bind_text(st, 2, a);
			db_bind_text(st, 3, b);
		} else {
			if (months)
				strbuf_addstr(&sql, "SELECT agency_id, metric, value, month FROM kpi_month"
					      " WHERE agency_id IN ");
			else
				strbuf_addstr(&sql, "SELECT agency_id, metric, SUM(value) FROM kpi_month"
					      " WHERE agency_id IN ");
			in_list(&sql, n);
			strbuf_addstr(&sql, " AND month >= ? AND month <= ?");
			if (!months)
				strbuf_addstr(&sql, " GROUP BY agency_id, metric");
			st = db_prepare(db, sql.buf);
			for (int i = 0; i < n; i++)
				db_bind_int(st, ++b0, ag[i].id);
			db_bind_text(st, b0 + 1, a);
			db_bind_text(st, b0 + 2, b);
		}
		while ((ret = db_step(st)) == DB_ROW) {
			int64_t id = db_col_int(st, 0);
			int m = kpi_metric_parse(db_col_text(st, 1));
			int64_t v = db_col_int(st, 2);

			if (m < 0)
				continue;
			for (int i = 0; i < n; i++) {
				if (ag[i].id != id)
					continue;
				sums[i].v[m] += v;
				if (months) {
					int k = month_index(p, db_col_text(st, 3));

					if (k >= 0 && k < nmonths)
						months[i * nmonths + k].v[m] += v;
				}
				break;
			}
		}
		db_reset(st);
		if (ret < 0) {
			ret = E_INTERNAL;
			goto out;
		}
		ret = 0;
	}
	if (y1 == y2 && m1 == m2 && full_from > full_to) {
		ret = edge_load(db, ag, n, p->from, p->to, p, sums, months, nmonths);
	} else {
		if (d1 != 1)
			ret = edge_load(db, ag, n, p->from, month_end(y1, m1), p, sums, months,
					nmonths);
		if (!ret && p->to != month_end(y2, m2))
			ret = edge_load(db, ag, n, calendar_day_from_ymd(y2, m2, 1), p->to, p,
					sums, months, nmonths);
	}
out:
	strbuf_release(&sql);
	return ret;
}

int kpi_sums_load(struct db *db, const struct kpi_agency *ag, int n,
		  const struct kpi_period *p, struct kpi_sums *sums,
		  struct kpi_sums *months, struct err *e)
{
	(void)e;
	return sums_load(db, ag, n, p, sums, months, -1);
}

/* ---- definitions ------------------------------------------------------------- */

#define NONE -1
#define COUNT -1

const struct kpi_def kpi_defs[] = {
	{ "dossiers_on_time", N_("Dossiers finished on time"),
	  N_("Dossiers whose result was ready early or on time, out of all dossiers whose result was ready in the period. A dossier that was late stays late even when an apology gave it a new date."),
	  "(finished_early + finished_on_time) / finished × 100", "%", true, SRC_COUNTERS,
	  M_FINISHED_ON_TIME, M_FINISHED, 98, ">=", "by=finished" },
	{ "dossiers_early", N_("Dossiers finished early"),
	  N_("Dossiers whose result was ready before the deadline, out of all dossiers whose result was ready in the period."),
	  "finished_early / finished × 100", "%", true, SRC_COUNTERS,
	  M_FINISHED_EARLY, M_FINISHED, -1, ">=", "by=finished&outcome=early" },
	{ "dossiers_late", N_("Dossiers finished late"),
	  N_("Dossiers whose result was ready after the deadline, in the period."),
	  "finished_late", "dossiers", false, SRC_COUNTERS,
	  M_FINISHED_LATE, COUNT, -1, "<=", "by=finished&outcome=late" },
	{ "dossiers_received", N_("Dossiers received"),
	  N_("Dossiers received (accepted) in the period, by any channel."),
	  "received", "dossiers", true, SRC_COUNTERS, M_RECEIVED, COUNT, -1, ">=", "by=received" },
	{ "dossiers_finished", N_("Dossiers finished"),
	  N_("Dossiers whose result was ready in the period."),
	  "finished", "dossiers", true, SRC_COUNTERS, M_FINISHED, COUNT, -1, ">=", "by=finished" },
	{ "dossiers_online", N_("Dossiers filed online"),
	  N_("Dossiers filed through the online public service, out of all dossiers received in the period."),
	  "received_online / received × 100", "%", true, SRC_COUNTERS,
	  M_RECEIVED_ONLINE, M_RECEIVED, 50, ">", "by=received&channel=online" },
	{ "dossiers_postal_received", N_("Dossiers received by post"),
	  N_("Dossiers received through the public postal service in the period."),
	  "received_postal", "dossiers", true, SRC_COUNTERS,
	  M_RECEIVED_POSTAL, COUNT, -1, ">=", "by=received&channel=postal" },
	{ "dossiers_postal_returned", N_("Results returned by post"),
	  N_("Results sent to the applicant through the public postal service in the period."),
	  "returned_postal", "dossiers", true, SRC_COUNTERS,
	  M_RETURNED_POSTAL, COUNT, -1, ">=", "by=returned" },
	{ "late_apology", N_("Late dossiers with an apology in time"),
	  N_("Late dossiers for which an apology letter with a new date was issued before the deadline, out of the dossiers finished late in the period."),
	  "late_apology_before / finished_late × 100", "%", true, SRC_COUNTERS,
	  M_LATE_APOLOGY_BEFORE, M_FINISHED_LATE, 100, ">=", "by=finished&outcome=late" },
	{ "apologies", N_("Apology letters"),
	  N_("Apology letters issued in the period, before or after the deadline."),
	  "apology_before + apology_after", "letters", false, SRC_COUNTERS,
	  M_APOLOGY_BEFORE, COUNT, -1, "<=", NULL },
	{ "online_payment", N_("Fees paid online"),
	  N_("Dossiers whose fee was paid online, out of the dossiers that had a fee to pay in the period."),
	  "paid_online / fee_required × 100", "%", true, SRC_COUNTERS,
	  M_PAID_ONLINE, M_FEE_REQUIRED, -1, ">=", NULL },
	{ "satisfaction", N_("Satisfaction"),
	  N_("Ratings of 4 or 5 out of all ratings given, over the five SIPAS factors (access, procedure, officers, result, feedback)."),
	  "Σ satisfied_f / (5 × rated) × 100", "%", true, SRC_COUNTERS,
	  M_RATED, M_RATED, 85, ">", NULL },
	{ "satisfaction_access", N_("Satisfaction: access to the service"),
	  N_("Ratings of 4 or 5 for access to the service, out of the dossiers rated."),
	  "satisfied_access / rated × 100", "%", true, SRC_COUNTERS,
	  M_SATISFIED_ACCESS, M_RATED, -1, ">=", NULL },
	{ "satisfaction_procedure", N_("Satisfaction: the procedure"),
	  N_("Ratings of 4 or 5 for the procedure, out of the dossiers rated."),
	  "satisfied_procedure / rated × 100", "%", true, SRC_COUNTERS,
	  M_SATISFIED_PROCEDURE, M_RATED, -1, ">=", NULL },
	{ "satisfaction_officers", N_("Satisfaction: the officers"),
	  N_("Ratings of 4 or 5 for the officers, out of the dossiers rated."),
	  "satisfied_officers / rated × 100", "%", true, SRC_COUNTERS,
	  M_SATISFIED_OFFICERS, M_RATED, -1, ">=", NULL },
	{ "satisfaction_result", N_("Satisfaction: the result"),
	  N_("Ratings of 4 or 5 for the result, out of the dossiers rated."),
	  "satisfied_result / rated × 100", "%", true, SRC_COUNTERS,
	  M_SATISFIED_RESULT, M_RATED, -1, ">=", NULL },
	{ "satisfaction_feedback", N_("Satisfaction: handling of feedback"),
	  N_("Ratings of 4 or 5 for the handling of feedback, out of the dossiers rated."),
	  "satisfied_feedback / rated × 100", "%", true, SRC_COUNTERS,
	  M_SATISFIED_FEEDBACK, M_RATED, -1, ">=", NULL },
	{ "procedures_online", N_("Procedures offered online"),
	  N_("Published procedures offered as an online public service, partly or fully, out of the published procedures the agencies carry."),
	  "procedures online (partial or full) / procedures published × 100", "%", true,
	  SRC_CATALOGUE, NONE, NONE, 80, ">=", NULL },
	{ "procedures_published", N_("Procedures published"),
	  N_("Procedures published in the catalogue, out of all procedures the agencies carry that are not retired."),
	  "procedures published / procedures not retired × 100", "%", true,
	  SRC_CATALOGUE, NONE, NONE, 100, ">=", NULL },
	{ "agencies_publishing", N_("Agencies publishing their dossiers' progress"),
	  N_("Agencies that receive dossiers and whose dossiers of the period are public (tracking and these statistics), out of the agencies that receive dossiers."),
	  "agencies with dossiers received / agencies that receive dossiers × 100", "%", true,
	  SRC_CATALOGUE, NONE, NONE, 100, ">=", NULL },
	{ "reports_on_time", N_("Periodic reports sent on time"),
	  N_("Periodic reports of the plan sent by their due date, out of those due in the period."),
	  "reports sent on time / reports due × 100", "%", true, SRC_PLAN, NONE, NONE, 100, ">=",
	  NULL },
	{ "public_investment_disbursed", N_("Public investment disbursed"),
	  N_("Share of the year's public investment plan from the state budget disbursed, as entered by the agency."),
	  "entered", "%", true, SRC_ENTERED, NONE, NONE, 90, ">=", NULL },
	{ "work_records_online", N_("Work records processed online"),
	  N_("Share of the agency's work records (not secret) processed on the network, as entered by the agency."),
	  "entered", "%", true, SRC_ENTERED, NONE, NONE, -1, ">=", NULL },
	{ "digitised_components", N_("Dossier components digitised at receipt"),
	  N_("Share of dossiers whose components were digitised when received, as entered."),
	  "entered", "%", true, SRC_ENTERED, NONE, NONE, -1, ">=", NULL },
	{ "digitised_results", N_("Results issued electronically"),
	  N_("Share of results issued in electronic form, as entered."),
	  "entered", "%", true, SRC_ENTERED, NONE, NONE, -1, ">=", NULL },
	{ "feedback_on_time", N_("Feedback handled on time"),
	  N_("Citizens' feedback and petitions handled by their due date, as entered."),
	  "entered", "%", true, SRC_ENTERED, NONE, NONE, -1, ">=", NULL },
};
const int kpi_ndefs = (int)ARRAY_SIZE(kpi_defs);

const struct kpi_def *kpi_def_find(const char *code)
{
	for (int i = 0; code && i < kpi_ndefs; i++)
		if (!strcmp(kpi_defs[i].code, code))
			return &kpi_defs[i];
	return NULL;
}

static const char *source_name(enum kpi_source s)
{
	return s == SRC_COUNTERS ? "counters" : s == SRC_CATALOGUE ? "catalogue" :
	       s == SRC_PLAN ? "plan" : "entered";
}

json_t *kpi_def_json(const struct kpi_def *d)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s}",
		"code", d->code, "name", i18n_tr(i18n_lang(), d->name),
		"name_vi", i18n_tr(LANG_VI, d->name), "name_en", d->name,
		"definition", i18n_tr(i18n_lang(), d->definition),
		"definition_en", d->definition, "formula", d->formula, "unit", d->unit,
		"higher_is_better", d->higher_better, "source", source_name(d->source));

	json_object_set_new(j, "target", d->target >= 0 ? json_real(d->target) : json_null());
	json_object_set_new(j, "comparison", json_string(d->cmp));
	return j;
}

struct kpi_value kpi_satisfaction(const struct kpi_sums *s, int factor)
{
	struct kpi_value v = { false, 0, 0, s->v[M_RATED] };

	if (factor < 0) {
		for (int f = 0; f < KPI_NFACTORS; f++)
			v.num += s->v[M_SATISFIED_ACCESS + f];
		v.den *= KPI_NFACTORS;
	} else {
		v.num = s->v[M_SATISFIED_ACCESS + factor];
	}
	if (v.den > 0) {
		v.has = true;
		v.value = 100.0 * (double)v.num / (double)v.den;
	}
	return v;
}

struct kpi_value kpi_value_of(const struct kpi_def *d, const struct kpi_sums *s)
{
	struct kpi_value v = { false, 0, 0, 0 };

	if (d->source != SRC_COUNTERS)
		return v;
	if (!strcmp(d->code, "satisfaction"))
		return kpi_satisfaction(s, -1);
	v.num = s->v[d->num];
	if (!strcmp(d->code, "dossiers_on_time"))
		v.num += s->v[M_FINISHED_EARLY];
	if (!strcmp(d->code, "apologies"))
		v.num += s->v[M_APOLOGY_AFTER];
	if (d->den == COUNT) {
		v.has = true;
		v.value = (double)v.num;
		return v;
	}
	v.den = s->v[d->den];
	if (v.den > 0) {
		v.has = true;
		v.value = 100.0 * (double)v.num / (double)v.den;
	}
	return v;
}

const char *kpi_verdict(bool has, double value, const char *cmp, double threshold)
{
	/* Percentages are compared as shown, to a hundredth. */
	return plan_verdict(cmp, true, threshold, has, has ? round(value * 100) / 100 : value);
}

const char *kpi_verdict_label(const char *v)
{
	if (!strcmp(v, "met"))
		return _("Met");
	if (!strcmp(v, "not_met"))
		return _("Not met");
	if (!strcmp(v, "no_data"))
		return _("No data");
	return "";
}

/* ---- catalogue, publishing, plan ----------------------------------------------- */

int kpi_procedures(struct db *db, const struct kpi_agency *scope, int64_t *published,
		   int64_t *online, int64_t *all)
{
	/*
	 * A procedure belongs to the scope when an agency of the subtree
	 * carries it: by its key, or by its kind (every commune …).
	 */
	char *hi = agency_path_upper(scope->path);
	struct db_stmt *st = db_prepare(db,
		"SELECT COALESCE(SUM(CASE WHEN p.status = 'published' THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN p.status = 'published' AND v.online <> 'none'"
		" THEN 1 ELSE 0 END), 0), COUNT(*) FROM procedure p"
		" JOIN procedure_version v ON v.id = p.current_version_id"
		" WHERE p.status <> 'retired' AND (v.agency_key IN (SELECT key FROM agency"
		" WHERE path >= ? AND path < ?) OR v.agency_kind IN (SELECT kind FROM agency"
		" WHERE path >= ? AND path < ? AND status = 'active'))");
	int ret;

	db_bind_text(st, 1, scope->path);
	db_bind_text(st, 2, hi);
	db_bind_text(st, 3, scope->path);
	db_bind_text(st, 4, hi);
	ret = db_step(st);
	*published = *online = *all = 0;
	if (ret == DB_ROW) {
		*published = db_col_int(st, 0);
		*online = db_col_int(st, 1);
		*all = db_col_int(st, 2);
	}
	db_reset(st);
	free(hi);
	return ret < 0 ? E_INTERNAL : 0;
}

int kpi_agencies_publishing(struct db *db, const struct kpi_agency *scope,
			    const struct kpi_period *p, int64_t *publishing, int64_t *all)
{
	/*
	 * An agency receives dossiers when a procedure of the catalogue is
	 * carried by it or its kind.  It publishes when its own dossiers of
	 * the period are public (every dossier received here is trackable
	 * and counted in the public statistics): own = its subtree's rollup
	 * minus its children's.
	 */
	struct kpi_agency *ag = NULL;
	struct kpi_sums *sums = NULL;
	struct db_stmt *st;
	int64_t *own = NULL;
	bool *carries = NULL;
	int n = 0, ret;

	*publishing = *all = 0;
	ret = kpi_agencies(db, scope, "all", &ag, &n, NULL);
	if (ret || !n)
		goto out;
	sums = xcalloc((size_t)n, sizeof(*sums));
	own = xcalloc((size_t)n, sizeof(*own));
	carries = xcalloc((size_t)n, sizeof(*carries));
	ret = sums_load(db, ag, n, p, sums, NULL, M_RECEIVED);
	if (ret)
		goto out;
	for (int i = 0; i < n; i++)
		own[i] = sums[i].v[M_RECEIVED];
	for (int i = 0; i < n; i++) {
		size_t len = strlen(ag[i].path);

		/* The parent's path is this one without its last segment. */
		for (int j = 0; len > 9 && j < n; j++)
			if (strlen(ag[j].path) == len - 9 && !strncmp(ag[j].path, ag[i].path, len - 9))
				own[j] -= sums[i].v[M_RECEIVED];
	}
	/* Who carries a published procedure: by key, or every agency of a kind. */
	st = db_prepare(db, "SELECT DISTINCT COALESCE(v.agency_key, ''), COALESCE(v.agency_kind, '')"
			" FROM procedure p JOIN procedure_version v ON v.id = p.current_version_id"
			" WHERE p.status = 'published'");
	while ((ret = db_step(st)) == DB_ROW) {
		const char *key = db_col_text(st, 0), *kind = db_col_text(st, 1);

		for (int i = 0; i < n; i++)
			if ((*key && !strcmp(ag[i].key, key)) || (*kind && !strcmp(ag[i].kind, kind)))
				carries[i] = true;
	}
	db_reset(st);
	if (ret < 0) {
		ret = E_INTERNAL;
		goto out;
	}
	ret = 0;
	for (int i = 0; i < n; i++) {
		if (!carries[i])
			continue;
		(*all)++;
		if (own[i] > 0)
			(*publishing)++;
	}
out:
	free(own);
	free(carries);
	free(sums);
	kpi_agencies_free(ag, n);
	return ret;
}

/* The newest plan's key whose year meets the period, or the newest; NULL if none. */
static char *plan_key_for(struct db *db, const struct kpi_period *p)
{
	struct db_stmt *st = db_prepare(db, "SELECT key FROM plan ORDER BY"
					" CASE WHEN year = ? THEN 0 ELSE 1 END, year DESC, id DESC LIMIT 1");
	char *key = NULL;
	int y;

	calendar_day_to_ymd(p->to, &y, NULL, NULL);
	db_bind_int(st, 1, y);
	if (db_one_text(st, &key))
		key = NULL;
	return key;
}

int kpi_reports_on_time(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
			const struct kpi_period *p, int64_t *on_time, int64_t *owed)
{
	struct plan_info pi = PLAN_INFO_INIT;
	struct err e = ERR_INIT;
	char *key = plan_key_for(db, p);
	json_t *list = NULL, *it;
	int today = calendar_day_of(clock_now());
	int as_of = p->to < today ? p->to : today;
	size_t i;
	int ret = 0;

	int y1, y2;
	char *hi = agency_path_upper(scope->path);
	struct db_stmt *st;
	json_t *inside = json_object();

	*on_time = *owed = 0;
	calendar_day_to_ymd(p->from, &y1, NULL, NULL);
	calendar_day_to_ymd(p->to, &y2, NULL, NULL);
	/* Reports are owed for the plan's year only. */
	if (!key || plan_find(db, key, &pi, &e) || pi.year < y1 || pi.year > y2)
		goto out;
	st = db_prepare(db, "SELECT key FROM agency WHERE path >= ? AND path < ?");
	db_bind_text(st, 1, scope->path);
	db_bind_text(st, 2, hi);
	while (db_step(st) == DB_ROW)
		json_object_set_new(inside, db_col_text(st, 0), json_true());
	db_reset(st);
	if (plan_submissions(db, viewer, &pi, NULL, NULL, as_of, &list, &e))
		goto out;
	json_array_foreach(list, i, it) {
		const char *due = json_string_value(json_object_get(it, "due"));
		const char *status = json_string_value(json_object_get(it, "status"));
		const char *akey = json_string_value(json_object_get(json_object_get(it, "agency"),
								      "key"));
		int d;

		if (!due || calendar_day_parse(due, &d, NULL) || d < p->from || d > as_of || !status)
			continue;
		if (!akey || !json_object_get(inside, akey) || !strcmp(status, "not_due"))
			continue;
		(*owed)++;
		if (!strcmp(status, "on_time"))
			(*on_time)++;
	}
out:
	json_decref(list);
	json_decref(inside);
	plan_info_release(&pi);
	free(key);
	free(hi);
	return ret;
}

/* ---- entered values ------------------------------------------------------------ */

static bool period_code_valid(const char *s)
{
	struct kpi_period p;

	return s && *s && !kpi_period_parse(s, NULL, NULL, 0, &p, NULL);
}

int kpi_entry_add(struct db *db, const struct user *by, const struct audit_actor *who,
		  const char *code, const char *agency, const char *period, double value,
		  const char *evidence, int64_t *id, struct err *e)
{
	const struct kpi_def *d = kpi_def_find(code);
	struct agency a = AGENCY_INIT;
	struct db_stmt *st;
	char obj[64];
	json_t *after;
	int ret;

	if (!d || d->source != SRC_ENTERED)
		return err_set(e, E_INVALID, "indicator",
			       "'%s' is not an indicator whose value is entered", code ? code : "");
	if (!period_code_valid(period))
		return err_set(e, E_INVALID, "period",
			       "the period must be YYYY, YYYY-Q1…Q4, YYYY-H1/H2 or YYYY-MM");
	if (!isfinite(value) || value < 0 || value > 100)
		return err_set(e, E_INVALID, "value", "the value must be a percentage, 0 to 100");
	if (!evidence || !*evidence)
		return err_set(e, E_INVALID, "evidence",
			       "give the evidence: the document or report the value comes from");
	if (strlen(evidence) > 2000)
		return err_set(e, E_INVALID, "evidence", "the evidence is longer than 2000 characters");
	ret = agency_find(db, agency && *agency ? agency : by->agency_key, &a, e);
	if (ret)
		return ret;
	if (!user_has(by, ROLE_MONITOR) && !user_sees_agency(by, a.path)) {
		ret = err_set(e, E_DENIED, "agency",
			      "you may enter values for your own agency and those below it");
		goto out;
	}
	ret = db_begin(db);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO kpi_entry (indicator, agency_id, period, value, evidence,"
			" user_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_text(st, 1, d->code);
	db_bind_int(st, 2, a.id);
	db_bind_text(st, 3, period);
	db_bind_double(st, 4, value);
	db_bind_text(st, 5, evidence);
	db_bind_int(st, 6, by->id);
	db_bind_int(st, 7, clock_now());
	ret = db_one_int(st, id);
	if (!ret) {
		snprintf(obj, sizeof(obj), "%lld", (long long)*id);
		after = json_pack("{s:s,s:s,s:s,s:f,s:s}", "indicator", d->code, "agency", a.key,
				  "period", period, "value", value, "evidence", evidence);
		ret = audit_log(db, who, "kpi.entry", "kpi_entry", obj, NULL, after);
		json_decref(after);
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
out:
	agency_release(&a);
	return ret;
}

int kpi_entry_value(struct db *db, const char *code, int64_t agency_id,
		    const struct kpi_period *p, struct kpi_value *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT value FROM kpi_entry WHERE indicator = ?"
					" AND agency_id = ? AND period = ? ORDER BY id DESC LIMIT 1");
	char year[8];
	int y, ret;

	memset(out, 0, sizeof(*out));
	calendar_day_to_ymd(p->from, &y, NULL, NULL);
	snprintf(year, sizeof(year), "%d", y % 10000);
	for (int pass = 0; pass < 2; pass++) {
		db_bind_text(st, 1, code);
		db_bind_int(st, 2, agency_id);
		db_bind_text(st, 3, pass ? year : p->code);
		ret = db_step(st);
		if (ret == DB_ROW) {
			out->has = true;
			out->value = db_col_double(st, 0);
		}
		db_reset(st);
		if (ret < 0)
			return E_INTERNAL;
		if (out->has)
			break;
	}
	return 0;
}

int kpi_entries(struct db *db, const struct kpi_agency *scope, json_t **out)
{
	char *hi = agency_path_upper(scope->path);
	struct db_stmt *st = db_prepare(db, "SELECT e.id, e.indicator, a.key, a.name, e.period,"
		" e.value, e.evidence, COALESCE(u.username, ''), e.recorded_at FROM kpi_entry e"
		" JOIN agency a ON a.id = e.agency_id LEFT JOIN app_user u ON u.id = e.user_id"
		" WHERE a.path >= ? AND a.path < ? ORDER BY e.id DESC LIMIT 200");
	int ret;

	*out = json_array();
	db_bind_text(st, 1, scope->path);
	db_bind_text(st, 2, hi);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:I,s:s,s:s,s:s,s:s,s:f,s:s,s:s,s:I}",
			"id", (json_int_t)db_col_int(st, 0), "indicator", db_col_text(st, 1),
			"agency", db_col_text(st, 2), "agency_name", db_col_text(st, 3),
			"period", db_col_text(st, 4), "value", db_col_double(st, 5),
			"evidence", db_col_text(st, 6), "by", db_col_text(st, 7),
			"recorded_at", (json_int_t)db_col_int(st, 8)));
	db_reset(st);
	free(hi);
	return ret < 0 ? E_INTERNAL : 0;
}

/* ---- all indicators of a scope ---------------------------------------------------- */

static json_t *value_json(const struct kpi_def *d, struct kpi_value v)
{
	json_t *j = kpi_def_json(d);

	json_object_set_new(j, "value", v.has ? json_real(round(v.value * 100) / 100) : json_null());
	json_object_set_new(j, "num", json_integer(v.num));
	json_object_set_new(j, "den", d->den == COUNT && d->source == SRC_COUNTERS ? json_null()
				      : json_integer(v.den));
	json_object_set_new(j, "verdict", json_string(d->target >= 0 ?
			    kpi_verdict(v.has, v.value, d->cmp, d->target) : "no_target"));
	json_object_set_new(j, "link", d->link ? json_string(d->link) : json_null());
	return j;
}

json_t *kpi_agency_json(const struct kpi_agency *a)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "key", a->key,
			 "name", a->name, "level", a->level, "kind", a->kind);
}

json_t *kpi_period_json(const struct kpi_period *p)
{
	char a[CALENDAR_DAY_SIZE], b[CALENDAR_DAY_SIZE];
	struct strbuf l = STRBUF_INIT;
	json_t *j;

	calendar_day_format(p->from, a);
	calendar_day_format(p->to, b);
	kpi_period_label(p, &l);
	j = json_pack("{s:s,s:s,s:s,s:s}", "code", p->code, "from", a, "to", b, "label", l.buf);
	strbuf_release(&l);
	return j;
}

int kpi_values(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
	       const struct kpi_period *p, json_t **out, struct err *e)
{
	struct kpi_sums s;
	struct strbuf key = STRBUF_INIT;
	json_t *items;
	int64_t pub = 0, onl = 0, all = 0, apub = 0, aall = 0, rot = 0, rowed = 0;
	int ret;

	kpi_cache_key(&key, "values", viewer, scope, p, NULL);
	*out = kpi_cache_get(key.buf);
	if (*out) {
		strbuf_release(&key);
		return 0;
	}
	items = json_array();
	ret = kpi_sums_load(db, scope, 1, p, &s, NULL, e);

	if (!ret)
		ret = kpi_procedures(db, scope, &pub, &onl, &all);
	if (!ret)
		ret = kpi_agencies_publishing(db, scope, p, &apub, &aall);
	if (!ret)
		ret = kpi_reports_on_time(db, viewer, scope, p, &rot, &rowed);
	for (int i = 0; !ret && i < kpi_ndefs; i++) {
		const struct kpi_def *d = &kpi_defs[i];
		struct kpi_value v = { false, 0, 0, 0 };

		if (d->source == SRC_COUNTERS) {
			if (!strncmp(d->code, "satisfaction_", 13)) {
				for (int f = 0; f < KPI_NFACTORS; f++)
					if (!strcmp(d->code + 13, kpi_factors[f]))
						v = kpi_satisfaction(&s, f);
			} else {
				v = kpi_value_of(d, &s);
			}
		} else if (!strcmp(d->code, "procedures_online")) {
			v.num = onl;
			v.den = pub;
		} else if (!strcmp(d->code, "procedures_published")) {
			v.num = pub;
			v.den = all;
		} else if (!strcmp(d->code, "agencies_publishing")) {
			v.num = apub;
			v.den = aall;
		} else if (!strcmp(d->code, "reports_on_time")) {
			v.num = rot;
			v.den = rowed;
		} else if (d->source == SRC_ENTERED) {
			ret = kpi_entry_value(db, d->code, scope->id, p, &v);
		}
		if (d->source == SRC_CATALOGUE || d->source == SRC_PLAN) {
			v.has = v.den > 0;
			v.value = v.has ? 100.0 * (double)v.num / (double)v.den : 0;
		}
		json_array_append_new(items, value_json(d, v));
	}
	if (ret) {
		json_decref(items);
		strbuf_release(&key);
		*out = NULL;
		return ret;
	}
	*out = json_pack("{s:o,s:o,s:o,s:o}", "agency", kpi_agency_json(scope),
			 "period", kpi_period_json(p), "items", items,
			 "counters", json_object());
	for (int m = 0; m < KPI_NMETRICS; m++)
		json_object_set_new(json_object_get(*out, "counters"), metric_names[m],
				    json_integer(s.v[m]));
	kpi_cache_put(key.buf, *out);
	strbuf_release(&key);
	return 0;
}

/* Value of a counters indicator from sums (satisfaction factors included). */
struct kpi_value kpi_counters_value(const struct kpi_def *d, const struct kpi_sums *s)
{
	if (!strncmp(d->code, "satisfaction_", 13))
		for (int f = 0; f < KPI_NFACTORS; f++)
			if (!strcmp(d->code + 13, kpi_factors[f]))
				return kpi_satisfaction(s, f);
	return kpi_value_of(d, s);
}

static int by_value(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_t *vx = json_object_get(x, "value"), *vy = json_object_get(y, "value");
	double dx = json_number_value(vx), dy = json_number_value(vy);
	int hb = json_is_true(json_object_get(x, "_hb"));

	if (json_is_null(vx) != json_is_null(vy))
		return json_is_null(vx) ? 1 : -1;
	if (dx != dy)
		return (dx < dy) == hb ? 1 : -1;
	return strcmp(json_string_value(json_object_get(json_object_get(x, "agency"), "name")),
		      json_string_value(json_object_get(json_object_get(y, "agency"), "name")));
}

int kpi_breakdown(struct db *db, const struct kpi_agency *scope, const char *code,
		  const char *by, const struct kpi_period *p, json_t **out, struct err *e)
{
	const struct kpi_def *d = kpi_def_find(code);
	struct kpi_agency *ag = NULL;
	struct kpi_sums *sums = NULL, *months = NULL;
	struct strbuf key = STRBUF_INIT;
	json_t *rows;
	int n = 0, ret;

	*out = NULL;
	kpi_cache_key(&key, "breakdown", NULL, scope, p, NULL);
	strbuf_addf(&key, "|%s|%s", code ? code : "", by ? by : "");
	*out = kpi_cache_get(key.buf);
	if (*out) {
		strbuf_release(&key);
		return 0;
	}
	rows = json_array();
	if (!d || d->source != SRC_COUNTERS) {
		strbuf_release(&key);
		json_decref(rows);
		return err_set(e, E_INVALID, "indicator",
			       "'%s' is not an indicator that can be broken down", code ? code : "");
	}
	if (by && !strcmp(by, "month")) {
		int nm = kpi_months(p);

		sums = xcalloc(1, sizeof(*sums));
		months = xcalloc((size_t)nm, sizeof(*months));
		ret = kpi_sums_load(db, scope, 1, p, sums, months, e);
		for (int k = 0; !ret && k < nm; k++) {
			struct kpi_value v = kpi_counters_value(d, &months[k]);
			char ym[8];

			kpi_month_of(p, k, ym);
			json_array_append_new(rows, json_pack("{s:s,s:o,s:I,s:o}", "month", ym,
				"value", v.has ? json_real(round(v.value * 100) / 100) : json_null(),
				"num", (json_int_t)v.num,
				"den", d->den == COUNT ? json_null() : json_integer(v.den)));
		}
	} else {
		ret = kpi_agencies(db, scope, by, &ag, &n, e);
		if (!ret) {
			sums = xcalloc((size_t)n + 1, sizeof(*sums));
			ret = kpi_sums_load(db, ag, n, p, sums, NULL, e);
		}
		for (int i = 0; !ret && i < n; i++) {
			struct kpi_value v = kpi_counters_value(d, &sums[i]);

			json_array_append_new(rows, json_pack("{s:o,s:o,s:I,s:o,s:b}",
				"agency", kpi_agency_json(&ag[i]),
				"value", v.has ? json_real(round(v.value * 100) / 100) : json_null(),
				"num", (json_int_t)v.num,
				"den", d->den == COUNT ? json_null() : json_integer(v.den),
				"_hb", d->higher_better));
		}
		if (!ret) {
			size_t k, nr = json_array_size(rows);
			json_t **arr = xcalloc(nr + 1, sizeof(*arr));
			json_t *sorted = json_array(), *r;

			json_array_foreach(rows, k, r)
				arr[k] = r;
			qsort(arr, nr, sizeof(*arr), by_value);
			for (k = 0; k < nr; k++) {
				json_object_del(arr[k], "_hb");
				json_object_set_new(arr[k], "rank", json_integer((json_int_t)k + 1));
				json_array_append(sorted, arr[k]);
			}
			free(arr);
			json_decref(rows);
			rows = sorted;
		}
	}
	if (!ret)
		*out = json_pack("{s:o,s:o,s:o,s:s,s:O}", "indicator", kpi_def_json(d),
				 "agency", kpi_agency_json(scope), "period", kpi_period_json(p),
				 "by", by && *by ? by : "children", "rows", rows);
	if (!ret)
		kpi_cache_put(key.buf, *out);
	strbuf_release(&key);
	json_decref(rows);
	free(sums);
	free(months);
	kpi_agencies_free(ag, n);
	return ret;
}

/* ---- settings ------------------------------------------------------------------------ */

double kpi_setting(struct db *db, const char *key, double def)
{
	struct db_stmt *st = db_prepare(db, "SELECT value FROM kpi_setting WHERE key = ?");
	double v = def;

	db_bind_text(st, 1, key);
	if (db_step(st) == DB_ROW)
		v = db_col_double(st, 0);
	db_reset(st);
	return v;
}

int kpi_setting_set(struct db *db, const struct user *by, const struct audit_actor *who,
		    const char *key, double value, struct err *e)
{
	struct db_stmt *st;
	bool known = false;
	double before;
	json_t *a, *b;
	int ret;

	for (int i = 0; key && i < kpi_766_nsubs; i++) {
		char k[64];

		snprintf(k, sizeof(k), "766.%s", kpi_766_subs[i].key);
		if (!strcmp(k, key)) {
			known = true;
			before = kpi_766_subs[i].weight;
		}
	}
	if (!known)
		return err_set(e, E_INVALID, "key", "there is no setting '%s'", key ? key : "");
	if (!isfinite(value) || value < 0 || value > 100)
		return err_set(e, E_INVALID, "value", "a weight must be between 0 and 100 points");
	before = kpi_setting(db, key, before);
	ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, "INSERT INTO kpi_setting (key, value, user_id, updated_at)"
			" VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
			" user_id = excluded.user_id, updated_at = excluded.updated_at");
	db_bind_text(st, 1, key);
	db_bind_double(st, 2, value);
	db_bind_int(st, 3, by->id);
	db_bind_int(st, 4, clock_now());
	ret = db_run(st);
	if (!ret) {
		b = json_pack("{s:f}", "value", before);
		a = json_pack("{s:f}", "value", value);
		ret = audit_log(db, who, "kpi.setting", "kpi_setting", key, b, a);
		json_decref(a);
		json_decref(b);
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	return ret;
}

int kpi_settings(struct db *db, json_t **out)
{
	*out = json_array();
	for (int i = 0; i < kpi_766_nsubs; i++) {
		char k[64];

		snprintf(k, sizeof(k), "766.%s", kpi_766_subs[i].key);
		json_array_append_new(*out, json_pack("{s:s,s:i,s:s,s:f,s:f}", "key", k,
			"group", kpi_766_subs[i].group, "indicator", kpi_766_subs[i].indicator,
			"default", kpi_766_subs[i].weight,
			"value", kpi_setting(db, k, kpi_766_subs[i].weight)));
	}
	return 0;
}

/* ---- open dossiers ---------------------------------------------------------------------- */

int kpi_backlog(struct db *db, const struct kpi_agency *scope, json_t **out)
{
	/* Counts only, on the open dossiers' partial index. */
	static const int edges[] = { 5, 10, 20, 30 };
	char *hi = agency_path_upper(scope->path);
	int64_t now = clock_now();
	struct db_stmt *st = db_prepare(db,
		"SELECT COALESCE(SUM(CASE WHEN received_at >= ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN received_at < ? AND received_at >= ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN received_at < ? AND received_at >= ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN received_at < ? AND received_at >= ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN received_at < ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0), COUNT(*)"
		" FROM dossier WHERE finished_at IS NULL AND received_at IS NOT NULL"
		" AND agency_id IN (SELECT id FROM agency WHERE path >= ? AND path < ?)");
	int ret, b = 1;

	for (int i = 0; i < 4; i++) {
		int64_t t = now - (int64_t)edges[i] * 86400;

		/* Each edge closes one bucket and opens the next. */
		db_bind_int(st, b++, t);
		db_bind_int(st, b++, t);
	}
	db_bind_int(st, b++, now);
	db_bind_text(st, b++, scope->path);
	db_bind_text(st, b, hi);
	ret = db_step(st);
	*out = NULL;
	if (ret == DB_ROW) {
		json_t *buckets = json_array();
		static const char *const names[] = { "0-5", "6-10", "11-20", "21-30", "31+" };

		for (int i = 0; i < 5; i++)
			json_array_append_new(buckets, json_pack("{s:s,s:I}", "age_days", names[i],
						"count", (json_int_t)db_col_int(st, i)));
		*out = json_pack("{s:o,s:I,s:I}", "buckets", buckets,
				 "overdue", (json_int_t)db_col_int(st, 5),
				 "open", (json_int_t)db_col_int(st, 6));
	}
	db_reset(st);
	free(hi);
	return ret == DB_ROW ? 0 : E_INTERNAL;
}

int kpi_late_steps(struct db *db, const struct kpi_agency *scope, json_t **out)
{
	char *hi = agency_path_upper(scope->path);
	struct db_stmt *st = db_prepare(db,
		"SELECT s.kind, a.key, a.name, COUNT(*) FROM dossier_step s"
		" JOIN agency a ON a.id = s.agency_id WHERE s.finished_at IS NULL AND s.due_at < ?"
		" AND a.path >= ? AND a.path < ? GROUP BY s.kind, a.key, a.name"
		" ORDER BY COUNT(*) DESC, a.name LIMIT 100");
	int ret;

	*out = json_array();
	db_bind_int(st, 1, clock_now());
	db_bind_text(st, 2, scope->path);
	db_bind_text(st, 3, hi);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:s,s:s,s:s,s:I}", "step", db_col_text(st, 0),
			"agency", db_col_text(st, 1), "agency_name", db_col_text(st, 2),
			"count", (json_int_t)db_col_int(st, 3)));
	db_reset(st);
	free(hi);
	return ret < 0 ? E_INTERNAL : 0;
}

/* ---- public statistics -------------------------------------------------------------------- */

static json_t *public_row(const struct kpi_sums *s)
{
	struct kpi_value on = kpi_value_of(kpi_def_find("dossiers_on_time"), s);
	struct kpi_value sat = kpi_satisfaction(s, -1);

	return json_pack("{s:I,s:I,s:o,s:I,s:I,s:o}", "received", (json_int_t)s->v[M_RECEIVED],
		"finished", (json_int_t)s->v[M_FINISHED],
		"on_time_percent", on.has ? json_real(round(on.value * 100) / 100) : json_null(),
		"late", (json_int_t)s->v[M_FINISHED_LATE],
		"apologies", (json_int_t)(s->v[M_APOLOGY_BEFORE] + s->v[M_APOLOGY_AFTER]),
		"satisfaction_percent", sat.has ? json_real(round(sat.value * 100) / 100) : json_null());
}

int kpi_public_stats(struct db *db, json_t **out, struct err *e)
{
	struct kpi_agency root = { 0 }, *ag = NULL;
	struct kpi_sums *ys = NULL, *ms = NULL;
	struct kpi_period year, month;
	int today = calendar_day_of(clock_now()), y, m, n = 0, ret;
	char code[16];
	json_t *items = NULL;

	struct strbuf key = STRBUF_INIT;

	*out = NULL;
	kpi_cache_key(&key, "public", NULL, NULL, NULL, NULL);
	strbuf_addf(&key, "|%d", today);
	*out = kpi_cache_get(key.buf);
	if (*out) {
		strbuf_release(&key);
		return 0;
	}
	calendar_day_to_ymd(today, &y, &m, NULL);
	snprintf(code, sizeof(code), "%04d", y % 10000);
	kpi_period_parse(code, NULL, NULL, today, &year, NULL);
	snprintf(code, sizeof(code), "%04d-%02d", y % 10000, m % 100);
	kpi_period_parse(code, NULL, NULL, today, &month, NULL);
	ret = kpi_scope(db, NULL, NULL, &root, e);
	if (!ret)
		ret = kpi_agencies(db, &root, "all", &ag, &n, e);
	if (!ret) {
		ys = xcalloc((size_t)n + 1, sizeof(*ys));
		ms = xcalloc((size_t)n + 1, sizeof(*ms));
		ret = kpi_sums_load(db, ag, n, &year, ys, NULL, e);
	}
	if (!ret)
		ret = kpi_sums_load(db, ag, n, &month, ms, NULL, e);
	if (!ret) {
		items = json_array();
		for (int i = 0; i < n; i++) {
			if (!ys[i].v[M_RECEIVED] && !ys[i].v[M_FINISHED])
				continue;
			json_array_append_new(items, json_pack("{s:o,s:i,s:o,s:o}",
				"agency", kpi_agency_json(&ag[i]), "depth", ag[i].depth - root.depth,
				"month", public_row(&ms[i]), "year", public_row(&ys[i])));
		}
		*out = json_pack("{s:o,s:o,s:o}", "month", kpi_period_json(&month),
				 "year", kpi_period_json(&year), "items", items);
		kpi_cache_put(key.buf, *out);
	}
	strbuf_release(&key);
	free(ys);
	free(ms);
	kpi_agencies_free(ag, n);
	kpi_agency_release(&root);
	return ret;
}

json_t *kpi_item(json_t *values, const char *code)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(values, "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "code")), code))
			return it;
	return NULL;
}

void kpi_number(struct strbuf *out, json_t *v)
{
	char buf[64], *dot;
	double d;

	if (!json_is_number(v)) {
		strbuf_addstr(out, "—");
		return;
	}
	d = json_number_value(v);
	if (fabs(d - round(d)) < 1e-9)
		snprintf(buf, sizeof(buf), "%.0f", d);
	else
		snprintf(buf, sizeof(buf), "%.2f", d);
	if (strcmp(i18n_lang(), LANG_EN) && (dot = strchr(buf, '.')))
		*dot = ',';
	strbuf_addstr(out, buf);
}

void kpi_cache_key(struct strbuf *key, const char *what, const struct user *viewer,
		   const struct kpi_agency *scope, const struct kpi_period *p, const char *extra)
{
	strbuf_addf(key, "%s|", what);
	if (!viewer)
		strbuf_addstr(key, "-");
	else if (user_has(viewer, ROLE_MONITOR))
		strbuf_addstr(key, "m");
	else
		strbuf_addf(key, "a%lld", (long long)viewer->agency_id);
	strbuf_addf(key, "|%lld|%s|%s|%s", scope ? (long long)scope->id : 0LL,
		    p ? p->code : "", extra ? extra : "", i18n_lang());
}
