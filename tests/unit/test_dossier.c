/*
 * dossier/: deadlines on the real calendar with the clock set, supplements,
 * apologies, outcomes, and counters equal to their rebuild from history.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "org/org.h"
#include "fixture.h"

static struct db *db;
static struct user clerk;
static char dir[] = "/tmp/cchc-dossier-XXXXXX";

static void setup(void)
{
	fixture_open(dir, &db, &clerk);
}

static void teardown(void)
{
	fixture_close(dir, db, &clerk);
}

TestSuite(dossier, .init = setup, .fini = teardown);

static int64_t at(const char *local)
{
	int64_t t;

	cr_assert_eq(calendar_time_parse(local, &t, NULL), 0, "bad time %s", local);
	return t;
}

static void expect_time(int64_t t, const char *want)
{
	char buf[CALENDAR_TIME_SIZE];

	calendar_time_format(t, buf);
	cr_assert_str_eq(buf, want);
}

/* Takes a dossier of procedure at local time `when`; returns its code. */
static char *take(const char *procedure, const char *when)
{
	struct audit_actor who = { clerk.id, clerk.username, "", clerk.agency_path };
	struct dossier_intake in = { .procedure = procedure, .channel = CHANNEL_COUNTER,
		.applicant_name = "Trần Văn Bình", .applicant_phone = "0905000111" };
	struct err e = ERR_INIT;
	struct db_stmt *st;
	char *code = NULL;
	int64_t id;

	clock_set(at(when));
	cr_assert_eq(dossier_intake(db, &clerk, &who, &in, &id, &e), 0, "%s", e.message);
	st = db_prepare(db, "SELECT code FROM dossier WHERE id = ?");
	db_bind_int(st, 1, id);
	cr_assert_eq(db_one_text(st, &code), 0);
	return code;
}

static int64_t due_of(const char *code)
{
	struct db_stmt *st = db_prepare(db, "SELECT due_at FROM dossier WHERE code = ?");
	int64_t due = 0;

	db_bind_text(st, 1, code);
	cr_assert_eq(db_one_int(st, &due), 0);
	return due;
}

static void act(const char *code, const char *when, const char *action, json_t *args)
{
	struct audit_actor who = { clerk.id, clerk.username, "", clerk.agency_path };
	struct err e = ERR_INIT;

	clock_set(at(when));
	cr_assert_eq(dossier_act(db, &clerk, &who, code, action, args, &e), 0,
		     "%s: %s", action, e.message);
	json_decref(args);
}

/* 1.001193 Đăng ký khai sinh: 1 working day.  1.001022: 3 working days. */
Test(dossier, one_day_from_monday_morning)
{
	char *c = take("1.001193", "2026-03-02 10:00");

	expect_time(due_of(c), "2026-03-03 17:00");
	free(c);
}

Test(dossier, cutoff_at_three_in_the_afternoon)
{
	char *a = take("1.001193", "2026-03-06 14:59");	/* Friday */
	char *b = take("1.001193", "2026-03-06 15:01");

	expect_time(due_of(a), "2026-03-09 17:00");	/* Monday */
	expect_time(due_of(b), "2026-03-10 17:00");	/* counted from Monday */
	free(a);
	free(b);
}

Test(dossier, deadline_crosses_tet)
{
	/* Tết 2026: weekdays 16–20/2 off; received Friday 13/2. */
	char *c = take("1.001022", "2026-02-13 10:00");

	expect_time(due_of(c), "2026-02-25 17:00");
	free(c);
}

Test(dossier, worked_saturday_counts)
{
	/* Saturday 10/1/2026 is worked in exchange for Friday 2/1. */
	char *c = take("1.001193", "2026-01-09 10:00");

	expect_time(due_of(c), "2026-01-10 17:00");
	free(c);
}

Test(dossier, received_on_a_holiday)
{
	/* 30/4 and 1/5/2026 are off, then a weekend: counted from Monday 4/5. */
	char *c = take("1.001193", "2026-04-30 09:00");

	expect_time(due_of(c), "2026-05-05 17:00");
	free(c);
}

Test(dossier, supplement_moves_the_deadline_by_the_days_waited)
{
	char *c = take("1.001022", "2026-03-02 10:00");

	expect_time(due_of(c), "2026-03-05 17:00");
	act(c, "2026-03-02 11:00", "claim", NULL);
	act(c, "2026-03-03 10:00", "request_supplement",
	    json_pack("{s:[s]}", "documents", "Giấy chứng sinh"));
	act(c, "2026-03-06 10:00", "resume", NULL);	/* waited Wed, Thu, Fri */
	expect_time(due_of(c), "2026-03-10 17:00");
	free(c);
}

Test(dossier, late_stays_late_after_an_apology)
{
	struct db_stmt *st;
	char *c = take("1.001193", "2026-03-02 10:00"), *outcome = NULL;
	int64_t n = 0;

	act(c, "2026-03-02 11:00", "claim", NULL);
	act(c, "2026-03-03 09:00", "apologize",
	    json_pack("{s:s,s:s}", "reason", "Cần xác minh", "new_date", "2026-03-06"));
	act(c, "2026-03-05 10:00", "approve", NULL);
	act(c, "2026-03-05 10:30", "mark_ready", NULL);
	st = db_prepare(db, "SELECT outcome FROM dossier WHERE code = ?");
	db_bind_text(st, 1, c);
	cr_assert_eq(db_one_text(st, &outcome), 0);
	cr_assert_str_eq(outcome, "late");
	st = db_prepare(db, "SELECT COALESCE(SUM(value), 0) FROM kpi_counter"
			" WHERE metric = 'late_apology_before'");
	cr_assert_eq(db_one_int(st, &n), 0);
	cr_assert_eq(n, 1);
	free(outcome);
	free(c);
}

Test(dossier, early_and_on_time)
{
	struct db_stmt *st = db_prepare(db, "SELECT outcome FROM dossier WHERE code = ?");
	char *a = take("1.001022", "2026-03-02 10:00"), *b = take("1.001193", "2026-03-02 10:00");
	char *oa = NULL, *ob = NULL;

	act(a, "2026-03-03 10:00", "claim", NULL);
	act(a, "2026-03-03 11:00", "approve", NULL);
	act(a, "2026-03-03 11:30", "mark_ready", NULL);	/* due Thursday */
	act(b, "2026-03-03 10:00", "claim", NULL);
	act(b, "2026-03-03 16:00", "approve", NULL);
	act(b, "2026-03-03 16:59", "mark_ready", NULL);	/* due Tuesday 17:00 */
	db_bind_text(st, 1, a);
	cr_assert_eq(db_one_text(st, &oa), 0);
	db_bind_text(st, 1, b);
	cr_assert_eq(db_one_text(st, &ob), 0);
	cr_assert_str_eq(oa, "early");
	cr_assert_str_eq(ob, "on_time");
	free(oa);
	free(ob);
	free(a);
	free(b);
}

Test(dossier, codes_restart_daily_per_agency)
{
	char *a = take("1.001193", "2026-03-02 08:00"), *b = take("1.001193", "2026-03-02 09:00");
	char *c = take("1.001193", "2026-03-03 08:00");

	cr_assert(strstr(a, "-260302-0001"), "%s", a);
	cr_assert(strstr(b, "-260302-0002"), "%s", b);
	cr_assert(strstr(c, "-260303-0001"), "%s", c);
	free(a);
	free(b);
	free(c);
}

Test(dossier, counters_equal_their_rebuild_after_a_random_workload, .timeout = 120)
{
	struct err e = ERR_INIT;
	json_t *diffs = NULL;
	int from, to;

	cr_assert_eq(calendar_day_parse("2026-01-01", &from, NULL), 0);
	cr_assert_eq(calendar_day_parse("2026-06-30", &to, NULL), 0);
	cr_assert_eq(dossier_demo(db, 400, from, to, 7, &e), 0, "%s", e.message);
	cr_assert_gt(dossier_count(db), 300);
	cr_assert_eq(dossier_counters_rebuild(db, false, &diffs, &e), 0, "%s", e.message);
	cr_assert_eq(json_array_size(diffs), 0, "%zu counters differ", json_array_size(diffs));
	json_decref(diffs);
	/* A counter damaged by hand is found and fixed. */
	cr_assert_eq(db_exec(db, "UPDATE kpi_counter SET value = value + 1 WHERE metric = 'received'"
			     " AND day = (SELECT MIN(day) FROM kpi_counter)"), 0);
	cr_assert_eq(dossier_counters_rebuild(db, true, &diffs, &e), 0);
	cr_assert_gt(json_array_size(diffs), 0);
	json_decref(diffs);
	cr_assert_eq(dossier_counters_rebuild(db, false, &diffs, &e), 0);
	cr_assert_eq(json_array_size(diffs), 0);
	json_decref(diffs);
}

Test(dossier, masks_names_letter_by_letter)
{
	struct strbuf sb = STRBUF_INIT;

	dossier_mask_name("Nguyễn Văn An", &sb);
	cr_assert_str_eq(sb.buf, "N***** V** A*");
	strbuf_release(&sb);
}

/*
 * Every action in every state of a dossier's life: the ones not allowed
 * are refused with E_CONFLICT and change nothing; the walk itself takes
 * the allowed ones.
 */
Test(dossier, every_forbidden_transition_is_refused)
{
	static const char *const all[] = { "accept", "request_completion", "reject", "assign",
		"claim", "transfer", "request_supplement", "resume", "refuse", "withdraw",
		"approve", "mark_ready", "return", "apologize" };
	static const struct { const char *state; const char *next; } walk[] = {
		{ "received", "assign" }, { "processing", "request_supplement" },
		{ "awaiting_supplement", "resume" }, { "processing", "approve" },
		{ "approved", "mark_ready" }, { "result_ready", "return" }, { "returned", NULL },
	};
	char *c = take("1.001022", "2026-03-02 08:00");
	int checked = 0;

	for (size_t w = 0; w < ARRAY_SIZE(walk); w++) {
		struct audit_actor who = { clerk.id, clerk.username, "", clerk.agency_path };
		json_t *allowed = NULL;
		struct err e = ERR_INIT;
		struct db_stmt *st;
		char *state = NULL;
		int64_t version = 0, version_after = 0;

		st = db_prepare(db, "SELECT state FROM dossier WHERE code = ?");
		db_bind_text(st, 1, c);
		cr_assert_eq(db_one_text(st, &state), 0);
		cr_assert_str_eq(state, walk[w].state);
		cr_assert_eq(dossier_allowed(db, &clerk, c, &allowed, &e), 0);
		st = db_prepare(db, "SELECT version FROM dossier WHERE code = ?");
		db_bind_text(st, 1, c);
		cr_assert_eq(db_one_int(st, &version), 0);
		for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
			bool ok = false;
			size_t k;
			json_t *v;

			json_array_foreach(allowed, k, v)
				if (!strcmp(json_string_value(v), all[i]))
					ok = true;
			if (ok)
				continue;
			clock_set(at("2026-03-02 09:00"));
			cr_assert_eq(dossier_act(db, &clerk, &who, c, all[i], NULL, &e), E_CONFLICT,
				     "%s in %s: %s", all[i], state, e.message);
			checked++;
		}
		db_bind_text(st, 1, c);
		cr_assert_eq(db_one_int(st, &version_after), 0);
		cr_assert_eq(version, version_after, "a refused action changed the dossier");
		json_decref(allowed);
		free(state);
		if (walk[w].next)
			act(c, "2026-03-02 10:00", walk[w].next,
			    !strcmp(walk[w].next, "request_supplement") ?
			    json_pack("{s:[s]}", "documents", "Tờ khai") : NULL);
	}
	cr_assert_gt(checked, 50);
	free(c);
}
