/*
 * holiday: the official schedules of days off that admins add each year,
 * kept in the database, and the one working-day calendar of the process
 * that every deadline is computed on.
 *
 * The rules live in calendar/ (pure); this folder stores and serves them.
 *
 * Notices.  A notice is one saved version of one year's whole schedule:
 * the days that differ from the Monday–Friday week (days off, weekend
 * days worked), each with a name and the notice that set it, plus the
 * notice's own number and who saved it when.  Saving never updates: it
 * appends a notice with the next revision of its year, and the latest
 * revision is the year's schedule.  The schedules built into the program
 * (assets/data/holidays.tsv) are revision 0 of their years; a year with
 * neither has the computed default of calendar.h.  Like the built-in
 * rows, a notice replaces the whole year, so it lists every weekday off.
 *
 * The calendar of the process.  holiday_calendar() gives a ready struct
 * calendar built from the settings (holiday_configure), the built-in
 * schedules and the latest notice of each year.  It is built once and
 * rebuilt when the notices change: at most once a second each process
 * asks the database (one cheap query) whether they did, so several
 * servers on one database agree within a second.  A calendar handed out
 * is never changed nor freed before the process ends, so callers on any
 * thread may keep the pointer, and the strings it lends, for as long as
 * they like.  calendar_version() of it is what a deadline records.
 */
#ifndef CCHC_HOLIDAY_HOLIDAY_H
#define CCHC_HOLIDAY_HOLIDAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "http/http.h"

struct audit_actor;
struct db;
struct err;

/* ---- settings ------------------------------------------------------------ */

/* "HH:MM" plus its NUL; "HH:MM-HH:MM,HH:MM-HH:MM" plus its NUL. */
#define HOLIDAY_MINUTE_SIZE 6
#define HOLIDAY_HOURS_SIZE 24

/*
 * Parses the settings' text: office_hours "07:00-11:30,13:30-17:00" (the
 * morning and the afternoon session; spaces allowed around the parts) and
 * receipt_cutoff "15:00" (00:00 … 24:00), and checks them together with
 * calendar_settings_check().  NULL for either keeps its default.  Returns
 * 0, or E_INVALID with e naming the setting ("office_hours",
 * "receipt_cutoff") and saying what is wrong.
 */
int holiday_settings_parse(const char *office_hours, const char *receipt_cutoff,
			   struct calendar_settings *out, struct err *e);
/* Writes minutes after midnight as "HH:MM". */
void holiday_minute_format(int minute, char out[HOLIDAY_MINUTE_SIZE]);
/* Writes the office hours of s as "07:00-11:30,13:30-17:00". */
void holiday_hours_format(const struct calendar_settings *s, char out[HOLIDAY_HOURS_SIZE]);

/*
 * Sets the office hours and the receipt cutoff of the process calendar
 * (`cchc serve` calls it with the configured values before serving; until
 * then the defaults of calendar.h apply).  The next holiday_calendar()
 * builds a calendar with them.  Same arguments and errors as
 * holiday_settings_parse(); on error nothing changes.  Thread-safe.
 */
int holiday_configure(const char *office_hours, const char *receipt_cutoff,
		      struct err *e);
/* The settings in force in the process. */
struct calendar_settings holiday_settings(void);

/* ---- the calendar ---------------------------------------------------------- */

/*
 * Makes cal a calendar with settings s (NULL: the defaults), the built-in
 * schedules and, when db is not NULL, the latest notice of each year in
 * it, read in the caller's transaction if one is open.  The caller
 * releases cal with calendar_release().  Returns 0, or E_INVALID for bad
 * settings, or E_INTERNAL (logged).  A stored notice that the rules now
 * refuse is logged and skipped: its year keeps the schedule below it.
 */
int holiday_calendar_build(struct db *db, const struct calendar_settings *s,
			   struct calendar *cal, struct err *e);

/*
 * The calendar of the process, up to date within a second with the notices
 * in db (this thread's connection).  *out is borrowed and stays valid until
 * the process ends.  Returns 0 or E_INTERNAL (logged).  Do not call it in a
 * transaction that has added a notice: it would publish a schedule that
 * may yet be rolled back (holiday_notice_add() does not).
 */
int holiday_calendar(struct db *db, const struct calendar **out);
/* The same, asking the database now whatever the time since the last look. */
int holiday_calendar_fresh(struct db *db, const struct calendar **out);
/*
 * calendar_version() of the process calendar, e.g. "r1-2b25dc2ab596": what
 * a deadline computed now records.  Borrowed, valid until the process
 * ends; NULL on a database error (logged).
 */
const char *holiday_calendar_version(struct db *db);

/* Where the schedule of a year in a process calendar comes from. */
enum holiday_source {
	HOLIDAY_COMPUTED,	/* the computed default of calendar.h */
	HOLIDAY_BUILTIN,	/* assets/data/holidays.tsv: revision 0 */
	HOLIDAY_NOTICE,		/* a notice in the database */
};

struct holiday_origin {
	enum holiday_source source;
	int64_t notice_id;	/* holiday_notice.id, 0 unless HOLIDAY_NOTICE */
	int revision;		/* of the year; 0 unless HOLIDAY_NOTICE */
	const char *notice;	/* the notice's number (borrowed), NULL unless HOLIDAY_NOTICE */
};

/*
 * Fills o for a year of cal.  For a calendar that did not come from
 * holiday_calendar() (one from holiday_calendar_build(), say) the notices
 * are not known: a year with a schedule is then HOLIDAY_BUILTIN.
 */
void holiday_origin(const struct calendar *cal, int year, struct holiday_origin *o);

/*
 * Forgets the process calendar and frees every calendar it ever handed
 * out, and restores the default settings.  Only for tests, when no other
 * thread uses the calendar.
 */
void holiday_reset(void);

/* ---- notices --------------------------------------------------------------- */

/* The longest notice number and day name accepted, in bytes. */
#define HOLIDAY_TEXT_MAX 300

/* One row of a notice as given (from JSON or from the page's text). */
struct holiday_row {
	const char *date;	/* "YYYY-MM-DD", in the notice's year */
	const char *kind;	/* "off", or "work" for a Saturday or Sunday worked */
	const char *name;	/* e.g. "Tết Nguyên đán (mùng 1)" */
	const char *notice;	/* the notice that set this day; NULL or "": the notice's own */
};

struct holiday_notice_new {
	int year;
	const char *notice;	/* its number and title, e.g. "1234/TB-BNV" */
	const struct holiday_row *rows;
	size_t nr;
};

/*
 * Adds a notice: checks it with the rules of calendar/ (every row's date,
 * kind and name; the dates in its year, each once), stores it as the next
 * revision of its year, and writes the audit log (action "holiday.notice",
 * object "calendar" of the year) in the same transaction.  Then the
 * process calendar is refreshed, so the caller sees the change at once.
 *
 * The caller's mistakes give E_INVALID with e->field "notice", "rows" or
 * "rows[I].date" (".kind", ".name", ".notice"), with I from 0, and *bad_row
 * (may be NULL) set to I, or -1 when no one row is at fault; the message
 * does not repeat the row, so that the caller can say it its own way
 * (holiday_row_error()).  E_CONFLICT when another notice for the year was
 * saved at the same moment.  On success *id (may be NULL) gets the new
 * notice's id.
 */
int holiday_notice_add(struct db *db, const struct audit_actor *who,
		       const struct holiday_notice_new *n, int64_t *id,
		       int *bad_row, struct err *e);

/*
 * Prefixes e's message with the row it is about, as "rows[I]: …", the way
 * the JSON API names it (the page says "line N: …" itself).  Nothing when
 * bad_row < 0.
 */
void holiday_row_error(struct err *e, int bad_row);

/*
 * The versions of a year's schedule, newest first, as a JSON array of
 * {id, year, revision, notice, calendar_version, username, created_at,
 *  active, days: [{date, kind, name, source}]}; the built-in schedule, if
 * the year has one, comes last as revision 0 with id 0, username and
 * created_at null.  *out is new (caller decrefs).
 */
int holiday_notice_list(struct db *db, int year, json_t **out);

/* ---- JSON -------------------------------------------------------------------- */

/*
 * The year as the API gives it: {year, version, official, schedule,
 * days: [{date, kind, name, source}], office_hours: [{start, end}, …],
 * receipt_cutoff}, for cal from holiday_calendar() (for another, schedule
 * is as holiday_origin() says and the settings are the process's).  year
 * must be within 1900–2199.  New reference.
 */
json_t *holiday_year_json(const struct calendar *cal, int year);

/*
 * Parses a year of a URL, "2026": four digits, 1900–2199.  Returns 0, or
 * E_NOTFOUND with a message in e.
 */
int holiday_year_parse(const char *s, int *year, struct err *e);

extern const struct route holiday_api_routes[];
extern const unsigned holiday_api_nroutes;
extern const struct route holiday_page_routes[];
extern const unsigned holiday_page_nroutes;

#endif
