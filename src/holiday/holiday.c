/*
 * The official schedules of days off kept in the database, and the
 * working-day calendar of the process built from them (see holiday.h).
 */
#include "holiday/holiday.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "org/org.h"

#define BUILTIN_TSV "data/holidays.tsv"
/* How often a process asks the database whether the notices changed. */
#define CHECK_EVERY_US 1000000

/* ---- settings ------------------------------------------------------------ */

/* Reads "HH:MM" (00:00 … 24:00) at *p, after any spaces; moves *p past it. */
static bool read_minute(const char **p, int *minute)
{
	const char *s = *p;
	int hh, mm;

	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return false;
	hh = (s[0] - '0') * 10 + (s[1] - '0');
	mm = (s[3] - '0') * 10 + (s[4] - '0');
	if (mm > 59 || hh > 24 || (hh == 24 && mm))
		return false;
	*minute = hh * 60 + mm;
	s += 5;
	while (*s == ' ' || *s == '\t')
		s++;
	*p = s;
	return true;
}

/* Reads "HH:MM-HH:MM" at *p. */
static bool read_session(const char **p, int *start, int *end)
{
	if (!read_minute(p, start) || **p != '-')
		return false;
	(*p)++;
	return read_minute(p, end);
}

int holiday_settings_parse(const char *office_hours, const char *receipt_cutoff,
			   struct calendar_settings *out, struct err *e)
{
	struct calendar_settings s = CALENDAR_SETTINGS_DEFAULT;
	struct err inner = ERR_INIT;
	const char *p;

	if (office_hours) {
		p = office_hours;
		if (!read_session(&p, &s.morning_start, &s.morning_end) || *p++ != ',' ||
		    !read_session(&p, &s.afternoon_start, &s.afternoon_end) || *p)
			return err_set(e, E_INVALID, "office_hours",
				       "setting 'office_hours' must be the morning and the afternoon session, like 07:00-11:30,13:30-17:00, not '%s'",
				       office_hours);
	}
	if (receipt_cutoff) {
		p = receipt_cutoff;
		if (!read_minute(&p, &s.receipt_cutoff) || *p)
			return err_set(e, E_INVALID, "receipt_cutoff",
				       "setting 'receipt_cutoff' must be a time of day like 15:00, not '%s'",
				       receipt_cutoff);
	}
	if (calendar_settings_check(&s, &inner)) {
		const char *key = !strcmp(inner.field, "receipt_cutoff") ?
			"receipt_cutoff" : "office_hours";

		return err_set(e, E_INVALID, key, "setting '%s': %s", key, inner.message);
	}
	*out = s;
	return 0;
}

void holiday_minute_format(int minute, char out[HOLIDAY_MINUTE_SIZE])
{
	if (minute < 0 || minute > 24 * 60)
		minute = 0;
	snprintf(out, HOLIDAY_MINUTE_SIZE, "%02u:%02u", (unsigned)minute / 60 % 100u,
		 (unsigned)minute % 60);
}

void holiday_hours_format(const struct calendar_settings *s, char out[HOLIDAY_HOURS_SIZE])
{
	char a[HOLIDAY_MINUTE_SIZE], b[HOLIDAY_MINUTE_SIZE];
	char c[HOLIDAY_MINUTE_SIZE], d[HOLIDAY_MINUTE_SIZE];

	holiday_minute_format(s->morning_start, a);
	holiday_minute_format(s->morning_end, b);
	holiday_minute_format(s->afternoon_start, c);
	holiday_minute_format(s->afternoon_end, d);
	snprintf(out, HOLIDAY_HOURS_SIZE, "%s-%s,%s-%s", a, b, c, d);
}

/* ---- building a calendar ------------------------------------------------------ */

/* Where one year's notice in a built calendar came from. */
struct origin {
	int year;
	int revision;
	int64_t id;
	char *notice;
};

struct origins {
	struct origin *v;
	size_t nr, alloc;
};

static void origins_release(struct origins *o)
{
	for (size_t i = 0; i < o->nr; i++)
		free(o->v[i].notice);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static int load_builtin(struct calendar *cal)
{
	const struct embed_file *f = embed_find(BUILTIN_TSV);
	struct err e = ERR_INIT;

	if (!f)
		return error("holiday: %s is not built in", BUILTIN_TSV);
	if (calendar_load_schedule(cal, (const char *)f->data, &e))
		return error("holiday: %s: %s", BUILTIN_TSV, e.message);
	return 0;
}

/* The rows of one stored notice while they are read. */
struct stored {
	int64_t id;
	int year, revision;
	char *notice;
	size_t nr;
	struct calendar_day days[CALENDAR_YEAR_MAX];
};

static void stored_clear(struct stored *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free((char *)s->days[i].name);
		free((char *)s->days[i].notice);
	}
	free(s->notice);
	s->notice = NULL;
	s->nr = 0;
	s->id = 0;
}

/* Sets a stored notice as its year's schedule (or logs why it cannot). */
static void stored_apply(struct calendar *cal, struct stored *s, struct origins *o)
{
	struct err e = ERR_INIT;

	if (!s->id)
		return;
	if (calendar_set_schedule(cal, s->year, s->days, s->nr, &e)) {
		error("holiday: notice %" PRId64 " (%d revision %d) is refused by the rules and skipped: %s",
		      s->id, s->year, s->revision, e.message);
		return;
	}
	if (o) {
		if (o->nr == o->alloc) {
			o->alloc = o->alloc ? 2 * o->alloc : 8;
			o->v = xrealloc(o->v, o->alloc * sizeof(*o->v));
		}
		o->v[o->nr].year = s->year;
		o->v[o->nr].revision = s->revision;
		o->v[o->nr].id = s->id;
		o->v[o->nr].notice = xstrdup(s->notice);
		o->nr++;
	}
}

/* Loads the latest notice of each year from db into cal. */
static int load_notices(struct db *db, struct calendar *cal, struct origins *o)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT n.id, n.year, n.revision, n.notice, d.date, d.kind, d.name, d.notice"
		" FROM holiday_notice n JOIN holiday_notice_day d ON d.notice_id = n.id"
		" WHERE n.revision = (SELECT MAX(m.revision) FROM holiday_notice m"
		" WHERE m.year = n.year)"
		" ORDER BY n.year, d.date");
	struct stored *s = xcalloc(1, sizeof(*s));
	int ret;

	while ((ret = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		struct calendar_day *d;
		struct err e = ERR_INIT;

		if (id != s->id) {
			stored_apply(cal, s, o);
			stored_clear(s);
			s->id = id;
			s->year = (int)db_col_int(st, 1);
			s->revision = (int)db_col_int(st, 2);
			s->notice = xstrdup(db_col_text(st, 3));
		}
		if (s->nr == CALENDAR_YEAR_MAX) {
			ret = error("holiday: notice %" PRId64 " has more than %d days",
				    id, CALENDAR_YEAR_MAX);
			break;
		}
		d = &s->days[s->nr];
		if (calendar_day_parse(db_col_text(st, 4), &d->date, &e)) {
			ret = error("holiday: notice %" PRId64 ": %s", id, e.message);
			break;
		}
		d->kind = strcmp(db_col_text(st, 5), "work") ? CALENDAR_OFF : CALENDAR_WORK;
		d->name = xstrdup(db_col_text(st, 6));
		d->notice = xstrdup(db_col_text(st, 7));
		s->nr++;
	}
	db_reset(st);
	if (ret == DB_DONE) {
		stored_apply(cal, s, o);
		ret = 0;
	}
	stored_clear(s);
	free(s);
	return ret;
}

static int build(struct db *db, const struct calendar_settings *s,
		 struct calendar *cal, struct origins *o, struct err *e)
{
	int ret = calendar_init(cal, s, e);

	if (!ret)
		ret = load_builtin(cal);
	if (!ret && db)
		ret = load_notices(db, cal, o);
	if (ret)
		calendar_release(cal);
	return ret;
}

int holiday_calendar_build(struct db *db, const struct calendar_settings *s,
			   struct calendar *cal, struct err *e)
{
	return build(db, s, cal, NULL, e);
}

/* ---- the calendar of the process -------------------------------------------- */

/* One calendar handed out, with what the API tells about it. */
struct holiday_cal {
	struct calendar cal;
	struct calendar_settings settings;
	struct origins origins;
	int64_t count, max_id;	/* of holiday_notice when it was built */
	unsigned gen;		/* of the settings it was built with */
	struct holiday_cal *older;	/* kept until exit: callers may hold them */
};

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
/* One build at a time; taken before state_lock, never inside it. */
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;
/* Guarded by state_lock: */
static struct holiday_cal *current;
static int64_t checked_us;
static unsigned settings_gen;
static struct calendar_settings settings = CALENDAR_SETTINGS_DEFAULT;

int holiday_configure(const char *office_hours, const char *receipt_cutoff,
		      struct err *e)
{
	struct calendar_settings s;
	int ret = holiday_settings_parse(office_hours, receipt_cutoff, &s, e);

	if (ret)
		return ret;
	pthread_mutex_lock(&state_lock);
	if (memcmp(&s, &settings, sizeof(s))) {
		settings = s;
		settings_gen++;
	}
	pthread_mutex_unlock(&state_lock);
	return 0;
}

struct calendar_settings holiday_settings(void)
{
	struct calendar_settings s;

	pthread_mutex_lock(&state_lock);
	s = settings;
	pthread_mutex_unlock(&state_lock);
	return s;
}

/*
 * What tells whether the notices changed: their number and their highest
 * id.  Notices are never deleted, so a new one changes the number even
 * when (on PostgreSQL) a lower id commits after a higher one.
 */
static int read_key(struct db *db, int64_t *count, int64_t *max_id)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT COUNT(*), COALESCE(MAX(id), 0) FROM holiday_notice");
	int ret = db_step(st);

	if (ret == DB_ROW) {
		*count = db_col_int(st, 0);
		*max_id = db_col_int(st, 1);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = error("holiday: no row from the notice count");
	}
	db_reset(st);
	return ret;
}

static bool up_to_date(const struct holiday_cal *c, unsigned gen, int64_t count,
		       int64_t max_id)
{
	return c && c->gen == gen && c->count == count && c->max_id == max_id;
}

/* Builds and publishes a new process calendar, unless another thread just did. */
static int rebuild(struct db *db, const struct calendar **out)
{
	struct holiday_cal *cur, *fresh = NULL;
	struct calendar_settings s;
	struct err e = ERR_INIT;
	char hours[HOLIDAY_HOURS_SIZE], cutoff[HOLIDAY_MINUTE_SIZE];
	int64_t count = 0, max_id = 0;
	unsigned gen;
	int ret;

	pthread_mutex_lock(&build_lock);
	pthread_mutex_lock(&state_lock);
	cur = current;
	gen = settings_gen;
	s = settings;
	pthread_mutex_unlock(&state_lock);

	/* The key before the data: a notice saved in between makes a rebuild. */
	ret = read_key(db, &count, &max_id);
	if (ret)
		goto out;
	if (up_to_date(cur, gen, count, max_id)) {
		*out = &cur->cal;
		goto out;
	}
	fresh = xcalloc(1, sizeof(*fresh));
	ret = build(db, &s, &fresh->cal, &fresh->origins, &e);
	if (ret) {
		if (ret != E_INTERNAL)
			ret = error("holiday: cannot build the calendar: %s", e.message);
		origins_release(&fresh->origins);
		free(fresh);
		goto out;
	}
	fresh->settings = s;
	fresh->count = count;
	fresh->max_id = max_id;
	fresh->gen = gen;
	pthread_mutex_lock(&state_lock);
	fresh->older = current;
	current = fresh;
	checked_us = clock_mono_us();
	pthread_mutex_unlock(&state_lock);
	holiday_hours_format(&s, hours);
	holiday_minute_format(s.receipt_cutoff, cutoff);
	log_info("working-day calendar %s: office hours %s, receipt cutoff %s, %" PRId64 " notice(s) in the database",
		 calendar_version(&fresh->cal), hours, cutoff, count);
	*out = &fresh->cal;
out:
	pthread_mutex_unlock(&build_lock);
	return ret;
}

static int calendar_get(struct db *db, bool force, const struct calendar **out)
{
	struct holiday_cal *cur;
	int64_t now = clock_mono_us(), count = 0, max_id = 0;
	unsigned gen;
	int ret;

	pthread_mutex_lock(&state_lock);
	cur = current;
	gen = settings_gen;
	if (cur && cur->gen == gen && !force) {
		if (now - checked_us < CHECK_EVERY_US) {
			pthread_mutex_unlock(&state_lock);
			*out = &cur->cal;
			return 0;
		}
		/* This thread looks; the others carry on with cur meanwhile. */
		checked_us = now;
	}
	pthread_mutex_unlock(&state_lock);

	ret = read_key(db, &count, &max_id);
	if (ret)
		return ret;
	if (up_to_date(cur, gen, count, max_id)) {
		*out = &cur->cal;
		return 0;
	}
	return rebuild(db, out);
}

int holiday_calendar(struct db *db, const struct calendar **out)
{
	return calendar_get(db, false, out);
}

int holiday_calendar_fresh(struct db *db, const struct calendar **out)
{
	return calendar_get(db, true, out);
}

const char *holiday_calendar_version(struct db *db)
{
	const struct calendar *cal;

	return holiday_calendar(db, &cal) ? NULL : calendar_version(cal);
}

/* The process calendar that cal is, or NULL if it is not one (never freed, so safe to keep). */
static const struct holiday_cal *container(const struct calendar *cal)
{
	const struct holiday_cal *c;

	pthread_mutex_lock(&state_lock);
	for (c = current; c && &c->cal != cal; c = c->older)
		;
	pthread_mutex_unlock(&state_lock);
	return c;
}

void holiday_origin(const struct calendar *cal, int year, struct holiday_origin *o)
{
	const struct holiday_cal *c = container(cal);
	const struct origins *os = c ? &c->origins : NULL;

	memset(o, 0, sizeof(*o));
	for (size_t i = 0; os && i < os->nr; i++) {
		if (os->v[i].year == year) {
			o->source = HOLIDAY_NOTICE;
			o->notice_id = os->v[i].id;
			o->revision = os->v[i].revision;
			o->notice = os->v[i].notice;
			return;
		}
	}
	o->source = calendar_has_schedule(cal, year) ? HOLIDAY_BUILTIN : HOLIDAY_COMPUTED;
}

void holiday_reset(void)
{
	static const struct calendar_settings defaults = CALENDAR_SETTINGS_DEFAULT;

	pthread_mutex_lock(&build_lock);
	pthread_mutex_lock(&state_lock);
	while (current) {
		struct holiday_cal *older = current->older;

		calendar_release(&current->cal);
		origins_release(&current->origins);
		free(current);
		current = older;
	}
	checked_us = 0;
	settings = defaults;
	settings_gen++;
	pthread_mutex_unlock(&state_lock);
	pthread_mutex_unlock(&build_lock);
}

/* ---- notices ----------------------------------------------------------------- */

/* Sets e's field to "rows[i].name". */
static void row_field(struct err *e, size_t i, const char *name)
{
	if (e)
		snprintf(e->field, sizeof(e->field), "rows[%zu].%s", i, name);
}

void holiday_row_error(struct err *e, int bad_row)
{
	struct strbuf msg = STRBUF_INIT;

	if (!e || bad_row < 0)
		return;
	strbuf_addf(&msg, "rows[%d]: ", bad_row);
	strbuf_addstr(&msg, e->message);
	snprintf(e->message, sizeof(e->message), "%s", msg.buf);
	strbuf_release(&msg);
}

/* Checks a text of a notice or a day: given, not too long, UTF-8, no control characters. */
static int text_check(const char *s, const char *what_date, struct err *e,
		      bool is_name)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return is_name ?
			err_set(e, E_INVALID, NULL, "%sthe name of %s is empty", "", what_date) :
			err_set(e, E_INVALID, NULL, "%sthe notice that set %s is empty", "", what_date);
	if (n > HOLIDAY_TEXT_MAX)
		return is_name ?
			err_set(e, E_INVALID, NULL, "the name of %s is longer than %d bytes",
				what_date, HOLIDAY_TEXT_MAX) :
			err_set(e, E_INVALID, NULL, "the notice of %s is longer than %d bytes",
				what_date, HOLIDAY_TEXT_MAX);
	if (!text_utf8_valid(s, n))
		return err_set(e, E_INVALID, NULL, "the text of %s is not valid UTF-8", what_date);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return is_name ?
				err_set(e, E_INVALID, NULL, "%sthe name of %s has a control character",
					"", what_date) :
				err_set(e, E_INVALID, NULL, "%sthe notice of %s has a control character",
					"", what_date);
	return 0;
}

/* Checks the notice's own number and title. */
static int notice_check(const char *s, struct err *e)
{
	size_t n = s ? strlen(s) : 0;
	int ret = 0;

	if (!n)
		ret = err_set(e, E_INVALID, NULL,
			      "give the number of the notice, for example 1234/TB-BNV");
	else if (n > HOLIDAY_TEXT_MAX)
		ret = err_set(e, E_INVALID, NULL,
			      "the notice number is longer than %d bytes", HOLIDAY_TEXT_MAX);
	else if (!text_utf8_valid(s, n))
		ret = err_set(e, E_INVALID, NULL, "the notice number is not valid UTF-8");
	else
		for (const char *p = s; *p && !ret; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				ret = err_set(e, E_INVALID, NULL,
					      "the notice number has a control character");
	if (ret && e)
		snprintf(e->field, sizeof(e->field), "notice");
	return ret;
}

/*
 * Reads row i of n into d (strings borrowed from n), checking it on its own
 * with the rules of calendar/ (which it runs on cal, leaving the year's
 * schedule set to that one row: the caller sets the whole year after).
 */
static int row_read(struct calendar *cal, const struct holiday_notice_new *n,
		    size_t i, struct calendar_day *d, struct err *e)
{
	const struct holiday_row *r = &n->rows[i];
	char date[CALENDAR_DAY_SIZE];
	int y, ret;

	if (!r->date || !*r->date) {
		ret = err_set(e, E_INVALID, NULL, "give the date, as YYYY-MM-DD");
		row_field(e, i, "date");
		return ret;
	}
	ret = calendar_day_parse(r->date, &d->date, e);
	if (ret) {
		row_field(e, i, "date");
		return ret;
	}
	calendar_day_format(d->date, date);
	calendar_day_to_ymd(d->date, &y, NULL, NULL);
	if (y != n->year) {
		ret = err_set(e, E_INVALID, NULL, "date %s is not in %d", date, n->year);
		row_field(e, i, "date");
		return ret;
	}
	if (r->kind && !strcmp(r->kind, "off")) {
		d->kind = CALENDAR_OFF;
	} else if (r->kind && !strcmp(r->kind, "work")) {
		d->kind = CALENDAR_WORK;
		if (calendar_weekday(d->date) <= 5) {
			ret = err_set(e, E_INVALID, NULL,
				      "%s is not a Saturday or Sunday: only a weekend day can be made a working day",
				      date);
			row_field(e, i, "kind");
			return ret;
		}
	} else {
		ret = err_set(e, E_INVALID, NULL, "%skind must be 'off' or 'work'", "");
		row_field(e, i, "kind");
		return ret;
	}
	d->name = r->name;
	ret = text_check(r->name, date, e, true);
	if (ret) {
		row_field(e, i, "name");
		return ret;
	}
	d->notice = r->notice && *r->notice ? r->notice : n->notice;
	ret = text_check(d->notice, date, e, false);
	if (ret) {
		row_field(e, i, "notice");
		return ret;
	}
	/* And the module's own check of the row, whatever it may add. */
	ret = calendar_set_schedule(cal, n->year, d, 1, e);
	if (ret) {
		static const char *const fields[] = { "kind", "name", "notice" };
		const char *field = "date";

		for (size_t k = 0; e && k < sizeof(fields) / sizeof(fields[0]); k++)
			if (!strcmp(e->field, fields[k]))
				field = fields[k];
		row_field(e, i, field);
	}
	return ret;
}

/* The schedule of a year before a change, for the audit log. */
static json_t *year_summary(const struct calendar *cal, int year, int64_t id,
			    int revision, const char *notice)
{
	struct calendar_year y;
	size_t off = 0, work = 0;

	calendar_year_load(&y, cal, year);
	for (size_t i = 0; i < y.nr; i++) {
		if (y.days[i].kind == CALENDAR_WORK)
			work++;
		else if (calendar_weekday(y.days[i].date) <= 5)
			off++;
	}
	return json_pack("{s:s,s:I,s:i,s:s?,s:s,s:I,s:I}",
			 "source", id ? "notice" : y.official ? "built-in" : "computed",
			 "id", (json_int_t)id, "revision", revision, "notice", notice,
			 "version", calendar_version(cal),
			 "weekdays_off", (json_int_t)off, "weekend_days_worked", (json_int_t)work);
}

int holiday_notice_add(struct db *db, const struct audit_actor *who,
		       const struct holiday_notice_new *n, int64_t *id,
		       int *bad_row, struct err *e)
{
	struct calendar_settings s = holiday_settings();
	struct calendar cal = CALENDAR_INIT;
	struct calendar_day *days = NULL;
	json_t *before = NULL, *after = NULL;
	struct db_stmt *st;
	char year_text[16], date[CALENDAR_DAY_SIZE];
	char *prev_notice = NULL;
	int64_t new_id = 0, prev_id = 0;
	int revision = 0, unused, ret;
	const struct calendar *fresh;

	if (!bad_row)
		bad_row = &unused;
	*bad_row = -1;
	if (n->year < CALENDAR_FIRST_YEAR || n->year > CALENDAR_LAST_YEAR)
		return err_set(e, E_INVALID, "year", "year %d is outside the years %d–%d",
			       n->year, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
	ret = notice_check(n->notice, e);
	if (ret)
		return ret;
	if (!n->nr)
		return err_set(e, E_INVALID, "rows",
			       "list the days of %d that differ from the Monday–Friday week: every weekday off and every Saturday or Sunday worked",
			       n->year);
	if (n->nr > CALENDAR_YEAR_MAX)
		return err_set(e, E_INVALID, "rows",
			       "a year's schedule has at most %d rows, not %zu",
			       CALENDAR_YEAR_MAX, n->nr);
	snprintf(year_text, sizeof(year_text), "%d", n->year);

	ret = db_begin(db);
	if (ret)
		goto out;
	/* The calendar as it stands in this transaction, to check and to version. */
	ret = holiday_calendar_build(db, &s, &cal, e);
	if (ret)
		goto out;
	st = db_prepare(db, "SELECT id, revision, notice FROM holiday_notice WHERE year = ?"
			" ORDER BY revision DESC LIMIT 1");
	db_bind_int(st, 1, n->year);
	ret = db_step(st);
	if (ret == DB_ROW) {
		prev_id = db_col_int(st, 0);
		revision = (int)db_col_int(st, 1);
		prev_notice = xstrdup(db_col_text(st, 2));
		ret = 0;
	}
	db_reset(st);
	if (ret)
		goto out;
	before = year_summary(&cal, n->year, prev_id, revision, prev_notice);

	days = xcalloc(n->nr, sizeof(*days));
	for (size_t i = 0; i < n->nr; i++) {
		ret = row_read(&cal, n, i, &days[i], e);
		if (!ret) {
			for (size_t j = 0; j < i; j++) {
				if (days[j].date != days[i].date)
					continue;
				calendar_day_format(days[i].date, date);
				ret = err_set(e, E_INVALID, NULL, "date %s is listed twice", date);
				row_field(e, i, "date");
				break;
			}
		}
		if (ret) {
			*bad_row = (int)i;
			goto out;
		}
	}
	ret = calendar_set_schedule(&cal, n->year, days, n->nr, e);
	if (ret) {
		if (e)
			snprintf(e->field, sizeof(e->field), "rows");
		goto out;
	}

	st = db_prepare(db, "INSERT INTO holiday_notice (year, revision, notice, calendar_version,"
			" user_id, username, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, n->year);
	db_bind_int(st, 2, revision + 1);
	db_bind_text(st, 3, n->notice);
	db_bind_text(st, 4, calendar_version(&cal));
	if (who->user_id)
		db_bind_int(st, 5, who->user_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, who->username);
	db_bind_int(st, 7, clock_now());
	ret = db_one_int(st, &new_id);
	if (ret == E_CONFLICT) {
		ret = err_set(e, E_CONFLICT, "notice",
			      "another notice for %d was saved at the same moment; reload the calendar and try again",
			      n->year);
		goto out;
	}
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO holiday_notice_day (notice_id, date, kind, name, notice)"
			" VALUES (?, ?, ?, ?, ?)");
	for (size_t i = 0; i < n->nr && !ret; i++) {
		calendar_day_format(days[i].date, date);
		db_bind_int(st, 1, new_id);
		db_bind_text(st, 2, date);
		db_bind_text(st, 3, days[i].kind == CALENDAR_WORK ? "work" : "off");
		db_bind_text(st, 4, days[i].name);
		db_bind_text(st, 5, days[i].notice);
		ret = db_run(st);
	}
	if (ret)
		goto out;
	after = year_summary(&cal, n->year, new_id, revision + 1, n->notice);
	ret = audit_log(db, who, "holiday.notice", "calendar", year_text, before, after);
	if (!ret)
		ret = db_commit(db);
	if (ret)
		goto out;
	if (id)
		*id = new_id;
	/* Committed: this process uses it from now on (the others within a second). */
	if (holiday_calendar_fresh(db, &fresh))
		log_warn("holiday: notice %" PRId64 " saved, but the calendar was not refreshed",
			 new_id);
out:
	if (ret)
		db_rollback(db);
	calendar_release(&cal);
	json_decref(before);
	json_decref(after);
	free(prev_notice);
	free(days);
	return ret;
}

/* One day as the API gives it. */
static json_t *day_json(const struct calendar_day *d)
{
	char date[CALENDAR_DAY_SIZE];

	calendar_day_format(d->date, date);
	return json_pack("{s:s,s:s,s:s,s:s}", "date", date,
			 "kind", d->kind == CALENDAR_WORK ? "work" : "off",
			 "name", d->name, "source", d->notice);
}

/* The built-in schedules alone, made once. */
static struct calendar builtin_cal = CALENDAR_INIT;
static int builtin_ret;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_init(void)
{
	struct err e = ERR_INIT;

	builtin_ret = build(NULL, NULL, &builtin_cal, NULL, &e);
}

/* The notices a year's days cite, once each and the Labour Code aside, "; "-separated. */
static void notices_of(const struct calendar_year *y, struct strbuf *out)
{
	for (size_t i = 0; i < y->nr; i++) {
		bool seen = !strcmp(y->days[i].notice, CALENDAR_LAW);

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(y->days[j].notice, y->days[i].notice);
		if (seen)
			continue;
		if (out->len)
			strbuf_addstr(out, "; ");
		strbuf_addstr(out, y->days[i].notice);
	}
	if (!out->len)
		strbuf_addstr(out, CALENDAR_LAW);
}

/* The built-in schedule of a year as a version (revision 0), or NULL. */
static json_t *builtin_version(int year)
{
	struct calendar_year y;
	struct strbuf notices = STRBUF_INIT;
	json_t *days, *v;

	pthread_once(&builtin_once, builtin_init);
	if (builtin_ret || !calendar_has_schedule(&builtin_cal, year))
		return NULL;
	calendar_year_load(&y, &builtin_cal, year);
	days = json_array();
	for (size_t i = 0; i < y.nr; i++)
		json_array_append_new(days, day_json(&y.days[i]));
	notices_of(&y, &notices);
	v = json_pack("{s:I,s:i,s:i,s:s,s:s,s:n,s:n,s:b,s:o}", "id", (json_int_t)0,
		      "year", year, "revision", 0, "notice", notices.buf,
		      "calendar_version", "", "username", "created_at", "builtin", 1,
		      "days", days);
	strbuf_release(&notices);
	return v;
}

int holiday_notice_list(struct db *db, int year, json_t **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id, revision, notice, calendar_version, username, created_at"
		" FROM holiday_notice WHERE year = ? ORDER BY revision DESC");
	json_t *items = json_array(), *builtin, *v;
	size_t i;
	int ret;

	db_bind_int(st, 1, year);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I,s:i,s:I,s:s,s:s,s:s,s:I,s:b}",
			"id", (json_int_t)db_col_int(st, 0), "year", year,
			"revision", (json_int_t)db_col_int(st, 1),
			"notice", db_col_text(st, 2),
			"calendar_version", db_col_text(st, 3),
			"username", db_col_text(st, 4),
			"created_at", (json_int_t)db_col_int(st, 5), "builtin", 0));
	db_reset(st);
	if (ret)
		goto out;
	st = db_prepare(db, "SELECT date, kind, name, notice FROM holiday_notice_day"
			" WHERE notice_id = ? ORDER BY date");
	json_array_foreach(items, i, v) {
		json_t *days = json_array();

		db_bind_int(st, 1, json_integer_value(json_object_get(v, "id")));
		while ((ret = db_step(st)) == DB_ROW)
			json_array_append_new(days, json_pack("{s:s,s:s,s:s,s:s}",
				"date", db_col_text(st, 0), "kind", db_col_text(st, 1),
				"name", db_col_text(st, 2), "source", db_col_text(st, 3)));
		db_reset(st);
		json_object_set_new(v, "active", json_boolean(i == 0));
		json_object_set_new(v, "days", days);
		if (ret)
			goto out;
	}
	builtin = builtin_version(year);
	if (builtin) {
		json_object_set_new(builtin, "active", json_boolean(!json_array_size(items)));
		json_array_append_new(items, builtin);
	}
out:
	if (ret) {
		json_decref(items);
		return ret;
	}
	*out = items;
	return 0;
}

/* ---- JSON ---------------------------------------------------------------------- */

json_t *holiday_year_json(const struct calendar *cal, int year)
{
	const struct holiday_cal *hc = container(cal);
	struct calendar_settings process = holiday_settings();
	const struct calendar_settings *s = hc ? &hc->settings : &process;
	struct calendar_year y;
	struct holiday_origin o;
	char a[HOLIDAY_MINUTE_SIZE], b[HOLIDAY_MINUTE_SIZE];
	char c[HOLIDAY_MINUTE_SIZE], d[HOLIDAY_MINUTE_SIZE], cutoff[HOLIDAY_MINUTE_SIZE];
	struct strbuf notices = STRBUF_INIT;
	json_t *days = json_array(), *schedule;
	static const char *const sources[] = {
		[HOLIDAY_COMPUTED] = "computed",
		[HOLIDAY_BUILTIN] = "built-in",
		[HOLIDAY_NOTICE] = "notice",
	};

	calendar_year_load(&y, cal, year);
	holiday_origin(cal, year, &o);
	for (size_t i = 0; i < y.nr; i++)
		json_array_append_new(days, day_json(&y.days[i]));
	if (o.source == HOLIDAY_BUILTIN)
		notices_of(&y, &notices);
	schedule = json_pack("{s:s,s:I,s:i,s:s?}", "source", sources[o.source],
			     "id", (json_int_t)o.notice_id, "revision", o.revision,
			     "notice", o.source == HOLIDAY_BUILTIN ? notices.buf : o.notice);
	strbuf_release(&notices);
	holiday_minute_format(s->morning_start, a);
	holiday_minute_format(s->morning_end, b);
	holiday_minute_format(s->afternoon_start, c);
	holiday_minute_format(s->afternoon_end, d);
	holiday_minute_format(s->receipt_cutoff, cutoff);
	return json_pack("{s:i,s:s,s:b,s:o,s:o,s:[{s:s,s:s},{s:s,s:s}],s:s}",
			 "year", year, "version", calendar_version(cal),
			 "official", y.official, "schedule", schedule, "days", days,
			 "office_hours", "start", a, "end", b, "start", c, "end", d,
			 "receipt_cutoff", cutoff);
}

int holiday_year_parse(const char *s, int *year, struct err *e)
{
	int y = 0;

	for (int i = 0; i < 4; i++) {
		if (!s || s[i] < '0' || s[i] > '9')
			goto bad;
		y = y * 10 + (s[i] - '0');
	}
	if (s[4] || y < CALENDAR_FIRST_YEAR || y > CALENDAR_LAST_YEAR)
		goto bad;
	*year = y;
	return 0;
bad:
	return err_set(e, E_NOTFOUND, "year",
		       "there is no calendar for '%s': give a year from %d to %d",
		       s ? s : "", CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
}
