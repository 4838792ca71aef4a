/*
 * The working-day calendar: lunar dates, days off, official schedules and
 * deadline arithmetic.  The official schedules are the shipped
 * assets/data/holidays.tsv, read from the repository root where the tests
 * run, so the data itself is under test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "calendar/calendar.h"
#include "calendar/internal.h"

#define HOLIDAYS_TSV "assets/data/holidays.tsv"

static struct calendar cal = CALENDAR_INIT;	/* official schedules loaded */
static struct calendar plain = CALENDAR_INIT;	/* computed default only */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert(f, "cannot open %s: run the tests from the repository root", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void setup(void)
{
	struct err e = ERR_INIT;
	char *tsv = read_file(HOLIDAYS_TSV);

	cr_assert_eq(calendar_init(&cal, NULL, &e), 0, "%s", e.message);
	cr_assert_eq(calendar_load_schedule(&cal, tsv, &e), 0, "%s: %s", HOLIDAYS_TSV, e.message);
	cr_assert_eq(calendar_init(&plain, NULL, &e), 0, "%s", e.message);
	free(tsv);
}

static void teardown(void)
{
	calendar_release(&cal);
	calendar_release(&plain);
}

static int D(int y, int m, int d)
{
	return calendar_day_from_ymd(y, m, d);
}

/* Local time → instant. */
static int64_t T(int y, int mo, int d, int h, int mi)
{
	return calendar_instant(D(y, mo, d), h * 60 + mi);
}

static const char *fmt_day(int day)
{
	static char buf[4][CALENDAR_DAY_SIZE];
	static int i;

	i = (i + 1) % 4;
	calendar_day_format(day, buf[i]);
	return buf[i];
}

static const char *fmt_time(int64_t t)
{
	static char buf[4][CALENDAR_TIME_SIZE];
	static int i;

	i = (i + 1) % 4;
	calendar_time_format(t, buf[i]);
	return buf[i];
}

static int64_t due(const struct calendar *c, int64_t receipt, int n, enum calendar_unit u)
{
	struct err e = ERR_INIT;
	int64_t t = 0;

	cr_assert_eq(calendar_due(c, receipt, n, u, &t, &e), 0, "%s", e.message);
	return t;
}

#define assert_time(t, expect) \
	cr_assert_str_eq(fmt_time(t), (expect))

/* Lists a year's weekday days off (or weekend days worked) as "MM-DD …". */
static void year_list(const struct calendar *c, int year, enum calendar_day_kind kind,
		      char *out, size_t size)
{
	struct calendar_year y;
	size_t len = 0;

	out[0] = '\0';
	cr_assert_eq(calendar_year_load(&y, c, year), 0);
	for (size_t i = 0; i < y.nr; i++) {
		bool weekend = calendar_weekday(y.days[i].date) >= 6;

		if (y.days[i].kind != kind || weekend == (kind == CALENDAR_OFF))
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " " : "",
					fmt_day(y.days[i].date) + 5);
	}
}

TestSuite(lunar, .init = setup, .fini = teardown);
TestSuite(dates);
TestSuite(holidays, .init = setup, .fini = teardown);
TestSuite(schedule, .init = setup, .fini = teardown);
TestSuite(deadline, .init = setup, .fini = teardown);
TestSuite(property, .init = setup, .fini = teardown);

/* ---- lunar ----------------------------------------------------------------- */

static void assert_lunar(int day, int ld, int lm, int ly, bool leap)
{
	struct lunar_date l;

	cr_assert_eq(lunar_date_from_day(&l, day), 0);
	cr_assert(l.day == ld && l.month == lm && l.year == ly && l.leap == leap,
		  "%s is %d/%d/%d%s, expected %d/%d/%d%s", fmt_day(day),
		  l.day, l.month, l.year, l.leap ? " leap" : "", ld, lm, ly, leap ? " leap" : "");
}

Test(lunar, tet_dates_in_vietnam)
{
	static const struct { int y, m, d; } tet[] = {
		{ 1900, 1, 31 }, { 1968, 1, 29 }, { 1985, 1, 21 }, { 2000, 2, 5 },
		{ 2001, 1, 24 }, { 2002, 2, 12 }, { 2003, 2, 1 }, { 2004, 1, 22 },
		{ 2005, 2, 9 }, { 2006, 1, 29 }, { 2007, 2, 17 }, { 2008, 2, 7 },
		{ 2009, 1, 26 }, { 2010, 2, 14 }, { 2011, 2, 3 }, { 2012, 1, 23 },
		{ 2013, 2, 10 }, { 2014, 1, 31 }, { 2015, 2, 19 }, { 2016, 2, 8 },
		{ 2017, 1, 28 }, { 2018, 2, 16 }, { 2019, 2, 5 }, { 2020, 1, 25 },
		{ 2021, 2, 12 }, { 2022, 2, 1 }, { 2023, 1, 22 }, { 2024, 2, 10 },
		{ 2025, 1, 29 }, { 2026, 2, 17 }, { 2027, 2, 6 }, { 2028, 1, 26 },
		{ 2029, 2, 13 }, { 2030, 2, 2 },
	};

	for (size_t i = 0; i < sizeof(tet) / sizeof(tet[0]); i++) {
		struct lunar_date ld = { 1, 1, tet[i].y, false };
		int day;

		assert_lunar(D(tet[i].y, tet[i].m, tet[i].d), 1, 1, tet[i].y, false);
		cr_assert_eq(lunar_date_to_day(&ld, &day), 0);
		cr_assert_eq(day, D(tet[i].y, tet[i].m, tet[i].d), "Tết %d: %s", tet[i].y, fmt_day(day));
	}
}

Test(lunar, vietnam_is_not_china)
{
	/* The same method at UTC+8 gives China's dates, which differ. */
	static const struct { int y; int vn[2]; int cn[2]; } diff[] = {
		{ 1985, { 1, 21 }, { 2, 20 } },
		{ 2007, { 2, 17 }, { 2, 18 } },
		{ 2030, { 2, 2 }, { 2, 3 } },
	};

	for (size_t i = 0; i < sizeof(diff) / sizeof(diff[0]); i++) {
		struct lunar_date ld = { 1, 1, diff[i].y, false };
		int vn, cn;

		cr_assert_eq(lunar_to_day_tz(&ld, 7, &vn), 0);
		cr_assert_eq(lunar_to_day_tz(&ld, 8, &cn), 0);
		cr_assert_eq(vn, D(diff[i].y, diff[i].vn[0], diff[i].vn[1]), "%s", fmt_day(vn));
		cr_assert_eq(cn, D(diff[i].y, diff[i].cn[0], diff[i].cn[1]), "%s", fmt_day(cn));
	}
	/* 1985-02-20, China's Tết, is the 1st of the 2nd month in Vietnam. */
	assert_lunar(D(1985, 2, 20), 1, 2, 1985, false);
}

Test(lunar, hung_kings_day)
{
	static const struct { int y, m, d; } hung[] = {
		{ 2015, 4, 28 }, { 2016, 4, 16 }, { 2017, 4, 6 }, { 2018, 4, 25 },
		{ 2019, 4, 14 }, { 2020, 4, 2 }, { 2021, 4, 21 }, { 2022, 4, 10 },
		{ 2023, 4, 29 }, { 2024, 4, 18 }, { 2025, 4, 7 }, { 2026, 4, 26 },
		{ 2027, 4, 16 },
	};

	for (size_t i = 0; i < sizeof(hung) / sizeof(hung[0]); i++)
		assert_lunar(D(hung[i].y, hung[i].m, hung[i].d), 10, 3, hung[i].y, false);
}

Test(lunar, leap_months)
{
	struct lunar_date ld = { 1, 4, 2020, true };
	int day;

	/* 2020: the 4th month is doubled. */
	cr_assert_eq(lunar_year_leap_month(2020), 4);
	assert_lunar(D(2020, 5, 22), 30, 4, 2020, false);
	assert_lunar(D(2020, 5, 23), 1, 4, 2020, true);
	assert_lunar(D(2020, 6, 20), 29, 4, 2020, true);
	assert_lunar(D(2020, 6, 21), 1, 5, 2020, false);
	cr_assert_eq(lunar_date_to_day(&ld, &day), 0);
	cr_assert_eq(day, D(2020, 5, 23));

	/* 2023: the 2nd, so Hùng Kings' day is late (29/4). */
	cr_assert_eq(lunar_year_leap_month(2023), 2);
	assert_lunar(D(2023, 3, 22), 1, 2, 2023, true);
	assert_lunar(D(2023, 4, 20), 1, 3, 2023, false);

	/* 2025: the 6th; 2033: the 11th, in the lunar year 2033. */
	cr_assert_eq(lunar_year_leap_month(2025), 6);
	assert_lunar(D(2025, 7, 25), 1, 6, 2025, true);
	cr_assert_eq(lunar_year_leap_month(2033), 11);
	cr_assert_eq(lunar_year_leap_month(2021), 0);
	cr_assert_eq(lunar_year_leap_month(2024), 0);
	cr_assert_eq(lunar_year_leap_month(2026), 0);

	/* No leap 5th month in 2020, no leap month at all in 2024. */
	ld = (struct lunar_date){ 1, 5, 2020, true };
	cr_assert_eq(lunar_date_to_day(&ld, &day), E_INVALID);
	ld = (struct lunar_date){ 1, 4, 2024, true };
	cr_assert_eq(lunar_date_to_day(&ld, &day), E_INVALID);
}

Test(lunar, invalid_dates)
{
	struct lunar_date ld = { 30, 12, 2024, false };
	struct lunar_date l;
	int day;

	/* The 12th month of 2024 has 29 days (Tết 2025 is on the 30th day). */
	cr_assert_eq(lunar_date_to_day(&ld, &day), E_INVALID);
	ld.day = 29;
	cr_assert_eq(lunar_date_to_day(&ld, &day), 0);
	cr_assert_eq(day, D(2025, 1, 28));
	ld = (struct lunar_date){ 1, 13, 2024, false };
	cr_assert_eq(lunar_date_to_day(&ld, &day), E_INVALID);
	ld = (struct lunar_date){ 0, 1, 2024, false };
	cr_assert_eq(lunar_date_to_day(&ld, &day), E_INVALID);
	ld = (struct lunar_date){ 1, 1, 2300, false };
	cr_assert_eq(lunar_date_to_day(&ld, &day), E_INVALID);
	cr_assert_eq(lunar_date_from_day(&l, D(1899, 12, 31)), E_INVALID);
	cr_assert_eq(lunar_date_from_day(&l, D(2200, 1, 1)), E_INVALID);
	assert_lunar(D(1900, 1, 1), 1, 12, 1899, false);
	assert_lunar(D(2199, 12, 31), 14, 11, 2199, false);
}

Test(lunar, new_moon_late_after_mean_month)
{
	/* The published code gave day 0 here; it is the 30th of the 3rd month. */
	assert_lunar(D(2054, 5, 7), 30, 3, 2054, false);
	assert_lunar(D(2062, 4, 9), 30, 2, 2062, false);
}

Test(lunar, round_trip)
{
	int first = D(1900, 1, 1), last = D(2199, 12, 31);
	int dense_from = D(2019, 1, 1), dense_to = D(2031, 12, 31);

	for (int d = first; d <= last; d += (d >= dense_from && d <= dense_to) ? 1 : 7) {
		struct lunar_date l, next;
		int back;

		cr_assert_eq(lunar_date_from_day(&l, d), 0);
		cr_assert(l.day >= 1 && l.day <= 30 && l.month >= 1 && l.month <= 12,
			  "%s: %d/%d", fmt_day(d), l.day, l.month);
		cr_assert_eq(lunar_date_to_day(&l, &back), 0, "%s", fmt_day(d));
		cr_assert_eq(back, d, "%s → %d/%d/%d → %s", fmt_day(d), l.day, l.month,
			     l.year, fmt_day(back));
		/* Days follow one another, or a month begins. */
		if (d < last && !lunar_date_from_day(&next, d + 1))
			cr_assert(next.day == l.day + 1 || (next.day == 1 && l.day >= 29),
				  "%s: %d then %d", fmt_day(d), l.day, next.day);
	}
}

/* ---- dates ---------------------------------------------------------------------- */

Test(dates, day_numbers)
{
	int y, m, d;

	cr_assert_eq(D(1970, 1, 1), 0);
	cr_assert_eq(calendar_weekday(0), 4);
	cr_assert_eq(calendar_weekday(D(2024, 2, 10)), 6);
	cr_assert_eq(calendar_weekday(D(1900, 1, 1)), 1);
	calendar_day_to_ymd(D(2000, 2, 29), &y, &m, &d);
	cr_assert(y == 2000 && m == 2 && d == 29);
	cr_assert_str_eq(fmt_day(D(1900, 3, 1) - 1), "1900-02-28");
	cr_assert(!calendar_ymd_valid(2023, 2, 29));
	cr_assert(calendar_ymd_valid(2024, 2, 29));
}

Test(dates, local_time_is_utc_plus_7)
{
	struct err e = ERR_INIT;
	int64_t t;

	cr_assert_eq(calendar_time_parse("2024-02-05 10:00", &t, &e), 0);
	cr_assert_eq(t, 1707102000);	/* 03:00 UTC */
	assert_time(t, "2024-02-05 10:00");
	/* 23:30 UTC on the 4th is already the 5th in Vietnam. */
	cr_assert_str_eq(fmt_day(calendar_day_of(1707089400)), "2024-02-05");
	cr_assert_eq(calendar_second_of_day(1707089400), 6 * 3600 + 30 * 60);
	/* Before 1970 too. */
	assert_time(T(1900, 1, 1, 0, 0), "1900-01-01 00:00");
}

Test(dates, parse_errors_name_the_problem)
{
	struct err e = ERR_INIT;
	int day;
	int64_t t;

	cr_assert_eq(calendar_day_parse("2024-2-5", &day, &e), E_INVALID);
	cr_assert_str_eq(e.field, "date");
	cr_assert(strstr(e.message, "YYYY-MM-DD"));
	cr_assert_eq(calendar_day_parse("2023-02-29", &day, &e), E_INVALID);
	cr_assert(strstr(e.message, "not a real date"), "%s", e.message);
	cr_assert_eq(calendar_day_parse("1899-12-31", &day, &e), E_INVALID);
	cr_assert_eq(calendar_day_parse("2024-02-05x", &day, &e), E_INVALID);
	cr_assert_eq(calendar_day_parse("2024-02-05", &day, &e), 0);
	cr_assert_eq(day, D(2024, 2, 5));
	cr_assert_eq(calendar_time_parse("2024-02-05 24:00", &t, &e), E_INVALID);
	cr_assert_str_eq(e.field, "time");
	cr_assert_eq(calendar_time_parse("2024-02-05T10:00", &t, &e), E_INVALID);
	cr_assert_eq(calendar_time_parse("2024-02-05 9:00", &t, &e), E_INVALID);
}

/* ---- holidays --------------------------------------------------------------------- */

/* The official schedules, as REGULATIONS.md §7 tabulates the notices. */
static const struct {
	int year;
	const char *off;
	const char *work;
} official[] = {
	{ 2021, "01-01 02-10 02-11 02-12 02-15 02-16 04-21 04-30 05-03 09-02 09-03", "" },
	{ 2022, "01-03 01-31 02-01 02-02 02-03 02-04 04-11 05-02 05-03 09-01 09-02", "" },
	{ 2023, "01-02 01-20 01-23 01-24 01-25 01-26 05-01 05-02 05-03 09-01 09-04", "" },
	{ 2024, "01-01 02-08 02-09 02-12 02-13 02-14 04-18 04-29 04-30 05-01 09-02 09-03",
	  "05-04" },
	{ 2025, "01-01 01-27 01-28 01-29 01-30 01-31 04-07 04-30 05-01 05-02 09-01 09-02",
	  "04-26" },
	{ 2026, "01-01 01-02 02-16 02-17 02-18 02-19 02-20 04-27 04-30 05-01 08-31 09-01 09-02 11-24",
	  "01-10 08-22" },
};

Test(holidays, official_schedules_2021_2026)
{
	char list[512];

	for (size_t i = 0; i < sizeof(official) / sizeof(official[0]); i++) {
		cr_assert(calendar_has_schedule(&cal, official[i].year));
		year_list(&cal, official[i].year, CALENDAR_OFF, list, sizeof(list));
		cr_assert_str_eq(list, official[i].off, "%d", official[i].year);
		year_list(&cal, official[i].year, CALENDAR_WORK, list, sizeof(list));
		cr_assert_str_eq(list, official[i].work, "%d", official[i].year);
	}
	cr_assert(!calendar_has_schedule(&cal, 2020));
	cr_assert(!calendar_has_schedule(&cal, 2027));
}

Test(holidays, default_reproduces_the_notices_but_their_swaps)
{
	/* What the notices added beyond Art. 111–112: swaps and Culture Day. */
	static const char *const computed[] = {
		"01-01 02-10 02-11 02-12 02-15 02-16 04-21 04-30 05-03 09-02 09-03",
		"01-03 01-31 02-01 02-02 02-03 02-04 04-11 05-02 05-03 09-01 09-02",
		"01-02 01-20 01-23 01-24 01-25 01-26 05-01 05-02 05-03 09-01 09-04",
		"01-01 02-08 02-09 02-12 02-13 02-14 04-18 04-30 05-01 09-02 09-03",
		"01-01 01-27 01-28 01-29 01-30 01-31 04-07 04-30 05-01 09-01 09-02",
		"01-01 02-16 02-17 02-18 02-19 02-20 04-27 04-30 05-01 09-01 09-02",
	};
	char list[512];

	for (size_t i = 0; i < sizeof(computed) / sizeof(computed[0]); i++) {
		year_list(&plain, 2021 + (int)i, CALENDAR_OFF, list, sizeof(list));
		cr_assert_str_eq(list, computed[i], "%d", 2021 + (int)i);
		year_list(&plain, 2021 + (int)i, CALENDAR_WORK, list, sizeof(list));
		cr_assert_str_eq(list, "");
	}
}

Test(holidays, default_names_and_sources)
{
	struct calendar_year y;

	cr_assert_eq(calendar_year_load(&y, &plain, 2023), 0);
	cr_assert(!y.official);
	cr_assert_str_eq(y.days[0].name, "Tết Dương lịch");
	cr_assert_str_eq(y.days[0].notice, CALENDAR_LAW);
	cr_assert_str_eq(y.days[1].name, "Nghỉ bù Tết Dương lịch");
	/* Tết 2023 as listed, weekend days included. */
	cr_assert_str_eq(y.days[2].name, "Tết Nguyên đán (29 tháng Chạp)");
	cr_assert_str_eq(y.days[3].name, "Tết Nguyên đán (30 tháng Chạp)");
	cr_assert_str_eq(y.days[4].name, "Tết Nguyên đán (mùng 1)");
	cr_assert_eq(y.days[4].date, D(2023, 1, 22));

	cr_assert_eq(calendar_year_load(&y, &cal, 2024), 0);
	cr_assert(y.official);
	for (size_t i = 0; i < y.nr; i++)
		if (y.days[i].date == D(2024, 5, 4))
			cr_assert_str_eq(y.days[i].notice, "1570/TB-LĐTBXH");
	cr_assert_eq(calendar_year_load(&y, &cal, 1899), E_INVALID);
	cr_assert_eq(calendar_year_load(&y, &cal, 2200), E_INVALID);
}

Test(holidays, national_day_adjacent_by_weekday)
{
	/* 2/9 on Mon..Sun: 2024, 2025, 2026, 2021, 2022, 2023, 2029. */
	static const struct { int year; int adjacent; } cases[] = {
		{ 2024, 3 }, { 2025, 1 }, { 2026, 1 }, { 2021, 3 },
		{ 2022, 1 }, { 2023, 1 }, { 2029, 3 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct calendar_year y;
		bool found = false;

		cr_assert_eq(calendar_weekday(D(cases[i].year, 9, 2)), (int)i + 1);
		calendar_year_load(&y, &plain, cases[i].year);
		for (size_t j = 0; j < y.nr; j++)
			if (!strcmp(y.days[j].name, "Quốc khánh (ngày liền kề)"))
				found = y.days[j].date == D(cases[i].year, 9, cases[i].adjacent);
		cr_assert(found, "%d", cases[i].year);
	}
	/* 2/9/2029 is a Sunday: Monday 3/9 is the adjacent day, Tuesday 4/9 the nghỉ bù. */
	cr_assert(!calendar_is_working_day(&plain, D(2029, 9, 3)));
	cr_assert(!calendar_is_working_day(&plain, D(2029, 9, 4)));
	cr_assert(calendar_is_working_day(&plain, D(2029, 9, 5)));
}

Test(holidays, two_holidays_on_one_day)
{
	/* In 1947 Hùng Kings' day fell on 30/4 (a Wednesday): one more day off. */
	assert_lunar(D(1947, 4, 30), 10, 3, 1947, false);
	cr_assert(!calendar_is_working_day(&plain, D(1947, 4, 30)));
	cr_assert(!calendar_is_working_day(&plain, D(1947, 5, 1)));
	cr_assert(!calendar_is_working_day(&plain, D(1947, 5, 2)));
	cr_assert(calendar_is_working_day(&plain, D(1947, 5, 5)));
}

Test(holidays, every_default_year_has_eleven_weekdays_off)
{
	/* Art. 112: 11 days, each on a weekday or made up on one. */
	for (int year = CALENDAR_FIRST_YEAR; year <= CALENDAR_LAST_YEAR; year++) {
		struct calendar_year y;
		int weekdays = 0, tet = 0;

		cr_assert_eq(calendar_year_load(&y, &plain, year), 0);
		for (size_t i = 0; i < y.nr; i++) {
			bool weekday = calendar_weekday(y.days[i].date) <= 5;

			cr_assert_eq(y.days[i].kind, CALENDAR_OFF);
			cr_assert_eq(calendar_year_of(y.days[i].date), year);
			if (i)
				cr_assert_gt(y.days[i].date, y.days[i - 1].date);
			weekdays += weekday;
			tet += weekday && !strncmp(y.days[i].name, "Tết Nguyên đán", 16);
		}
		cr_assert_eq(weekdays, 11, "%d has %d weekdays off", year, weekdays);
		cr_assert_eq(tet, 5, "%d has %d weekdays of Tết", year, tet);
	}
}

Test(holidays, working_days)
{
	cr_assert(calendar_is_working_day(&cal, D(2024, 2, 7)));	/* Wed before Tết */
	cr_assert(!calendar_is_working_day(&cal, D(2024, 2, 8)));
	cr_assert(!calendar_is_working_day(&cal, D(2024, 2, 11)));	/* Sunday */
	cr_assert(calendar_is_working_day(&cal, D(2024, 5, 4)));	/* worked Saturday */
	cr_assert(!calendar_is_working_day(&plain, D(2024, 5, 4)));
	cr_assert(!calendar_is_working_day(&cal, D(2024, 4, 29)));	/* swapped Monday */
	cr_assert(calendar_is_working_day(&plain, D(2024, 4, 29)));
	/* Outside 1900–2199, weekends only. */
	cr_assert(calendar_is_working_day(&cal, D(2200, 1, 1)));	/* a Wednesday */
	cr_assert(!calendar_is_working_day(&cal, D(1899, 12, 31)));	/* a Sunday */
}

/* ---- schedules --------------------------------------------------------------------- */

static void assert_load_fails(const char *tsv, const char *field, const char *needle)
{
	struct err e = ERR_INIT;
	char version[32];

	snprintf(version, sizeof(version), "%s", calendar_version(&cal));
	cr_assert_eq(calendar_load_schedule(&cal, tsv, &e), E_INVALID, "accepted: %s", tsv);
	cr_assert_str_eq(e.field, field, "%s", e.message);
	cr_assert(strstr(e.message, needle), "'%s' not in '%s'", needle, e.message);
	/* Nothing changed. */
	cr_assert_str_eq(calendar_version(&cal), version);
	cr_assert(calendar_is_working_day(&cal, D(2024, 5, 4)));
}

Test(schedule, errors_name_line_and_field)
{
	assert_load_fails("2024-05-04\twork\tx\n", "notice", "line 1: field 'notice' is missing");
	assert_load_fails("2024-05-04\twork\n", "name", "line 1: field 'name' is missing");
	assert_load_fails("# c\n\n2024-05-04\n", "kind", "line 3: field 'kind'");
	assert_load_fails("2024-05-04\twork\tx\ty\tz\n", "notice", "line 1: too many fields");
	assert_load_fails("2024-02-30\toff\tx\ty\n", "date", "line 1: '2024-02-30' is not a real date");
	assert_load_fails("24-02-03\toff\tx\ty\n", "date", "line 1:");
	assert_load_fails("2024-05-03\tOff\tx\ty\n", "kind", "line 1: kind 'Off'");
	assert_load_fails("2024-05-03\twork\tx\ty\n", "kind", "only a Saturday or Sunday");
	assert_load_fails("2024-05-03\toff\t\ty\n", "name", "line 1: the name of 2024-05-03 is empty");
	assert_load_fails("2024-05-03\toff\tx\t\n", "notice", "line 1:");
	assert_load_fails("2027-01-01\toff\ta\tn\n2027-05-03\toff\tb\tn\n2027-01-01\toff\tc\tn\n",
			  "date", "line 3: date 2027-01-01 is listed twice (also on line 1)");
	assert_load_fails("2024-05-03\toff\tx\ty\n2200-01-01\toff\tx\ty\n", "date", "line 2:");
}

Test(schedule, too_many_days_in_a_year)
{
	char tsv[8192];
	size_t len = 0;

	/* 65 days off in January–March 2030. */
	for (int i = 0; i <= CALENDAR_YEAR_MAX; i++)
		len += (size_t)snprintf(tsv + len, sizeof(tsv) - len, "%s\toff\tx\ty\n",
					fmt_day(D(2030, 1, 1) + i));
	assert_load_fails(tsv, "date", "line 65: the schedule for 2030 has more than 64 days");
}

Test(schedule, a_year_loaded_replaces_the_default)
{
	struct err e = ERR_INIT;
	char before[32];

	snprintf(before, sizeof(before), "%s", calendar_version(&cal));
	cr_assert(!calendar_is_working_day(&cal, D(2027, 2, 4)));
	cr_assert_eq(calendar_load_schedule(&cal,
			"date\tkind\tname\tnotice\r\n"
			"# 2027, an imagined notice\r\n"
			"2027-02-05\toff\tTết\t1/TB-X\r\n"
			"2027-02-20\twork\tLàm bù\t1/TB-X\r\n", &e), 0, "%s", e.message);
	cr_assert(calendar_has_schedule(&cal, 2027));
	cr_assert(calendar_is_working_day(&cal, D(2027, 2, 4)));	/* the default's day is gone */
	cr_assert(calendar_is_working_day(&cal, D(2027, 1, 1)));
	cr_assert(!calendar_is_working_day(&cal, D(2027, 2, 5)));
	cr_assert(calendar_is_working_day(&cal, D(2027, 2, 20)));
	cr_assert_str_neq(calendar_version(&cal), before);

	/* Loading 2027 again replaces it whole; other years stay. */
	cr_assert_eq(calendar_load_schedule(&cal, "2027-03-01\toff\tx\ty\n", &e), 0);
	cr_assert(calendar_is_working_day(&cal, D(2027, 2, 5)));
	cr_assert(!calendar_is_working_day(&cal, D(2027, 3, 1)));
	cr_assert(calendar_has_schedule(&cal, 2026));

	calendar_unset_schedule(&cal, 2027);
	cr_assert(!calendar_has_schedule(&cal, 2027));
	cr_assert(!calendar_is_working_day(&cal, D(2027, 2, 4)));
	cr_assert_str_eq(calendar_version(&cal), before);
}

Test(schedule, set_schedule_from_rows)
{
	struct calendar_day rows[] = {
		{ D(2028, 1, 3), CALENDAR_OFF, "b", "n" },
		{ D(2028, 1, 1), CALENDAR_WORK, "a", "n" },
	};
	struct calendar_year y;
	struct err e = ERR_INIT;

	cr_assert_eq(calendar_set_schedule(&cal, 2028, rows, 2, &e), 0, "%s", e.message);
	cr_assert_eq(calendar_year_load(&y, &cal, 2028), 0);
	cr_assert_eq(y.nr, 2);
	cr_assert_eq(y.days[0].date, D(2028, 1, 1));	/* sorted */
	cr_assert_neq(y.days[0].name, rows[1].name);	/* copied */
	cr_assert_eq(calendar_set_schedule(&cal, 2029, rows, 2, &e), E_INVALID);
	cr_assert(strstr(e.message, "is not in 2029"), "%s", e.message);
	cr_assert_eq(calendar_set_schedule(&cal, 2029, rows, 0, &e), E_INVALID);
	rows[1].date = rows[0].date;
	rows[1].kind = CALENDAR_OFF;
	cr_assert_eq(calendar_set_schedule(&cal, 2028, rows, 2, &e), E_INVALID);
	cr_assert(strstr(e.message, "listed twice"), "%s", e.message);
}

Test(schedule, version_is_deterministic)
{
	struct calendar other = CALENDAR_INIT;
	struct calendar_settings s = CALENDAR_SETTINGS_DEFAULT;
	struct err e = ERR_INIT;
	char *tsv = read_file(HOLIDAYS_TSV);

	cr_assert_eq(strncmp(calendar_version(&cal), "r1-", 3), 0);
	cr_assert_str_neq(calendar_version(&cal), calendar_version(&plain));
	cr_assert_eq(calendar_init(&other, NULL, &e), 0);
	cr_assert_str_eq(calendar_version(&other), calendar_version(&plain));
	cr_assert_eq(calendar_load_schedule(&other, tsv, &e), 0);
	cr_assert_str_eq(calendar_version(&other), calendar_version(&cal));
	calendar_release(&other);

	s.receipt_cutoff = 16 * 60;
	cr_assert_eq(calendar_init(&other, &s, &e), 0);
	cr_assert_str_neq(calendar_version(&other), calendar_version(&plain));
	calendar_release(&other);
	calendar_release(&other);	/* releasing twice is safe */
	free(tsv);
}

Test(schedule, settings_are_checked)
{
	struct calendar other = CALENDAR_INIT;
	struct calendar_settings s = CALENDAR_SETTINGS_DEFAULT;
	struct err e = ERR_INIT;

	s.morning_end = 14 * 60;
	cr_assert_eq(calendar_init(&other, &s, &e), E_INVALID);
	cr_assert_str_eq(e.field, "afternoon_start");
	calendar_release(&other);
	s = (struct calendar_settings)CALENDAR_SETTINGS_DEFAULT;
	s.afternoon_end = 25 * 60;
	cr_assert_eq(calendar_settings_check(&s, &e), E_INVALID);
	s = (struct calendar_settings)CALENDAR_SETTINGS_DEFAULT;
	cr_assert_eq(calendar_settings_check(&s, &e), 0);
}

/* ---- deadlines ---------------------------------------------------------------------- */

Test(deadline, monday_plus_three_days_is_thursday_close)
{
	assert_time(due(&cal, T(2024, 3, 4, 10, 0), 3, CALENDAR_WORKDAYS), "2024-03-07 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 10, 0), 1, CALENDAR_WORKDAYS), "2024-03-05 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 10, 0), 0, CALENDAR_WORKDAYS), "2024-03-04 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 10, 0), 5, CALENDAR_WORKDAYS), "2024-03-11 17:00");
}

Test(deadline, the_15_00_cutoff)
{
	assert_time(due(&cal, T(2024, 3, 4, 14, 59), 3, CALENDAR_WORKDAYS), "2024-03-07 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 15, 0), 3, CALENDAR_WORKDAYS), "2024-03-07 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 15, 0) + 1, 3, CALENDAR_WORKDAYS), "2024-03-08 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 15, 1), 3, CALENDAR_WORKDAYS), "2024-03-08 17:00");
	/* After the cutoff on a Friday: from Monday, due Thursday. */
	assert_time(due(&cal, T(2024, 3, 8, 15, 1), 3, CALENDAR_WORKDAYS), "2024-03-14 17:00");
	cr_assert_eq(calendar_receipt_day(&cal, T(2024, 3, 8, 15, 1)), D(2024, 3, 11));
	cr_assert_eq(calendar_receipt_day(&cal, T(2024, 3, 8, 14, 59)), D(2024, 3, 8));
	/* A dossier filed online at night, before the cutoff of its day, counts that day. */
	cr_assert_eq(calendar_receipt_day(&cal, T(2024, 3, 8, 5, 0)), D(2024, 3, 8));
}

Test(deadline, crossing_tet)
{
	/* Received Monday 5/2/2024: Tue, Wed, then Tết 8–14/2, then Thu 15. */
	assert_time(due(&cal, T(2024, 2, 5, 10, 0), 3, CALENDAR_WORKDAYS), "2024-02-15 17:00");
	assert_time(due(&cal, T(2024, 2, 7, 14, 0), 1, CALENDAR_WORKDAYS), "2024-02-15 17:00");
	cr_assert_eq(calendar_workdays_between(&cal, D(2024, 2, 7), D(2024, 2, 15)), 1);
	/* Tết 2025 with its official break (Sat 25/1 – Sun 2/2). */
	assert_time(due(&cal, T(2025, 1, 24, 9, 0), 1, CALENDAR_WORKDAYS), "2025-02-03 17:00");
}

Test(deadline, received_on_a_holiday)
{
	/*
	 * 30/4/2024: counts from Thu 2/5; day 1 Fri 3/5, day 2 the worked
	 * Saturday 4/5, day 3 Mon 6/5.
	 */
	cr_assert_eq(calendar_receipt_day(&cal, T(2024, 4, 30, 9, 0)), D(2024, 5, 2));
	assert_time(due(&cal, T(2024, 4, 30, 9, 0), 3, CALENDAR_WORKDAYS), "2024-05-06 17:00");
	/* Without the notice, 4/5 is a Saturday off. */
	assert_time(due(&plain, T(2024, 4, 30, 9, 0), 3, CALENDAR_WORKDAYS), "2024-05-07 17:00");
	/* On a Saturday or Sunday: counted from Monday, due Thursday. */
	assert_time(due(&cal, T(2024, 3, 9, 9, 0), 3, CALENDAR_WORKDAYS), "2024-03-14 17:00");
	assert_time(due(&cal, T(2024, 3, 10, 9, 0), 3, CALENDAR_WORKDAYS), "2024-03-14 17:00");
}

Test(deadline, a_worked_saturday)
{
	/* Sat 26/4/2025 is worked: received there, it counts that day. */
	cr_assert_eq(calendar_receipt_day(&cal, T(2025, 4, 26, 9, 0)), D(2025, 4, 26));
	cr_assert(calendar_in_office_hours(&cal, T(2025, 4, 26, 9, 0)));
	/* Fri 25/4 + 1 is Sat 26/4; + 3 is Tue 29/4; + 4 jumps 30/4–4/5 to Mon 5/5. */
	assert_time(due(&cal, T(2025, 4, 25, 9, 0), 1, CALENDAR_WORKDAYS), "2025-04-26 17:00");
	assert_time(due(&cal, T(2025, 4, 25, 9, 0), 3, CALENDAR_WORKDAYS), "2025-04-29 17:00");
	assert_time(due(&cal, T(2025, 4, 25, 9, 0), 4, CALENDAR_WORKDAYS), "2025-05-05 17:00");
	/* Without the notice (no worked Saturday, no swapped Friday): Mon, Tue, Fri 2/5. */
	assert_time(due(&plain, T(2025, 4, 25, 9, 0), 3, CALENDAR_WORKDAYS), "2025-05-02 17:00");
	/* Hours run through it too. */
	assert_time(due(&cal, T(2025, 4, 25, 16, 0) - 3600, 4, CALENDAR_WORKHOURS),
		    "2025-04-26 09:00");
}

Test(deadline, a_year_boundary)
{
	/* Tue 30/12/2025: Wed 31/12, then 1–4/1/2026 off (2/1 swapped), Mon 5, Tue 6. */
	assert_time(due(&cal, T(2025, 12, 30, 10, 0), 3, CALENDAR_WORKDAYS), "2026-01-06 17:00");
	/* Sat 10/1/2026 is worked, so a dossier can fall due on it. */
	assert_time(due(&cal, T(2026, 1, 8, 10, 0), 2, CALENDAR_WORKDAYS), "2026-01-10 17:00");
	cr_assert_eq(calendar_workdays_between(&cal, D(2025, 12, 30), D(2026, 1, 12)), 8);
	/* After the cutoff on 31/12: counted from Mon 5/1, + 10 days. */
	assert_time(due(&cal, T(2025, 12, 31, 16, 0), 10, CALENDAR_DAYS), "2026-01-15 17:00");
}

Test(deadline, working_hours_across_lunch)
{
	/* 10:30 + 2h: one hour to 11:30, one after 13:30. */
	assert_time(due(&cal, T(2024, 3, 4, 10, 30), 2, CALENDAR_WORKHOURS), "2024-03-04 14:30");
	/* Running out at the morning's close is the close, not the afternoon's opening. */
	assert_time(due(&cal, T(2024, 3, 4, 9, 30), 2, CALENDAR_WORKHOURS), "2024-03-04 11:30");
	/* Received during lunch, before opening, or at 14:59 close to the close. */
	assert_time(due(&cal, T(2024, 3, 4, 12, 15), 1, CALENDAR_WORKHOURS), "2024-03-04 14:30");
	assert_time(due(&cal, T(2024, 3, 4, 6, 0), 1, CALENDAR_WORKHOURS), "2024-03-04 08:00");
	assert_time(due(&cal, T(2024, 3, 4, 14, 59), 3, CALENDAR_WORKHOURS), "2024-03-05 07:59");
	/* One working day is 8 hours. */
	assert_time(due(&cal, T(2024, 3, 4, 7, 0), 8, CALENDAR_WORKHOURS), "2024-03-04 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 6, 0), 0, CALENDAR_WORKHOURS), "2024-03-04 07:00");
}

Test(deadline, working_hours_across_a_weekend)
{
	/* Fri 14:00 + 4h: three hours on Friday, one on Monday. */
	assert_time(due(&cal, T(2024, 3, 8, 14, 0), 4, CALENDAR_WORKHOURS), "2024-03-11 08:00");
	/* After the cutoff the clock starts at Monday's opening. */
	assert_time(due(&cal, T(2024, 3, 8, 15, 30), 4, CALENDAR_WORKHOURS), "2024-03-11 11:00");
	/* On a Sunday, too. */
	assert_time(due(&cal, T(2024, 3, 10, 10, 0), 5, CALENDAR_WORKHOURS), "2024-03-11 14:00");
	/* And across Tết 2024. */
	assert_time(due(&cal, T(2024, 2, 7, 14, 0), 4, CALENDAR_WORKHOURS), "2024-02-15 08:00");
}

Test(deadline, calendar_days)
{
	/* Mon 4/3/2024 + 5 days is Saturday 9/3: the close of Monday 11/3. */
	assert_time(due(&cal, T(2024, 3, 4, 10, 0), 5, CALENDAR_DAYS), "2024-03-11 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 10, 0), 3, CALENDAR_DAYS), "2024-03-07 17:00");
	assert_time(due(&cal, T(2024, 3, 4, 16, 0), 3, CALENDAR_DAYS), "2024-03-08 17:00");
	/* Landing inside Tết moves past it. */
	assert_time(due(&cal, T(2024, 2, 1, 10, 0), 7, CALENDAR_DAYS), "2024-02-15 17:00");
}

Test(deadline, bad_arguments)
{
	struct err e = ERR_INIT;
	int64_t t;

	cr_assert_eq(calendar_due(&cal, T(2024, 3, 4, 10, 0), -1, CALENDAR_WORKDAYS, &t, &e),
		     E_INVALID);
	cr_assert_str_eq(e.field, "n");
	cr_assert_eq(calendar_due(&cal, T(2024, 3, 4, 10, 0), CALENDAR_MAX_SPAN + 1,
				  CALENDAR_DAYS, &t, &e), E_INVALID);
	cr_assert_eq(calendar_due(&cal, T(1899, 12, 29, 10, 0), 1, CALENDAR_WORKDAYS, &t, &e),
		     E_INVALID);
	cr_assert_str_eq(e.field, "time");
	cr_assert_eq(calendar_due(&cal, T(2199, 12, 20, 10, 0), 30, CALENDAR_WORKDAYS, &t, &e),
		     E_INVALID);
	cr_assert_eq(calendar_due(&cal, T(2024, 3, 4, 10, 0), 1, (enum calendar_unit)9, &t, &e),
		     E_INVALID);
}

Test(deadline, office_hours)
{
	cr_assert(!calendar_in_office_hours(&cal, T(2024, 3, 4, 6, 59)));
	cr_assert(calendar_in_office_hours(&cal, T(2024, 3, 4, 7, 0)));
	cr_assert(calendar_in_office_hours(&cal, T(2024, 3, 4, 11, 29)));
	cr_assert(!calendar_in_office_hours(&cal, T(2024, 3, 4, 11, 30)));
	cr_assert(!calendar_in_office_hours(&cal, T(2024, 3, 4, 12, 0)));
	cr_assert(calendar_in_office_hours(&cal, T(2024, 3, 4, 13, 30)));
	cr_assert(calendar_in_office_hours(&cal, T(2024, 3, 4, 16, 59)));
	cr_assert(!calendar_in_office_hours(&cal, T(2024, 3, 4, 17, 0)));
	cr_assert(!calendar_in_office_hours(&cal, T(2024, 3, 9, 9, 0)));	/* Saturday */
	cr_assert(!calendar_in_office_hours(&cal, T(2024, 9, 2, 9, 0)));	/* Quốc khánh */
	cr_assert(calendar_in_office_hours(&cal, T(2024, 5, 4, 9, 0)));	/* worked Saturday */
}

Test(deadline, other_settings)
{
	struct calendar other = CALENDAR_INIT;
	struct calendar_settings s = { 7 * 60 + 30, 11 * 60 + 30, 13 * 60, 16 * 60 + 30, 16 * 60 };
	struct err e = ERR_INIT;

	cr_assert_eq(calendar_init(&other, &s, &e), 0);
	assert_time(due(&other, T(2024, 3, 4, 15, 30), 1, CALENDAR_WORKDAYS), "2024-03-05 16:30");
	assert_time(due(&other, T(2024, 3, 4, 11, 0), 1, CALENDAR_WORKHOURS), "2024-03-04 13:30");
	calendar_release(&other);
}

Test(deadline, counting_working_days)
{
	cr_assert_eq(calendar_workdays_between(&cal, D(2024, 3, 4), D(2024, 3, 8)), 4);
	cr_assert_eq(calendar_workdays_between(&cal, D(2024, 3, 8), D(2024, 3, 4)), -4);
	cr_assert_eq(calendar_workdays_between(&cal, D(2024, 3, 4), D(2024, 3, 4)), 0);
	cr_assert_eq(calendar_workdays_between(&cal, D(2024, 3, 8), D(2024, 3, 10)), 0);
	/* 2024 has 366 days, 104 weekend days, 12 weekdays off, 1 Saturday worked. */
	cr_assert_eq(calendar_workdays_between(&cal, D(2023, 12, 31), D(2024, 12, 31)), 251);
	cr_assert_eq(calendar_workday_add(&cal, D(2024, 2, 7), 1), D(2024, 2, 15));
	cr_assert_eq(calendar_workday_add(&cal, D(2024, 2, 15), -1), D(2024, 2, 7));
	cr_assert_eq(calendar_workday_add(&cal, D(2024, 2, 10), 0), D(2024, 2, 10));
	/* Days used: at the due date of 3 days, 3; the day after, 4 (late). */
	cr_assert_eq(calendar_workdays_elapsed(&cal, T(2024, 2, 5, 10, 0), T(2024, 2, 15, 16, 0)), 3);
	cr_assert_eq(calendar_workdays_elapsed(&cal, T(2024, 2, 5, 10, 0), T(2024, 2, 16, 8, 0)), 4);
	cr_assert_eq(calendar_workdays_elapsed(&cal, T(2024, 2, 5, 16, 0), T(2024, 2, 6, 8, 0)), 0);
}

/* ---- properties ------------------------------------------------------------------------ */

Test(property, adding_then_counting_back_gives_n)
{
	for (int d = D(2020, 12, 1); d <= D(2027, 1, 31); d++) {
		for (int n = 0; n <= 25; n++) {
			int to = calendar_workday_add(&cal, d, n);

			cr_assert_eq(calendar_workdays_between(&cal, d, to), n, "%s + %d", fmt_day(d), n);
			if (n)
				cr_assert(calendar_is_working_day(&cal, to));
			if (calendar_is_working_day(&cal, d))
				cr_assert_eq(calendar_workday_add(&cal, to, -n), d);
		}
	}
}

Test(property, a_due_date_is_never_a_day_off)
{
	static const int times[] = { 5 * 60, 9 * 60, 14 * 60 + 59, 15 * 60 + 1, 22 * 60 };

	for (int d = D(2020, 12, 20); d <= D(2027, 1, 10); d++) {
		for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++) {
			int64_t receipt = calendar_instant(d, times[k]);

			for (int n = 0; n <= 20; n += (n < 5 ? 1 : 3)) {
				int64_t t = due(&cal, receipt, n, CALENDAR_WORKDAYS);
				int64_t c = due(&cal, receipt, n, CALENDAR_DAYS);

				cr_assert(calendar_is_working_day(&cal, calendar_day_of(t)),
					  "%s + %d days = %s", fmt_time(receipt), n, fmt_time(t));
				cr_assert_eq(calendar_second_of_day(t), 17 * 3600);
				cr_assert_eq(calendar_workdays_elapsed(&cal, receipt, t), n,
					     "%s + %d = %s", fmt_time(receipt), n, fmt_time(t));
				cr_assert(calendar_is_working_day(&cal, calendar_day_of(c)),
					  "%s + %d calendar days = %s", fmt_time(receipt), n, fmt_time(c));
				cr_assert_geq(calendar_day_of(c),
					      calendar_receipt_day(&cal, receipt) + n);
			}
		}
	}
}

/* Counts office minutes from a to b by walking minute by minute. */
static int office_minutes(const struct calendar *c, int64_t a, int64_t b)
{
	int nr = 0;

	for (int64_t t = a; t < b; t += 60)
		nr += calendar_in_office_hours(c, t);
	return nr;
}

Test(property, working_hours_run_only_in_office_hours)
{
	/* Every 53 minutes over two weeks around Tết 2024 and 30/4 2024. */
	static const int spans[][2] = { { 2024, 2 }, { 2024, 4 } };

	for (size_t s = 0; s < 2; s++) {
		int64_t from = T(spans[s][0], spans[s][1], 1, 0, 0);

		for (int64_t r = from; r < from + 14 * 86400; r += 53 * 60) {
			int64_t start = r - r % 60;
			int n = (int)((r / 60) % 11);
			int64_t t = due(&cal, start, n, CALENDAR_WORKHOURS);
			int64_t clock = start;

			/* Where the clock starts: receipt, or the next working day after the cutoff. */
			if (calendar_receipt_day(&cal, start) != calendar_day_of(start))
				clock = calendar_instant(calendar_receipt_day(&cal, start), 0);
			cr_assert_eq(office_minutes(&cal, clock, t), n * 60,
				     "%s + %dh = %s", fmt_time(start), n, fmt_time(t));
			if (n)
				cr_assert(calendar_in_office_hours(&cal, t - 60),
					  "%s + %dh = %s", fmt_time(start), n, fmt_time(t));
		}
	}
}
