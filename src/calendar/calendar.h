/*
 * calendar: Vietnam's working-day calendar.  Lunar dates, public holidays,
 * the government's yearly schedules, office hours and the deadline
 * arithmetic that every legal time limit in cchc is computed with.
 *
 * Pure: no files, no printing, no clock.  The caller hands in the schedule
 * text (the embedded "data/holidays.tsv", or rows kept in the database) and
 * the instants to compute with.  After calendar_init() and the loads, a
 * struct calendar is only read, so one may be shared between threads.
 *
 * Units
 *   - An instant is UTC epoch seconds (int64_t).  Local time is UTC+7
 *     (CCHC_TZ_OFFSET), with no daylight saving.
 *   - A date is a day number: local days since 1970-01-01 (a Thursday),
 *     negative before it.  calendar_day_from_ymd() makes one.
 *   - Dates from 1900-01-01 to 2199-12-31 are supported (the lunar
 *     calendar's range); outside it only Saturdays and Sundays are days off.
 *
 * The rules, with their reasons and sources, are in docs/calendar.md:
 *
 * Days off.  Saturdays and Sundays, plus for each year either the official
 * schedule loaded for that year (it replaces everything below) or this
 * computed default (Labour Code 2019, Art. 111 and 112):
 *   - 1/1; 30/4; 1/5; the Hùng Kings' day (10/3 lunar, of the ordinary
 *     month when the 3rd month is doubled);
 *   - 2/9 and one adjacent day: 1/9, except 3/9 when 2/9 is a Monday,
 *     Thursday or Sunday (what the 2021–2026 notices chose);
 *   - a holiday of that list falling on a Saturday or Sunday (or on another
 *     holiday) gives one compensatory day (nghỉ bù): the next Monday–Friday
 *     not already off;
 *   - Tết: five weekdays.  They are the weekdays among the last day of the
 *     old lunar year and mùng 1, 2, 3; while fewer than five, the nearest
 *     weekday outside that span is added (counting days from the span's
 *     edge; the earlier side first when both are as near).  This places
 *     the five days exactly as the notices for 2021–2026 did.
 *
 * Deadlines (Civil Code 2015, Art. 147–148; the 15:00 rule of NĐ 61/2018):
 *   - The receipt day is the day of receipt if that is a working day and
 *     receipt is no later than the cutoff (15:00:00 by default); otherwise
 *     it is the next working day.
 *   - N working days: the 1st is the first working day after the receipt
 *     day; the dossier is due at the close of the afternoon session of the
 *     Nth.  With 3 days: received Monday 10:00, due Thursday 17:00;
 *     received Monday 15:01 (receipt day Tuesday), due Friday 17:00;
 *     received Saturday (receipt day Monday), due Thursday 17:00.  N = 0 is
 *     the close of the receipt day.
 *   - N calendar days: the receipt day + N; if that is not a working day,
 *     the next working day; at the close of the afternoon session.
 *   - N working hours: the clock starts at receipt, or at the next opening
 *     of a session if receipt is outside them (at the next working day's
 *     opening if after the cutoff or on a day off), and runs only inside
 *     the sessions of working days.  The due instant is where it runs out,
 *     which may be a session's close (11:30) but never the next opening.
 */
#ifndef CCHC_CALENDAR_CALENDAR_H
#define CCHC_CALENDAR_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct calendar_schedule;

#define CALENDAR_FIRST_YEAR 1900
#define CALENDAR_LAST_YEAR 2199
#define CALENDAR_YEARS (CALENDAR_LAST_YEAR - CALENDAR_FIRST_YEAR + 1)

/*
 * The rules' own version.  It is part of calendar_version(), and is raised
 * whenever a change to this module could move a computed day off or due
 * date, so that old deadlines still say what computed them.
 */
#define CALENDAR_RULES_VERSION 1

/* The notice recorded for the days of the computed default. */
#define CALENDAR_LAW "Bộ luật Lao động 2019, Điều 111, 112"

/* ---- dates and instants ------------------------------------------------ */

/* "YYYY-MM-DD" plus its NUL; "YYYY-MM-DD HH:MM" plus its NUL. */
#define CALENDAR_DAY_SIZE 11
#define CALENDAR_TIME_SIZE 17

/* Whether year-month-day is a real Gregorian date (any year 1–9999). */
bool calendar_ymd_valid(int year, int month, int mday);
/* The day number of a valid Gregorian date. */
int calendar_day_from_ymd(int year, int month, int mday);
/* The Gregorian date of a day number; any pointer may be NULL. */
void calendar_day_to_ymd(int day, int *year, int *month, int *mday);
/* 1 = Monday … 6 = Saturday, 7 = Sunday (ISO 8601). */
int calendar_weekday(int day);
/* The local date of an instant. */
int calendar_day_of(int64_t t);
/* Seconds since local midnight of an instant, 0 … 86399. */
int calendar_second_of_day(int64_t t);
/* The instant of a local date at `minute` minutes after midnight. */
int64_t calendar_instant(int day, int minute);

/*
 * Parses "YYYY-MM-DD" (exactly that) into a day number.  Returns 0, or
 * E_INVALID with a message in e (field "date") if the text is not of that
 * form, not a real date, or outside 1900–2199.
 */
int calendar_day_parse(const char *s, int *day, struct err *e);
/* Writes "YYYY-MM-DD". */
void calendar_day_format(int day, char out[CALENDAR_DAY_SIZE]);
/*
 * Parses local time "YYYY-MM-DD HH:MM" into an instant.  Returns 0, or
 * E_INVALID with a message in e (field "time").
 */
int calendar_time_parse(const char *s, int64_t *t, struct err *e);
/* Writes the local time of t as "YYYY-MM-DD HH:MM" (seconds dropped). */
void calendar_time_format(int64_t t, char out[CALENDAR_TIME_SIZE]);

/* ---- lunar calendar ---------------------------------------------------- */

/*
 * A date of the Vietnamese lunar calendar, computed for UTC+7 by the
 * astronomical method published by Hồ Ngọc Đức (new moons and the sun's
 * longitude; the month holding the winter solstice is the 11th; in a year
 * of 13 months the first month without a major solar term is the leap
 * month, which repeats the number of the month before it).
 */
struct lunar_date {
	int day;	/* 1 … 30 */
	int month;	/* 1 … 12 */
	int year;	/* the year in which its 1st month begins */
	bool leap;	/* the repeated (leap) month */
};

/*
 * Fills ld with the lunar date of a day number.  Returns 0, or E_INVALID
 * if day is outside 1900-01-01 … 2199-12-31.
 */
int lunar_date_from_day(struct lunar_date *ld, int day);
/*
 * The day number of a lunar date.  Returns 0, or E_INVALID if there is no
 * such date (no such leap month that year, day 30 of a 29-day month, out of
 * range).
 */
int lunar_date_to_day(const struct lunar_date *ld, int *day);
/* The leap month of a lunar year (1 … 12), or 0 if it has none or is out of range. */
int lunar_year_leap_month(int year);

/* ---- the calendar ------------------------------------------------------ */

/* Office hours and the receipt cutoff, in minutes after local midnight. */
struct calendar_settings {
	int morning_start;	/* 07:00 */
	int morning_end;	/* 11:30 */
	int afternoon_start;	/* 13:30 */
	int afternoon_end;	/* 17:00: the close of a working day, when dossiers fall due */
	int receipt_cutoff;	/* 15:00: received later, counts from the next working day */
};

#define CALENDAR_SETTINGS_DEFAULT { 7 * 60, 11 * 60 + 30, 13 * 60 + 30, 17 * 60, 15 * 60 }

/*
 * One day that differs from the Monday–Friday week: a day off (which may
 * also be listed when it falls on a weekend, e.g. Tết's Saturday), or a
 * Saturday or Sunday worked in exchange for a weekday off.
 */
enum calendar_day_kind { CALENDAR_OFF, CALENDAR_WORK };

struct calendar_day {
	int date;			/* day number */
	enum calendar_day_kind kind;
	const char *name;		/* Vietnamese, e.g. "Tết Nguyên đán (mùng 1)" */
	const char *notice;		/* the notice that set it, or CALENDAR_LAW */
};

/* The most days one year may list. */
#define CALENDAR_YEAR_MAX 64

/* The days of one year that differ from the Monday–Friday week. */
struct calendar_year {
	int year;
	bool official;		/* from a loaded schedule, not the computed default */
	size_t nr;
	struct calendar_day days[CALENDAR_YEAR_MAX];	/* sorted by date, one per date */
};

/*
 * The calendar: settings, the official schedules loaded, and what is
 * computed once from the lunar calendar.  The members are private: use
 * the functions.  CALENDAR_INIT makes an empty calendar that is safe to
 * release; calendar_init() makes a usable one.
 */
struct calendar {
	struct calendar_settings settings;
	struct calendar_schedule *schedules;	/* sorted by year */
	size_t nr_schedules, alloc_schedules;
	int tet[CALENDAR_YEARS];	/* day of mùng 1 Tết */
	int hung[CALENDAR_YEARS];	/* day of 10/3 lunar */
	unsigned char eve[CALENDAR_YEARS];	/* lunar day (29 or 30) of the day before Tết */
	bool ready;
	char version[32];
};

#define CALENDAR_INIT { .ready = false }

/*
 * Checks settings: each session must start before it ends, the morning
 * before the afternoon, all within the day, the cutoff within the day.
 * Returns 0 or E_INVALID naming the field.
 */
int calendar_settings_check(const struct calendar_settings *s, struct err *e);

/*
 * Makes cal a calendar with the given settings (NULL: the defaults) and no
 * official schedule, so that every year has the computed default.
 * Returns 0, or E_INVALID (cal is then empty but safe to release).
 */
int calendar_init(struct calendar *cal, const struct calendar_settings *settings,
		  struct err *e);
/* Frees what cal holds and leaves it as CALENDAR_INIT. */
void calendar_release(struct calendar *cal);

/*
 * Loads official schedules from TSV text: one row per date,
 *
 *	date<TAB>kind<TAB>name<TAB>notice
 *	2024-04-29	off	Nghỉ hoán đổi (làm bù thứ Bảy 4/5/2024)	1570/TB-LĐTBXH
 *
 * where kind is "off" or "work" ("work" only on a Saturday or Sunday).
 * Blank lines, lines starting with '#' and the header line
 * "date<TAB>kind<TAB>name<TAB>notice" are skipped.  Every year that
 * appears gets the rows given for it as its whole official schedule,
 * replacing the computed default and any schedule loaded before for that
 * year; a year's rows must therefore list all its weekday days off (start
 * from calendar_year_load() of the default).  All or nothing: on error
 * nothing changes and E_INVALID is returned with the line number in the
 * message and the column ("date", "kind", "name", "notice") in e->field.
 */
int calendar_load_schedule(struct calendar *cal, const char *tsv, struct err *e);
/*
 * Sets one year's official schedule from rows (copied; they need not be
 * sorted).  Same rules and errors as calendar_load_schedule().
 */
int calendar_set_schedule(struct calendar *cal, int year,
			  const struct calendar_day *days, size_t nr,
			  struct err *e);
/* Drops a year's official schedule, so that the computed default applies. */
void calendar_unset_schedule(struct calendar *cal, int year);
/* Whether an official schedule is loaded for that year. */
bool calendar_has_schedule(const struct calendar *cal, int year);

/*
 * The version of everything that decides a due date: the rules
 * (CALENDAR_RULES_VERSION), the settings and the schedules loaded, as
 * "r1-" and 12 hex digits of their hash.  The same data gives the same
 * version in every process.  Borrowed; changes with each load.
 */
const char *calendar_version(const struct calendar *cal);

/*
 * Fills y with a year's days that differ from the Monday–Friday week, from
 * its official schedule or else the computed default.  The strings are
 * borrowed from cal (or static) and valid until its schedule for that year
 * changes.  Returns 0, or E_INVALID for a year outside 1900–2199.
 */
int calendar_year_load(struct calendar_year *y, const struct calendar *cal, int year);

/* ---- working days and deadlines ------------------------------------------ */

/* Whether a date is a working day (offices open). */
bool calendar_is_working_day(const struct calendar *cal, int day);
/* Whether t falls inside a session (start included, end excluded) of a working day. */
bool calendar_in_office_hours(const struct calendar *cal, int64_t t);
/*
 * The nth working day after day (n > 0), before it (n < 0), or day itself
 * (n = 0, working or not).
 */
int calendar_workday_add(const struct calendar *cal, int day, int n);
/*
 * The number of working days after `from` up to and including `to`; the
 * negative of the count after `to` up to `from` when to < from.  So
 * calendar_workdays_between(cal, d, calendar_workday_add(cal, d, n)) == n.
 */
int calendar_workdays_between(const struct calendar *cal, int from, int to);

/* The day a dossier received at t is counted from (see the top of this file). */
int calendar_receipt_day(const struct calendar *cal, int64_t receipt);
/*
 * Working days used from a receipt to instant t: the working days after the
 * receipt day up to and including t's date.  At the due date of an
 * N-working-day deadline it is N; more than N means late.
 */
int calendar_workdays_elapsed(const struct calendar *cal, int64_t receipt, int64_t t);

enum calendar_unit {
	CALENDAR_WORKDAYS,	/* ngày làm việc */
	CALENDAR_WORKHOURS,	/* giờ làm việc */
	CALENDAR_DAYS,		/* ngày (calendar days) */
};

/* The most units a deadline may span. */
#define CALENDAR_MAX_SPAN 20000

/*
 * The due instant of a time limit of n units for a dossier received at
 * `receipt`, by the rules at the top of this file.  Returns 0, or
 * E_INVALID (field "n" if n is negative or above CALENDAR_MAX_SPAN, field
 * "time" if receipt or the due date is outside 1900–2199).
 */
int calendar_due(const struct calendar *cal, int64_t receipt, int n,
		 enum calendar_unit unit, int64_t *due, struct err *e);

#endif
