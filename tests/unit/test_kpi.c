/*
 * Tests of src/kpi without a database: periods, the indicators' formulas
 * (a late dossier stays late; no ratings is no data, not 0 %), verdicts,
 * the Decision 766 arithmetic, and the SVG charts' escaping.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "calendar/calendar.h"
#include "kpi/kpi.h"

static int day(const char *s)
{
	int d = 0;

	cr_assert_eq(calendar_day_parse(s, &d, NULL), 0, "%s", s);
	return d;
}

/* ---- periods --------------------------------------------------------------- */

Test(period, codes)
{
	struct kpi_period p;
	struct err e = ERR_INIT;
	int today = day("2026-11-28");

	cr_assert_eq(kpi_period_parse("2026", NULL, NULL, today, &p, &e), 0);
	cr_expect_eq(p.from, day("2026-01-01"));
	cr_expect_eq(p.to, day("2026-12-31"));
	cr_expect_eq(kpi_months(&p), 12);
	cr_assert_eq(kpi_period_parse("2024-Q1", NULL, NULL, today, &p, &e), 0);
	cr_expect_eq(p.to, day("2024-03-31"));
	cr_assert_eq(kpi_period_parse("2026-H2", NULL, NULL, today, &p, &e), 0);
	cr_expect_eq(p.from, day("2026-07-01"));
	cr_expect_eq(p.to, day("2026-12-31"));
	cr_assert_eq(kpi_period_parse("2024-02", NULL, NULL, today, &p, &e), 0);
	cr_expect_eq(p.to, day("2024-02-29"), "a leap February");
	cr_assert_eq(kpi_period_parse(NULL, NULL, NULL, today, &p, &e), 0);
	cr_expect_str_eq(p.code, "2026", "no period: this year");
}

Test(period, ranges)
{
	struct kpi_period p;
	struct err e = ERR_INIT;
	char ym[8];

	cr_assert_eq(kpi_period_parse(NULL, "2025-11-15", "2026-02-03", 0, &p, &e), 0);
	cr_expect_str_eq(p.code, "2025-11-15..2026-02-03");
	cr_expect_eq(kpi_months(&p), 4);
	kpi_month_of(&p, 0, ym);
	cr_expect_str_eq(ym, "2025-11");
	kpi_month_of(&p, 2, ym);
	cr_expect_str_eq(ym, "2026-01");
	kpi_month_of(&p, 3, ym);
	cr_expect_str_eq(ym, "2026-02");
}

Test(period, refused)
{
	static const char *const bad[] = { "20x6", "2026-Q5", "2026-H3", "2026-13", "2026-1",
					   "26", "2026-Q", "2026-03-01", "1800" };
	struct kpi_period p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = ERR_INIT;

		cr_expect_eq(kpi_period_parse(bad[i], NULL, NULL, 0, &p, &e), E_INVALID, "%s", bad[i]);
		cr_expect_str_eq(e.field, "period");
	}
	{
		struct err e = ERR_INIT;

		cr_expect_eq(kpi_period_parse(NULL, "2026-05-01", NULL, 0, &p, &e), E_INVALID);
		cr_expect_eq(kpi_period_parse(NULL, "2026-05-01", "2026-04-30", 0, &p, &e), E_INVALID);
		cr_expect_str_eq(e.field, "to");
		cr_expect_eq(kpi_period_parse(NULL, "2000-01-01", "2026-01-01", 0, &p, &e), E_INVALID);
	}
}

/* ---- formulas ---------------------------------------------------------------- */

Test(formula, on_time_counts_early_and_on_time)
{
	struct kpi_sums s = { { 0 } };
	struct kpi_value v;

	s.v[M_FINISHED] = 50;
	s.v[M_FINISHED_EARLY] = 30;
	s.v[M_FINISHED_ON_TIME] = 18;
	s.v[M_FINISHED_LATE] = 2;
	/* An apology before the deadline does not move a late dossier. */
	s.v[M_LATE_APOLOGY_BEFORE] = 2;
	v = kpi_value_of(kpi_def_find("dossiers_on_time"), &s);
	cr_assert(v.has);
	cr_expect_eq(v.num, 48);
	cr_expect_eq(v.den, 50);
	cr_expect_float_eq(v.value, 96.0, 1e-9);
	cr_expect_str_eq(kpi_verdict(v.has, v.value, ">=", 98), "not_met");
	v = kpi_value_of(kpi_def_find("late_apology"), &s);
	cr_expect_float_eq(v.value, 100.0, 1e-9);
	v = kpi_value_of(kpi_def_find("dossiers_late"), &s);
	cr_expect_float_eq(v.value, 2.0, 1e-9);
}

Test(formula, no_dossiers_is_no_data)
{
	struct kpi_sums s = { { 0 } };
	struct kpi_value v = kpi_value_of(kpi_def_find("dossiers_online"), &s);

	cr_expect_not(v.has);
	cr_expect_str_eq(kpi_verdict(v.has, v.value, ">", 50), "no_data");
	v = kpi_satisfaction(&s, -1);
	cr_expect_not(v.has, "no ratings: no data, not 0 %%");
}

Test(formula, satisfaction_over_five_factors)
{
	struct kpi_sums s = { { 0 } };
	struct kpi_value v;

	s.v[M_RATED] = 10;
	s.v[M_SATISFIED_ACCESS] = 10;
	s.v[M_SATISFIED_PROCEDURE] = 9;
	s.v[M_SATISFIED_OFFICERS] = 8;
	s.v[M_SATISFIED_RESULT] = 7;
	s.v[M_SATISFIED_FEEDBACK] = 6;
	v = kpi_satisfaction(&s, -1);
	cr_expect_eq(v.num, 40);
	cr_expect_eq(v.den, 50);
	cr_expect_float_eq(v.value, 80.0, 1e-9);
	cr_expect_str_eq(kpi_verdict(true, v.value, ">", 85), "not_met");
	v = kpi_satisfaction(&s, 2);
	cr_expect_float_eq(v.value, 80.0, 1e-9);
	v = kpi_value_of(kpi_def_find("satisfaction"), &s);
	cr_expect_float_eq(v.value, 80.0, 1e-9);
}

Test(formula, verdicts_compare_as_shown)
{
	cr_expect_str_eq(kpi_verdict(true, 98.0, ">=", 98), "met");
	cr_expect_str_eq(kpi_verdict(true, 97.996, ">=", 98), "met", "shown as 98,00");
	cr_expect_str_eq(kpi_verdict(true, 97.99, ">=", 98), "not_met");
	cr_expect_str_eq(kpi_verdict(true, 50.0, ">", 50), "not_met", "over 50 %% means more than 50");
	cr_expect_str_eq(kpi_verdict(true, 100, "=", 100), "met");
	cr_expect_str_eq(kpi_verdict(false, 0, ">=", 0), "no_data");
}

Test(formula, every_definition_is_complete)
{
	for (int i = 0; i < kpi_ndefs; i++) {
		const struct kpi_def *d = &kpi_defs[i];

		cr_expect(d->code && d->name && d->definition && d->formula && d->unit && d->cmp,
			  "%d", i);
		cr_expect_eq(kpi_def_find(d->code), d, "%s is found by its code", d->code);
	}
	cr_expect_null(kpi_def_find("nothing"));
	cr_expect_eq(kpi_metric_parse("satisfied_feedback"), M_SATISFIED_FEEDBACK);
	cr_expect_eq(kpi_metric_parse("nothing"), -1);
	cr_expect_str_eq(kpi_metric_name(M_FINISHED_LATE), "finished_late");
}

/* ---- Decision 766 ------------------------------------------------------------- */

Test(index766, groups_add_up_to_100)
{
	double total = 0, subs[7] = { 0 };

	for (int g = 1; g <= 6; g++)
		total += kpi_766_group_max[g];
	cr_expect_float_eq(total, 100.0, 1e-9);
	for (int i = 0; i < kpi_766_nsubs; i++) {
		subs[kpi_766_subs[i].group] += kpi_766_subs[i].weight;
		cr_expect_not_null(kpi_def_find(kpi_766_subs[i].indicator), "%s", kpi_766_subs[i].key);
	}
	for (int g = 1; g <= 6; g++)
		cr_expect_float_eq(subs[g], kpi_766_group_max[g], 1e-9, "group %d's default weights", g);
}

Test(index766, points_are_value_times_weight)
{
	cr_expect_float_eq(kpi_766_points(96.5, 20), 19.3, 1e-9);
	cr_expect_float_eq(kpi_766_points(100, 9), 9.0, 1e-9);
	cr_expect_float_eq(kpi_766_points(150, 9), 9.0, 1e-9, "capped at the weight");
	cr_expect_float_eq(kpi_766_points(-3, 9), 0.0, 1e-9);
	cr_expect_float_eq(kpi_766_points(NAN, 9), 0.0, 1e-9);
	cr_expect_float_eq(kpi_766_points(33.333, 6), 2.0, 1e-9, "rounded to a hundredth");
}

/* ---- SVG ------------------------------------------------------------------------ */

Test(svg, texts_are_escaped_and_accessible)
{
	struct strbuf out = STRBUF_INIT;
	const char *labels[] = { "<script>", "Tháng \"3\" & 'bốn'" };
	double a[] = { 3, 4 }, b[] = { 1, 0 };
	struct kpi_series s[] = { { "Đúng hạn <b>", "#1b6e3a", a }, { "Trễ", "red\" onload=\"x", b } };

	kpi_svg_bars(&out, "Tiêu đề <i>", "Mô tả & chi tiết", labels, 2, s, 2, false);
	cr_expect_null(strstr(out.buf, "<script>"));
	cr_expect_null(strstr(out.buf, "<b>"));
	cr_expect_null(strstr(out.buf, "<i>"));
	cr_expect_null(strstr(out.buf, "\" onload"));
	cr_expect_not_null(strstr(out.buf, "&lt;script&gt;"));
	cr_expect_not_null(strstr(out.buf, "Tháng &quot;3&quot; &amp; &#39;bốn&#39;"));
	cr_expect_not_null(strstr(out.buf, "role=\"img\""));
	cr_expect_not_null(strstr(out.buf, "<title id=\"c"));
	cr_expect_not_null(strstr(out.buf, "<desc id=\"c"));
	cr_expect_not_null(strstr(out.buf, "Mô tả &amp; chi tiết"));
	cr_expect_eq(strncmp(out.buf, "<svg ", 5), 0);
	cr_expect_not_null(strstr(out.buf, "</svg>\n"));
	strbuf_release(&out);
}

Test(svg, bars_are_scaled_to_the_largest)
{
	struct strbuf out = STRBUF_INIT;
	const char *labels[] = { "01", "02" };
	double v[] = { 50, 100 };
	struct kpi_series s = { "x", "#000", v };

	kpi_svg_bars(&out, "t", "d", labels, 2, &s, 1, false);
	cr_expect_not_null(strstr(out.buf, "height=\"160.0\""), "the largest bar is full height");
	cr_expect_not_null(strstr(out.buf, "height=\"80.0\""), "half of it is half as high");
	strbuf_release(&out);
}

/* ---- the cache ---------------------------------------------------------------- */

Test(cache, kept_then_computed_again_by_one)
{
	json_t *v = json_integer(1), *got;

	clock_set(1000000);
	kpi_set_cache_seconds(10);
	cr_expect_null(kpi_cache_get("k|1"), "nothing yet");
	kpi_cache_put("k|1", v);
	got = kpi_cache_get("k|1");
	cr_expect_eq(got, v);
	json_decref(got);
	cr_expect_null(kpi_cache_get("k|2"), "another key");
	clock_set(1000000 + 11);
	cr_expect_null(kpi_cache_get("k|1"), "expired: this caller computes it again");
	got = kpi_cache_get("k|1");
	cr_expect_eq(got, v, "meanwhile the others get the previous figures");
	json_decref(got);
	clock_set(1000000 + 25);
	cr_expect_null(kpi_cache_get("k|1"), "not older than twice the time");
	kpi_set_cache_seconds(0);
	cr_expect_null(kpi_cache_get("k|1"), "off");
	json_decref(v);
	clock_set(0);
}
