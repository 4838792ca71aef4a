/*
 * Days off: the computed default of the Labour Code 2019 (Art. 111, 112),
 * the official yearly schedules that replace it, and the calendar that
 * holds both.  The rules are stated in calendar.h and argued in
 * docs/calendar.md.
 */
#include "calendar/calendar.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xmalloc.h"
#include "calendar/internal.h"

/* ---- the computed default ------------------------------------------------- */

static const char *const tet_before[] = {	/* by lunar day of tháng Chạp */
	[24] = "Tết Nguyên đán (24 tháng Chạp)",
	[25] = "Tết Nguyên đán (25 tháng Chạp)",
	[26] = "Tết Nguyên đán (26 tháng Chạp)",
	[27] = "Tết Nguyên đán (27 tháng Chạp)",
	[28] = "Tết Nguyên đán (28 tháng Chạp)",
	[29] = "Tết Nguyên đán (29 tháng Chạp)",
	[30] = "Tết Nguyên đán (30 tháng Chạp)",
};

static const char *const tet_after[] = {	/* by days after mùng 1 */
	"Tết Nguyên đán (mùng 1)", "Tết Nguyên đán (mùng 2)",
	"Tết Nguyên đán (mùng 3)", "Tết Nguyên đán (mùng 4)",
	"Tết Nguyên đán (mùng 5)", "Tết Nguyên đán (mùng 6)",
	"Tết Nguyên đán (mùng 7)", "Tết Nguyên đán (mùng 8)",
};

static bool is_weekend(int day)
{
	return calendar_weekday(day) >= 6;
}

static struct calendar_day *year_find(struct calendar_year *y, int date)
{
	for (size_t i = 0; i < y->nr; i++)
		if (y->days[i].date == date)
			return &y->days[i];
	return NULL;
}

/* Adds a day off unless the date is listed; returns whether it was added. */
static bool year_add_off(struct calendar_year *y, int date, const char *name)
{
	struct calendar_day *d;

	if (year_find(y, date) || y->nr == CALENDAR_YEAR_MAX)
		return false;
	d = &y->days[y->nr++];
	d->date = date;
	d->kind = CALENDAR_OFF;
	d->name = name;
	d->notice = CALENDAR_LAW;
	return true;
}

static void year_sort(struct calendar_year *y)
{
	for (size_t i = 1; i < y->nr; i++) {
		struct calendar_day d = y->days[i];
		size_t j = i;

		for (; j > 0 && y->days[j - 1].date > d.date; j--)
			y->days[j] = y->days[j - 1];
		y->days[j] = d;
	}
}

/*
 * Tết: five weekdays off.  The weekdays among the last day of the old year
 * and mùng 1–3, completed by the weekdays nearest to that span, the earlier
 * side first when both are as near.  Every day from the first to the last
 * of them (and the whole span itself) is listed, weekends included.
 */
static void default_tet(struct calendar_year *y, int tet, int eve)
{
	int lo = tet - 1, hi = tet + 3, nr = 0;

	for (int d = lo; d <= hi; d++)
		nr += !is_weekend(d);
	for (int dist = 1; nr < 5; dist++) {
		if (!is_weekend(tet - 1 - dist)) {
			lo = tet - 1 - dist;
			if (++nr == 5)
				break;
		}
		if (!is_weekend(tet + 3 + dist)) {
			hi = tet + 3 + dist;
			nr++;
		}
	}
	for (int d = lo; d <= hi; d++) {
		int lunar_day = eve + 1 + (d - tet);
		const char *name = "Tết Nguyên đán";

		if (d >= tet && d - tet < (int)ARRAY_SIZE(tet_after))
			name = tet_after[d - tet];
		else if (d < tet && lunar_day >= 24 && lunar_day <= 30)
			name = tet_before[lunar_day];
		year_add_off(y, d, name);
	}
}

struct holiday {
	int date;
	const char *name;
	const char *bu;		/* the name of its compensatory day */
	bool needs_bu;
};

static void default_year(struct calendar_year *y, const struct calendar *cal, int year)
{
	int i = year - CALENDAR_FIRST_YEAR;
	int national = calendar_day_from_ymd(year, 9, 2);
	int wd = calendar_weekday(national);
	int adjacent = national + (wd == 1 || wd == 4 || wd == 7 ? 1 : -1);
	struct holiday h[] = {
		{ calendar_day_from_ymd(year, 1, 1), "Tết Dương lịch",
		  "Nghỉ bù Tết Dương lịch", false },
		{ cal->hung[i], "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
		  "Nghỉ bù Giỗ Tổ Hùng Vương", false },
		{ calendar_day_from_ymd(year, 4, 30), "Ngày Chiến thắng (30/4)",
		  "Nghỉ bù Ngày Chiến thắng", false },
		{ calendar_day_from_ymd(year, 5, 1), "Ngày Quốc tế Lao động (1/5)",
		  "Nghỉ bù Ngày Quốc tế Lao động", false },
		{ adjacent, "Quốc khánh (ngày liền kề)",
		  "Nghỉ bù Quốc khánh", false },
		{ national, "Quốc khánh (2/9)", "Nghỉ bù Quốc khánh", false },
	};

	y->year = year;
	y->official = false;
	y->nr = 0;
	default_tet(y, cal->tet[i], cal->eve[i]);

	/* Keep them by date: Hùng Kings' day moves, and so does the adjacent day. */
	for (size_t j = 1; j < ARRAY_SIZE(h); j++) {
		struct holiday t = h[j];
		size_t k = j;

		for (; k > 0 && h[k - 1].date > t.date; k--)
			h[k] = h[k - 1];
		h[k] = t;
	}
	for (size_t j = 0; j < ARRAY_SIZE(h); j++)
		h[j].needs_bu = !year_add_off(y, h[j].date, h[j].name) || is_weekend(h[j].date);

	/* Art. 111(3): a holiday on a weekly rest day is made up the next working day. */
	for (size_t j = 0; j < ARRAY_SIZE(h); j++) {
		int d = h[j].date + 1;

		if (!h[j].needs_bu)
			continue;
		while (is_weekend(d) || year_find(y, d))
			d++;
		year_add_off(y, d, h[j].bu);
	}
	year_sort(y);
}

/* ---- the calendar ------------------------------------------------------- */

int calendar_settings_check(const struct calendar_settings *s, struct err *e)
{
	if (s->morning_start < 0 || s->morning_start >= s->morning_end)
		return err_set(e, E_INVALID, "morning_start",
			       "the morning session must start before it ends");
	if (s->morning_end > s->afternoon_start)
		return err_set(e, E_INVALID, "afternoon_start",
			       "the afternoon session must start after the morning one ends");
	if (s->afternoon_start >= s->afternoon_end || s->afternoon_end > 24 * 60)
		return err_set(e, E_INVALID, "afternoon_end",
			       "the afternoon session must end after it starts, by midnight");
	if (s->receipt_cutoff < 0 || s->receipt_cutoff > 24 * 60)
		return err_set(e, E_INVALID, "receipt_cutoff",
			       "the receipt cutoff must be a time of day");
	return 0;
}

/* FNV-1a, 64 bits: a stable hash, the same on every machine. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; ; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
		if (!*p)
			return h;
	}
}

/* The version: a hash of the rules' version, the settings and the schedules. */
static void update_version(struct calendar *cal)
{
	const struct calendar_settings *s = &cal->settings;
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[96];

	snprintf(buf, sizeof(buf), "rules %d settings %d %d %d %d %d",
		 CALENDAR_RULES_VERSION, s->morning_start, s->morning_end,
		 s->afternoon_start, s->afternoon_end, s->receipt_cutoff);
	h = fnv1a(h, buf);
	for (size_t i = 0; i < cal->nr_schedules; i++) {
		const struct calendar_schedule *sc = &cal->schedules[i];

		for (size_t j = 0; j < sc->nr; j++) {
			const struct calendar_day *d = &sc->days[j];

			snprintf(buf, sizeof(buf), "%d %d", d->date, (int)d->kind);
			h = fnv1a(h, buf);
			h = fnv1a(h, d->name);
			h = fnv1a(h, d->notice);
		}
	}
	snprintf(cal->version, sizeof(cal->version), "r%d-%012" PRIx64,
		 CALENDAR_RULES_VERSION, h >> 16);
}

int calendar_init(struct calendar *cal, const struct calendar_settings *settings,
		  struct err *e)
{
	static const struct calendar_settings defaults = CALENDAR_SETTINGS_DEFAULT;
	int ret;

	memset(cal, 0, sizeof(*cal));
	if (!settings)
		settings = &defaults;
	ret = calendar_settings_check(settings, e);
	if (ret)
		return ret;
	cal->settings = *settings;

	/* The lunar dates every year's default needs, computed once. */
	for (int i = 0; i < CALENDAR_YEARS; i++) {
		struct lunar_date ld = { 1, 1, CALENDAR_FIRST_YEAR + i, false };
		struct lunar_date eve;

		if (lunar_date_to_day(&ld, &cal->tet[i]) ||
		    lunar_date_from_day(&eve, cal->tet[i] - 1))
			die("calendar: no Tết in %d", ld.year);
		cal->eve[i] = (unsigned char)eve.day;
		ld.day = 10;
		ld.month = 3;
		if (lunar_date_to_day(&ld, &cal->hung[i]))
			die("calendar: no 10/3 lunar in %d", ld.year);
	}
	cal->ready = true;
	update_version(cal);
	return 0;
}

static void schedule_release(struct calendar_schedule *sc)
{
	for (size_t i = 0; i < sc->nr; i++) {
		free((char *)sc->days[i].name);
		free((char *)sc->days[i].notice);
	}
	free(sc->days);
	sc->days = NULL;
	sc->nr = 0;
}

void calendar_release(struct calendar *cal)
{
	for (size_t i = 0; i < cal->nr_schedules; i++)
		schedule_release(&cal->schedules[i]);
	free(cal->schedules);
	memset(cal, 0, sizeof(*cal));
}

const char *calendar_version(const struct calendar *cal)
{
	return cal->version;
}

static struct calendar_schedule *schedule_find(const struct calendar *cal, int year)
{
	size_t lo = 0, hi = cal->nr_schedules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->schedules[mid].year == year)
			return &cal->schedules[mid];
		if (cal->schedules[mid].year < year)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool calendar_has_schedule(const struct calendar *cal, int year)
{
	return schedule_find(cal, year) != NULL;
}

int calendar_year_load(struct calendar_year *y, const struct calendar *cal, int year)
{
	const struct calendar_schedule *sc;

	y->year = year;
	y->official = false;
	y->nr = 0;
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR || !cal->ready)
		return E_INVALID;
	sc = schedule_find(cal, year);
	if (!sc) {
		default_year(y, cal, year);
		return 0;
	}
	y->official = true;
	y->nr = sc->nr;
	memcpy(y->days, sc->days, sc->nr * sizeof(*sc->days));
	return 0;
}

/* ---- official schedules ------------------------------------------------------ */

static const char *const weekday_names[] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

/* Checks one row's fields; `where` is "line N: " or "". */
static int check_day(const struct calendar_day *d, const char *where, struct err *e)
{
	char date[CALENDAR_DAY_SIZE];
	int year = calendar_year_of(d->date);

	calendar_day_format(d->date, date);
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
		return err_set(e, E_INVALID, "date", "%sdate %s is outside the years %d–%d",
			       where, date, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
	if (d->kind != CALENDAR_OFF && d->kind != CALENDAR_WORK)
		return err_set(e, E_INVALID, "kind", "%skind must be 'off' or 'work'", where);
	if (d->kind == CALENDAR_WORK && !is_weekend(d->date))
		return err_set(e, E_INVALID, "kind",
			       "%s%s is a %s: only a Saturday or Sunday can be made a working day",
			       where, date, weekday_names[calendar_weekday(d->date)]);
	if (!d->name || !*d->name)
		return err_set(e, E_INVALID, "name", "%sthe name of %s is empty", where, date);
	if (!d->notice || !*d->notice)
		return err_set(e, E_INVALID, "notice",
			       "%sthe notice that set %s is empty", where, date);
	for (const char *p = d->name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return err_set(e, E_INVALID, "name",
				       "%sthe name of %s has a control character", where, date);
	for (const char *p = d->notice; *p; p++)
		if ((unsigned char)*p < 0x20)
			return err_set(e, E_INVALID, "notice",
				       "%sthe notice of %s has a control character", where, date);
	return 0;
}

static int by_date(const void *a, const void *b)
{
	int x = ((const struct calendar_day *)a)->date;
	int y = ((const struct calendar_day *)b)->date;

	return (x > y) - (x < y);
}

/* Checks the number of rows of a year's schedule. */
static int check_year(int year, size_t nr, struct err *e)
{
	if (!nr)
		return err_set(e, E_INVALID, "date", "the schedule for %d has no days", year);
	if (nr > CALENDAR_YEAR_MAX)
		return err_set(e, E_INVALID, "date",
			       "the schedule for %d has %zu days, more than %d",
			       year, nr, CALENDAR_YEAR_MAX);
	return 0;
}

/* Stores a validated, sorted copy as the year's schedule. */
static void schedule_store(struct calendar *cal, int year,
			   const struct calendar_day *days, size_t nr)
{
	struct calendar_schedule *sc = schedule_find(cal, year);

	if (sc) {
		schedule_release(sc);
	} else {
		size_t at = 0;

		if (cal->nr_schedules == cal->alloc_schedules) {
			cal->alloc_schedules = cal->alloc_schedules ? 2 * cal->alloc_schedules : 8;
			cal->schedules = xrealloc(cal->schedules,
						  cal->alloc_schedules * sizeof(*cal->schedules));
		}
		while (at < cal->nr_schedules && cal->schedules[at].year < year)
			at++;
		memmove(&cal->schedules[at + 1], &cal->schedules[at],
			(cal->nr_schedules - at) * sizeof(*cal->schedules));
		cal->nr_schedules++;
		sc = &cal->schedules[at];
		sc->year = year;
	}
	sc->nr = nr;
	sc->days = xcalloc(nr, sizeof(*sc->days));
	for (size_t i = 0; i < nr; i++) {
		sc->days[i] = days[i];
		sc->days[i].name = xstrdup(days[i].name);
		sc->days[i].notice = xstrdup(days[i].notice);
	}
}

int calendar_set_schedule(struct calendar *cal, int year,
			  const struct calendar_day *days, size_t nr,
			  struct err *e)
{
	struct calendar_day *sorted = NULL;
	char date[CALENDAR_DAY_SIZE];
	int ret;

	if (!cal->ready)
		return error("calendar: schedule set before calendar_init()");
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
		ret = err_set(e, E_INVALID, "date", "year %d is outside the years %d–%d",
			      year, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
		goto out;
	}
	ret = check_year(year, nr, e);
	if (ret)
		goto out;
	for (size_t i = 0; i < nr; i++) {
		ret = check_day(&days[i], "", e);
		if (ret)
			goto out;
		if (calendar_year_of(days[i].date) != year) {
			calendar_day_format(days[i].date, date);
			ret = err_set(e, E_INVALID, "date", "date %s is not in %d", date, year);
			goto out;
		}
	}
	sorted = xmalloc(nr * sizeof(*sorted));
	memcpy(sorted, days, nr * sizeof(*sorted));
	qsort(sorted, nr, sizeof(*sorted), by_date);
	for (size_t i = 1; i < nr; i++) {
		if (sorted[i].date == sorted[i - 1].date) {
			calendar_day_format(sorted[i].date, date);
			ret = err_set(e, E_INVALID, "date", "date %s is listed twice", date);
			goto out;
		}
	}
	schedule_store(cal, year, sorted, nr);
	update_version(cal);
out:
	free(sorted);
	return ret;
}

void calendar_unset_schedule(struct calendar *cal, int year)
{
	struct calendar_schedule *sc = schedule_find(cal, year);
	size_t at;

	if (!sc)
		return;
	at = (size_t)(sc - cal->schedules);
	schedule_release(sc);
	memmove(&cal->schedules[at], &cal->schedules[at + 1],
		(cal->nr_schedules - at - 1) * sizeof(*cal->schedules));
	cal->nr_schedules--;
	update_version(cal);
}

/* ---- the TSV form ------------------------------------------------------------ */

struct tsv_row {
	struct calendar_day day;
	int line;
};

/* Splits one line into its four fields, in place; names what is missing. */
static int tsv_split(char *line, char **f, int lineno, struct err *e)
{
	static const char *const names[] = { "date", "kind", "name", "notice" };
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p; p++) {
		if (*p != '\t')
			continue;
		if (n == 4)
			return err_set(e, E_INVALID, "notice",
				       "line %d: too many fields (expected date, kind, "
				       "name, notice)", lineno);
		*p = '\0';
		f[n++] = p + 1;
	}
	if (n < 4)
		return err_set(e, E_INVALID, names[n],
			       "line %d: field '%s' is missing (fields are separated by tabs)",
			       lineno, names[n]);
	return 0;
}

static int tsv_parse_row(char *line, int lineno, struct tsv_row *row, struct err *e)
{
	char where[32];
	char *f[4];
	struct err pe = ERR_INIT;

	if (tsv_split(line, f, lineno, e))
		return E_INVALID;
	if (calendar_day_parse(f[0], &row->day.date, &pe))
		return err_set(e, E_INVALID, "date", "line %d: %s", lineno, pe.message);
	if (!strcmp(f[1], "off"))
		row->day.kind = CALENDAR_OFF;
	else if (!strcmp(f[1], "work"))
		row->day.kind = CALENDAR_WORK;
	else
		return err_set(e, E_INVALID, "kind",
			       "line %d: kind '%s' must be 'off' or 'work'", lineno, f[1]);
	row->day.name = f[2];
	row->day.notice = f[3];
	row->line = lineno;
	snprintf(where, sizeof(where), "line %d: ", lineno);
	return check_day(&row->day, where, e);
}

static int row_by_date(const void *a, const void *b)
{
	return by_date(&((const struct tsv_row *)a)->day, &((const struct tsv_row *)b)->day);
}

int calendar_load_schedule(struct calendar *cal, const char *tsv, struct err *e)
{
	char *text = xstrdup(tsv);
	struct tsv_row *rows = NULL;
	struct calendar_day *days = NULL;
	size_t nr = 0, alloc = 0;
	char *line = text, *next;
	int lineno = 0, ret = 0;
	char date[CALENDAR_DAY_SIZE];

	if (!cal->ready) {
		ret = error("calendar: schedule loaded before calendar_init()");
		goto out;
	}
	for (; line && *line; line = next) {
		size_t len;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (!strcmp(line, "date\tkind\tname\tnotice"))
			continue;
		if (nr == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			rows = xrealloc(rows, alloc * sizeof(*rows));
		}
		ret = tsv_parse_row(line, lineno, &rows[nr], e);
		if (ret)
			goto out;
		nr++;
	}

	/* Rows of one date twice, or too many for a year. */
	if (nr)
		qsort(rows, nr, sizeof(*rows), row_by_date);
	for (size_t i = 1; i < nr; i++) {
		int first = rows[i - 1].line, again = rows[i].line;

		if (rows[i].day.date != rows[i - 1].day.date)
			continue;
		if (first > again) {
			first = rows[i].line;
			again = rows[i - 1].line;
		}
		calendar_day_format(rows[i].day.date, date);
		ret = err_set(e, E_INVALID, "date",
			      "line %d: date %s is listed twice (also on line %d)",
			      again, date, first);
		goto out;
	}
	days = xcalloc(nr ? nr : 1, sizeof(*days));
	for (size_t i = 0; i < nr; i++)
		days[i] = rows[i].day;
	for (size_t i = 0, j; i < nr; i = j) {
		int year = calendar_year_of(days[i].date);

		for (j = i; j < nr && calendar_year_of(days[j].date) == year; j++)
			;
		if (j - i > CALENDAR_YEAR_MAX) {
			ret = err_set(e, E_INVALID, "date",
				      "line %d: the schedule for %d has more than %d days",
				      rows[i + CALENDAR_YEAR_MAX].line, year, CALENDAR_YEAR_MAX);
			goto out;
		}
	}

	/* Everything is valid: store year by year. */
	for (size_t i = 0, j; i < nr; i = j) {
		int year = calendar_year_of(days[i].date);

		for (j = i; j < nr && calendar_year_of(days[j].date) == year; j++)
			;
		schedule_store(cal, year, days + i, j - i);
	}
	update_version(cal);
out:
	free(days);
	free(rows);
	free(text);
	return ret;
}

/* ---- queries ------------------------------------------------------------------ */

bool calendar_is_working_day(const struct calendar *cal, int day)
{
	struct calendar_year y;

	if (!calendar_year_load(&y, cal, calendar_year_of(day))) {
		for (size_t i = 0; i < y.nr; i++)
			if (y.days[i].date == day)
				return y.days[i].kind == CALENDAR_WORK;
	}
	return !is_weekend(day);
}
