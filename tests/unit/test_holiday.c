/*
 * Tests of src/holiday: the settings' text, notices stored as versions with
 * their errors naming the row, and the process calendar that follows the
 * database (within a second, at once after a save here) from any thread.
 * On SQLite, in a fresh file per test; the API tests run PostgreSQL too.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "holiday/holiday.h"
#include "org/org.h"

static struct {
	char dir[64];
	char url[128];
	struct db *db;
} fx;

static struct db *open_db(void)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(db_open(fx.url, &db, &e), 0, "%s", e.message);
	return db;
}

static void setup(void)
{
	struct err e = ERR_INIT;

	log_set_level(LOG_WARN);
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/cchc-test-holiday-XXXXXX");
	cr_assert_not_null(mkdtemp(fx.dir));
	snprintf(fx.url, sizeof(fx.url), "sqlite:%s/test.db", fx.dir);
	fx.db = open_db();
	cr_assert_eq(db_migrate(fx.db, NULL, &e), 0, "%s", e.message);
	holiday_reset();
}

static void teardown(void)
{
	char path[128];

	holiday_reset();
	db_close(fx.db);
	fx.db = NULL;
	for (const char *const *s = (const char *const[]){ "", "-wal", "-shm", NULL }; *s; s++) {
		snprintf(path, sizeof(path), "%s/test.db%s", fx.dir, *s);
		unlink(path);
	}
	rmdir(fx.dir);
}

/* ---- settings ----------------------------------------------------------------- */

Test(holiday, settings_parse)
{
	struct calendar_settings s;
	struct err e = ERR_INIT;
	char hours[HOLIDAY_HOURS_SIZE], cutoff[HOLIDAY_MINUTE_SIZE];

	cr_assert_eq(holiday_settings_parse(NULL, NULL, &s, &e), 0);
	cr_assert_eq(s.morning_start, 7 * 60);
	cr_assert_eq(s.receipt_cutoff, 15 * 60);
	cr_assert_eq(holiday_settings_parse(" 07:30 - 11:30 , 13:00-16:30 ", "16:00", &s, &e), 0,
		     "%s", e.message);
	cr_assert_eq(s.morning_start, 7 * 60 + 30);
	cr_assert_eq(s.morning_end, 11 * 60 + 30);
	cr_assert_eq(s.afternoon_start, 13 * 60);
	cr_assert_eq(s.afternoon_end, 16 * 60 + 30);
	cr_assert_eq(s.receipt_cutoff, 16 * 60);
	holiday_hours_format(&s, hours);
	cr_assert_str_eq(hours, "07:30-11:30,13:00-16:30");
	holiday_minute_format(s.receipt_cutoff, cutoff);
	cr_assert_str_eq(cutoff, "16:00");
	cr_assert_eq(holiday_settings_parse(NULL, "24:00", &s, &e), 0);
	cr_assert_eq(s.receipt_cutoff, 24 * 60);

	static const char *const bad_hours[] = {
		"", "07:00-11:30", "7:00-11:30,13:30-17:00", "07:00-11:30;13:30-17:00",
		"07:00-11:30,13:30-17:00,18:00-19:00", "07:60-11:30,13:30-17:00",
		"25:00-11:30,13:30-17:00", "11:30-07:00,13:30-17:00",
		"07:00-14:00,13:30-17:00", "07:00-11:30,13:30-24:01", "07:00-11:30,13:30-17:00x",
	};
	for (size_t i = 0; i < sizeof(bad_hours) / sizeof(bad_hours[0]); i++) {
		err_clear(&e);
		cr_assert_eq(holiday_settings_parse(bad_hours[i], NULL, &s, &e), E_INVALID,
			     "'%s'", bad_hours[i]);
		cr_assert_str_eq(e.field, "office_hours", "'%s'", bad_hours[i]);
		cr_assert(strstr(e.message, "office_hours"), "'%s': %s", bad_hours[i], e.message);
	}
	static const char *const bad_cutoff[] = { "", "3pm", "15", "15:0", "24:30", "-1:00", "15:00 x" };
	for (size_t i = 0; i < sizeof(bad_cutoff) / sizeof(bad_cutoff[0]); i++) {
		err_clear(&e);
		cr_assert_eq(holiday_settings_parse(NULL, bad_cutoff[i], &s, &e), E_INVALID,
			     "'%s'", bad_cutoff[i]);
		cr_assert_str_eq(e.field, "receipt_cutoff");
		cr_assert(strstr(e.message, bad_cutoff[i]), "%s", e.message);
	}
}

Test(holiday, configure_changes_the_version, .init = setup, .fini = teardown)
{
	const struct calendar *before, *after;
	struct err e = ERR_INIT;
	char keep[32];

	cr_assert_eq(holiday_calendar(fx.db, &before), 0);
	snprintf(keep, sizeof(keep), "%s", calendar_version(before));
	cr_assert_eq(holiday_configure("07:30-11:30,13:30-17:00", "15:00", &e), 0);
	cr_assert_eq(holiday_settings().morning_start, 7 * 60 + 30);
	cr_assert_eq(holiday_calendar(fx.db, &after), 0);
	cr_assert_neq(before, after);
	cr_assert_str_neq(calendar_version(after), keep);
	/* The calendar handed out before is still whole. */
	cr_assert_str_eq(calendar_version(before), keep);
	/* A bad setting changes nothing. */
	cr_assert_eq(holiday_configure("07:30-11:30", NULL, &e), E_INVALID);
	cr_assert_eq(holiday_settings().morning_start, 7 * 60 + 30);
	cr_assert_eq(holiday_calendar(fx.db, &before), 0);
	cr_assert_eq(before, after);
	/* Received after the cutoff on Friday 8/3/2024: an hour from the new opening, 07:30. */
	{
		int64_t receipt, due;

		cr_assert_eq(calendar_time_parse("2024-03-08 16:30", &receipt, &e), 0);
		cr_assert_eq(calendar_due(after, receipt, 1, CALENDAR_WORKHOURS, &due, &e), 0);
		char out[CALENDAR_TIME_SIZE];

		calendar_time_format(due, out);
		cr_assert_str_eq(out, "2024-03-11 08:30");
	}
}

/* ---- notices -------------------------------------------------------------------- */

/* The computed days of a year as rows (names borrowed from cal). */
static size_t default_rows(const struct calendar *cal, int year, struct calendar_year *y,
			   struct holiday_row *rows, char dates[][CALENDAR_DAY_SIZE])
{
	calendar_year_load(y, cal, year);
	for (size_t i = 0; i < y->nr; i++) {
		calendar_day_format(y->days[i].date, dates[i]);
		rows[i].date = dates[i];
		rows[i].kind = y->days[i].kind == CALENDAR_WORK ? "work" : "off";
		rows[i].name = y->days[i].name;
		rows[i].notice = NULL;
	}
	return y->nr;
}

Test(holiday, a_notice_is_a_new_version_in_force_at_once, .init = setup, .fini = teardown)
{
	struct calendar_year y;
	struct holiday_row rows[CALENDAR_YEAR_MAX];
	char dates[CALENDAR_YEAR_MAX][CALENDAR_DAY_SIZE];
	const struct calendar *cal, *now;
	struct holiday_origin o;
	struct calendar built = CALENDAR_INIT;
	struct err e = ERR_INIT;
	char first[32];
	int64_t id = 0, count = 0;
	size_t nr;
	int day;

	cr_assert_eq(holiday_calendar(fx.db, &cal), 0);
	snprintf(first, sizeof(first), "%s", calendar_version(cal));
	holiday_origin(cal, 2027, &o);
	cr_assert_eq(o.source, HOLIDAY_COMPUTED);
	holiday_origin(cal, 2025, &o);
	cr_assert_eq(o.source, HOLIDAY_BUILTIN);
	cr_assert_str_eq(holiday_calendar_version(fx.db), first);

	nr = default_rows(cal, 2027, &y, rows, dates);
	rows[nr++] = (struct holiday_row){ "2027-02-11", "off", "Nghỉ hoán đổi", NULL };
	rows[nr++] = (struct holiday_row){ "2027-02-20", "work", "Làm bù", "99/TB-BNV" };
	struct holiday_notice_new n = { 2027, "1234/TB-BNV", rows, nr };

	cr_assert_eq(holiday_notice_add(fx.db, &audit_cli, &n, &id, NULL, &e), 0, "%s", e.message);
	cr_assert_gt(id, 0);
	/* In force at once in this process: no waiting for the second to pass. */
	cr_assert_eq(holiday_calendar(fx.db, &now), 0);
	cr_assert_str_neq(calendar_version(now), first);
	cr_assert_str_eq(calendar_version(cal), first, "the old calendar stays whole");
	holiday_origin(now, 2027, &o);
	cr_assert_eq(o.source, HOLIDAY_NOTICE);
	cr_assert_eq(o.notice_id, id);
	cr_assert_eq(o.revision, 1);
	cr_assert_str_eq(o.notice, "1234/TB-BNV");
	cr_assert_eq(calendar_day_parse("2027-02-11", &day, &e), 0);
	cr_assert_not(calendar_is_working_day(now, day));
	cr_assert_eq(calendar_day_parse("2027-02-20", &day, &e), 0);
	cr_assert(calendar_is_working_day(now, day));
	calendar_year_load(&y, now, 2027);
	cr_assert(y.official);
	for (size_t i = 0; i < y.nr; i++) {
		char d[CALENDAR_DAY_SIZE];

		calendar_day_format(y.days[i].date, d);
		cr_assert_str_eq(y.days[i].notice, !strcmp(d, "2027-02-20") ? "99/TB-BNV" :
				 "1234/TB-BNV", "%s", d);
	}

	/* Another process, or the command line, builds the same calendar. */
	cr_assert_eq(holiday_calendar_build(fx.db, NULL, &built, &e), 0);
	cr_assert_str_eq(calendar_version(&built), calendar_version(now));
	calendar_release(&built);

	/* Stored with the version it made, and audited. */
	struct db_stmt *st = db_prepare(fx.db, "SELECT calendar_version FROM holiday_notice WHERE id = ?");
	char *stored = NULL;

	db_bind_int(st, 1, id);
	cr_assert_eq(db_one_text(st, &stored), 0);
	cr_assert_str_eq(stored, calendar_version(now));
	free(stored);
	st = db_prepare(fx.db, "SELECT COUNT(*) FROM audit WHERE action = 'holiday.notice'"
			" AND object_type = 'calendar' AND object_id = '2027' AND username = 'cli'");
	cr_assert_eq(db_one_int(st, &count), 0);
	cr_assert_eq(count, 1);

	/* Notices are never changed, only added to. */
	cr_assert_neq(db_exec(fx.db, "UPDATE holiday_notice SET notice = 'x'"), 0);
	cr_assert_neq(db_exec(fx.db, "DELETE FROM holiday_notice_day"), 0);

	/* The next is revision 2, and the list has both, newest first. */
	n.nr -= 2;
	cr_assert_eq(holiday_notice_add(fx.db, &audit_cli, &n, NULL, NULL, &e), 0, "%s", e.message);
	json_t *list = NULL;

	cr_assert_eq(holiday_notice_list(fx.db, 2027, &list), 0);
	cr_assert_eq(json_array_size(list), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(list, 0), "revision")), 2);
	cr_assert(json_is_true(json_object_get(json_array_get(list, 0), "active")));
	cr_assert(json_is_false(json_object_get(json_array_get(list, 1), "active")));
	cr_assert_eq(json_array_size(json_object_get(json_array_get(list, 1), "days")), nr);
	json_decref(list);
	cr_assert_eq(holiday_notice_list(fx.db, 2024, &list), 0);
	cr_assert_eq(json_array_size(list), 1);
	cr_assert(json_is_true(json_object_get(json_array_get(list, 0), "builtin")));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "notice")),
			 "5015/TB-LĐTBXH; 1570/TB-LĐTBXH");
	json_decref(list);
}

/* Adds a notice expecting the error field, and that nothing was stored. */
static void refused(struct holiday_notice_new *n, const char *field, int row)
{
	struct err e = ERR_INIT;
	int bad_row = 99;
	int64_t count = -1;

	cr_assert_eq(holiday_notice_add(fx.db, &audit_cli, n, NULL, &bad_row, &e), E_INVALID,
		     "expected an error on %s", field);
	cr_assert_str_eq(e.field, field, "%s", e.message);
	cr_assert_eq(bad_row, row, "%s: row %d", field, bad_row);
	cr_assert(e.message[0]);
	cr_assert_not(db_in_transaction(fx.db));
	cr_assert_eq(db_one_int(db_prepare(fx.db, "SELECT COUNT(*) FROM holiday_notice"), &count), 0);
	cr_assert_eq(count, 0);
}

Test(holiday, errors_name_the_row_and_field, .init = setup, .fini = teardown)
{
	struct holiday_row rows[4] = {
		{ "2028-01-01", "off", "Tết Dương lịch", NULL },
		{ "2028-01-03", "off", "Nghỉ bù", NULL },
		{ "2028-01-08", "work", "Làm bù", NULL },
		{ "2028-09-01", "off", "Quốc khánh", "77/TB-BNV" },
	};
	struct holiday_notice_new n = { 2028, "1/TB", rows, 4 };
	struct err e = ERR_INIT;

	rows[2].date = "2028-01-32";
	refused(&n, "rows[2].date", 2);
	rows[2].date = NULL;
	refused(&n, "rows[2].date", 2);
	rows[2].date = "2029-01-06";
	refused(&n, "rows[2].date", 2);
	rows[2].date = "2028-01-01";
	refused(&n, "rows[2].date", 2);
	rows[2].date = "2028-01-07";	/* a Friday */
	refused(&n, "rows[2].kind", 2);
	rows[2].date = "2028-01-08";
	rows[1].kind = "nghỉ";
	refused(&n, "rows[1].kind", 1);
	rows[1].kind = "off";
	rows[3].name = "";
	refused(&n, "rows[3].name", 3);
	rows[3].name = "Quốc\tkhánh";
	refused(&n, "rows[3].name", 3);
	rows[3].name = "\xff\xfe";
	refused(&n, "rows[3].name", 3);
	rows[3].name = "Quốc khánh";
	rows[3].notice = "77/TB\nBNV";
	refused(&n, "rows[3].notice", 3);
	rows[3].notice = NULL;
	n.notice = "";
	refused(&n, "notice", -1);
	n.notice = "1/TB";
	n.nr = 0;
	refused(&n, "rows", -1);
	n.nr = CALENDAR_YEAR_MAX + 1;
	refused(&n, "rows", -1);
	n.nr = 4;
	cr_assert_eq(holiday_notice_add(fx.db, &audit_cli, &n, NULL, NULL, &e), 0, "%s", e.message);

	/* The API's way of saying the row. */
	err_set(&e, E_INVALID, "rows[2].kind", "bad kind");
	holiday_row_error(&e, 2);
	cr_assert_str_eq(e.message, "rows[2]: bad kind");
	holiday_row_error(&e, -1);
	cr_assert_str_eq(e.message, "rows[2]: bad kind");
}

Test(holiday, years_of_urls)
{
	struct err e = ERR_INIT;
	int year = 0;

	cr_assert_eq(holiday_year_parse("2026", &year, &e), 0);
	cr_assert_eq(year, 2026);
	cr_assert_eq(holiday_year_parse("1900", &year, &e), 0);
	cr_assert_eq(holiday_year_parse("2199", &year, &e), 0);
	static const char *const bad[] = { "", "1899", "2200", "026", "20260", "2o26", "-202" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(holiday_year_parse(bad[i], &year, &e), E_NOTFOUND, "'%s'", bad[i]);
		cr_assert_str_eq(e.field, "year");
	}
}

/* ---- the process calendar follows the database ------------------------------------ */

/* What another process does: a notice written straight into the database. */
static void insert_elsewhere(int year, const char *date)
{
	struct db *other = open_db();
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO holiday_notice (year, revision, notice, calendar_version, username,"
		 " created_at) VALUES (%d, (SELECT COALESCE(MAX(revision), 0) + 1 FROM holiday_notice"
		 " WHERE year = %d), 'other', 'r1-x', 'other', 0);"
		 "INSERT INTO holiday_notice_day (notice_id, date, kind, name, notice)"
		 " VALUES ((SELECT MAX(id) FROM holiday_notice), '%s', 'off', 'Nghỉ', 'other');",
		 year, year, date);
	cr_assert_eq(db_exec(other, sql), 0);
	db_close(other);
}

Test(holiday, follows_other_processes_within_a_second, .init = setup, .fini = teardown)
{
	const struct calendar *a, *b;
	int day;
	struct err e = ERR_INIT;

	cr_assert_eq(holiday_calendar(fx.db, &a), 0);
	insert_elsewhere(2030, "2030-03-05");
	cr_assert_eq(calendar_day_parse("2030-03-05", &day, &e), 0);
	/* Within the second, the calendar may be the old one; asked afresh, it is new. */
	cr_assert_eq(holiday_calendar_fresh(fx.db, &b), 0);
	cr_assert_neq(a, b);
	cr_assert_not(calendar_is_working_day(b, day));
	cr_assert(calendar_is_working_day(a, day));
	/* And without asking, after a second. */
	insert_elsewhere(2030, "2030-03-06");
	usleep(1100 * 1000);
	cr_assert_eq(holiday_calendar(fx.db, &a), 0);
	cr_assert_neq(a, b);
	cr_assert(calendar_is_working_day(a, day), "revision 2 replaced the year");
	cr_assert_eq(calendar_day_parse("2030-03-06", &day, &e), 0);
	cr_assert_not(calendar_is_working_day(a, day));
	/* Nothing changed: the same calendar. */
	usleep(1100 * 1000);
	cr_assert_eq(holiday_calendar(fx.db, &b), 0);
	cr_assert_eq(a, b);
}

struct reader {
	const char *url;
	int errors;
	int calls;
};

static void *read_calendars(void *arg)
{
	struct reader *r = arg;
	struct err e = ERR_INIT;
	struct db *db = NULL;

	if (db_open(r->url, &db, &e)) {
		r->errors++;
		return NULL;
	}
	for (int i = 0; i < 300; i++) {
		const struct calendar *cal;
		struct calendar_year y;

		if (holiday_calendar_fresh(db, &cal) ||
		    strncmp(calendar_version(cal), "r", 1) ||
		    calendar_year_load(&y, cal, 2031)) {
			r->errors++;
			continue;
		}
		r->calls++;
	}
	db_close(db);
	return NULL;
}

Test(holiday, many_threads_share_the_calendar, .init = setup, .fini = teardown)
{
	pthread_t t[6];
	struct reader r[6];
	struct holiday_row row = { "2031-01-01", "off", "Tết Dương lịch", NULL };
	struct holiday_notice_new n = { 2031, "1/TB", &row, 1 };
	struct err e = ERR_INIT;

	for (int i = 0; i < 6; i++) {
		r[i] = (struct reader){ fx.url, 0, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, read_calendars, &r[i]), 0);
	}
	for (int i = 0; i < 5; i++)
		cr_assert_eq(holiday_notice_add(fx.db, &audit_cli, &n, NULL, NULL, &e), 0,
			     "%s", e.message);
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(r[i].errors, 0);
		cr_assert_eq(r[i].calls, 300);
	}
	{
		const struct calendar *cal;
		struct holiday_origin o;

		cr_assert_eq(holiday_calendar_fresh(fx.db, &cal), 0);
		holiday_origin(cal, 2031, &o);
		cr_assert_eq(o.revision, 5);
	}
}
