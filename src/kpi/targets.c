/*
 * The plan's targets (section I.2 of the seed) held against the
 * indicators: measured value, threshold, verdict, per level where the
 * target is per level, and the trend month by month over the plan's year.
 * A target no indicator measures takes the value entered in the plan.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "kpi/kpi.h"
#include "kpi/kpi_impl.h"
#include "org/org.h"
#include "plan/plan.h"


/*
 * Sums of the dossiers counted at agencies of one level within the scope
 * (their own, not their subtrees'): each agency's subtree minus its
 * children's.
 */
static int level_sums(struct db *db, const struct kpi_agency *scope, const struct kpi_period *p,
		      const char *level, struct kpi_sums *out, struct err *e)
{
	struct kpi_agency *ag = NULL;
	struct kpi_sums *sums = NULL;
	int n = 0, ret = kpi_agencies(db, scope, "all", &ag, &n, e);

	memset(out, 0, sizeof(*out));
	if (ret || !n)
		goto out;
	sums = xcalloc((size_t)n, sizeof(*sums));
	ret = kpi_sums_load(db, ag, n, p, sums, NULL, e);
	for (int i = 0; !ret && i < n; i++) {
		size_t len = strlen(ag[i].path);

		if (strcmp(ag[i].level, level))
			continue;
		for (int m = 0; m < KPI_NMETRICS; m++)
			out->v[m] += sums[i].v[m];
		for (int j = 0; j < n; j++)
			if (strlen(ag[j].path) == len + 9 && !strncmp(ag[j].path, ag[i].path, len))
				for (int m = 0; m < KPI_NMETRICS; m++)
					out->v[m] -= sums[j].v[m];
	}
out:
	free(sums);
	kpi_agencies_free(ag, n);
	return ret;
}

static json_t *num_or_null(bool has, double v)
{
	return has ? json_real(round(v * 100) / 100) : json_null();
}

int kpi_targets(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
		const char *plan, const struct kpi_period *p, json_t **out, struct err *e)
{
	struct plan_info pi = PLAN_INFO_INIT;
	struct kpi_period year;
	struct kpi_sums ys, *months = NULL;
	json_t *targets = NULL, *values = NULL, *t, *items = json_array();
	char *key = NULL, code[8];
	size_t i;
	int ret, nm;

	*out = NULL;
	if (!plan || !*plan) {
		struct db_stmt *st = db_prepare(db, "SELECT key FROM plan ORDER BY year DESC, id DESC"
						" LIMIT 1");

		if (db_one_text(st, &key)) {
			ret = err_set(e, E_NOTFOUND, "plan", "there is no plan yet");
			goto out;
		}
		plan = key;
	}
	ret = plan_find(db, plan, &pi, e);
	if (!ret)
		ret = plan_targets(db, &pi, &targets);
	if (!ret)
		ret = kpi_values(db, viewer, scope, p, &values, e);
	if (ret)
		goto out;
	/* The trend runs over the year the period ends in. */
	{
		int y;

		calendar_day_to_ymd(p->to, &y, NULL, NULL);
		snprintf(code, sizeof(code), "%04d", y % 10000);
	}
	kpi_period_parse(code, NULL, NULL, 0, &year, NULL);
	nm = kpi_months(&year);
	months = xcalloc((size_t)nm, sizeof(*months));
	ret = kpi_sums_load(db, scope, 1, &year, &ys, months, e);
	if (ret)
		goto out;
	json_array_foreach(targets, i, t) {
		const char *ind = json_string_value(json_object_get(t, "indicator"));
		const struct kpi_def *d = kpi_def_find(ind);
		json_t *thr = json_object_get(t, "threshold"), *levels = json_array(), *l;
		json_t *trend = json_array(), *it = d ? kpi_item(values, d->code) : NULL;
		const char *cmp = json_string_value(json_object_get(t, "comparison"));
		bool has = false;
		double value = 0;
		size_t k;

		if (it && json_is_number(json_object_get(it, "value"))) {
			has = true;
			value = json_number_value(json_object_get(it, "value"));
		} else if (!d && json_object_get(t, "latest")) {
			json_t *lv = json_object_get(json_object_get(t, "latest"), "value");

			has = json_is_number(lv);
			value = json_number_value(lv);
		}
		json_array_foreach(json_object_get(t, "levels"), k, l) {
			const char *lev = json_string_value(json_object_get(l, "level"));
			double lt = json_number_value(json_object_get(l, "threshold"));
			struct kpi_value lvv = { false, 0, 0, 0 };
			struct kpi_sums ls;

			if (d && d->source == SRC_COUNTERS) {
				ret = level_sums(db, scope, p, lev, &ls, e);
				if (ret)
					goto out;
				lvv = kpi_counters_value(d, &ls);
			}
			json_array_append_new(levels, json_pack("{s:s,s:f,s:o,s:s}", "level", lev,
				"threshold", lt, "value", num_or_null(lvv.has, lvv.value),
				"verdict", kpi_verdict(lvv.has, lvv.value, cmp, lt)));
		}
		for (int m = 0; d && d->source == SRC_COUNTERS && m < nm; m++) {
			struct kpi_value mv = kpi_counters_value(d, &months[m]);
			char ym[8];

			kpi_month_of(&year, m, ym);
			json_array_append_new(trend, json_pack("{s:s,s:o}", "month", ym,
						"value", num_or_null(mv.has, mv.value)));
		}
		json_array_append_new(items, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:o,s:o,s:s,s:s,s:o,s:o}",
			"seq", json_object_get(t, "seq"), "text", json_object_get(t, "text"),
			"measure", json_object_get(t, "measure"),
			"comparison", json_object_get(t, "comparison"), "threshold", thr,
			"unit", json_object_get(t, "unit"),
			"indicator", d ? json_string(d->code) : json_null(),
			"value", num_or_null(has, value),
			"source", d ? "indicator" : "entered",
			"verdict", json_is_number(thr) ? kpi_verdict(has, value, cmp,
								     json_number_value(thr)) : "no_data",
			"levels", levels, "trend", trend));
	}
	*out = json_pack("{s:{s:s,s:i,s:s},s:o,s:o,s:O}", "plan", "key", pi.key, "year", pi.year,
			 "title", pi.title, "agency", kpi_agency_json(scope),
			 "period", kpi_period_json(p), "items", items);
out:
	json_decref(items);
	json_decref(targets);
	json_decref(values);
	free(months);
	free(key);
	plan_info_release(&pi);
	return ret;
}
