/*
 * Deadline arithmetic: working days, working hours and calendar days from
 * a receipt instant, by the rules stated at the top of calendar.h.
 */
#include "calendar/calendar.h"

#include "base/err.h"
#include "calendar/internal.h"

/*
 * Walks days one at a time while keeping the current year's days off at
 * hand, so that a long walk computes each year once.
 */
struct day_cursor {
	const struct calendar *cal;
	bool loaded;
	struct calendar_year y;
};

static bool cursor_is_working(struct day_cursor *c, int day)
{
	int year = calendar_year_of(day);
	size_t lo = 0, hi;

	if (!c->loaded || c->y.year != year) {
		/* Outside 1900–2199 this leaves an empty year: weekends only. */
		calendar_year_load(&c->y, c->cal, year);
		c->loaded = true;
	}
	hi = c->y.nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->y.days[mid].date == day)
			return c->y.days[mid].kind == CALENDAR_WORK;
		if (c->y.days[mid].date < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return calendar_weekday(day) <= 5;
}

static int cursor_workday_add(struct day_cursor *c, int day, int n)
{
	int step = n > 0 ? 1 : -1;

	while (n) {
		day += step;
		if (cursor_is_working(c, day))
			n -= step;
	}
	return day;
}

int calendar_workday_add(const struct calendar *cal, int day, int n)
{
	struct day_cursor c = { .cal = cal };

	return cursor_workday_add(&c, day, n);
}

int calendar_workdays_between(const struct calendar *cal, int from, int to)
{
	struct day_cursor c = { .cal = cal };
	int sign = 1, nr = 0;

	if (to < from) {
		int t = from;

		from = to;
		to = t;
		sign = -1;
	}
	for (int d = from + 1; d <= to; d++)
		nr += cursor_is_working(&c, d);
	return sign * nr;
}

bool calendar_in_office_hours(const struct calendar *cal, int64_t t)
{
	const struct calendar_settings *s = &cal->settings;
	int min = calendar_second_of_day(t) / 60;

	if (!calendar_is_working_day(cal, calendar_day_of(t)))
		return false;
	return (min >= s->morning_start && min < s->morning_end) ||
	       (min >= s->afternoon_start && min < s->afternoon_end);
}

static int cursor_receipt_day(struct day_cursor *c, int64_t receipt)
{
	int day = calendar_day_of(receipt);

	if (cursor_is_working(c, day) &&
	    calendar_second_of_day(receipt) <= c->cal->settings.receipt_cutoff * 60)
		return day;
	return cursor_workday_add(c, day, 1);
}

int calendar_receipt_day(const struct calendar *cal, int64_t receipt)
{
	struct day_cursor c = { .cal = cal };

	return cursor_receipt_day(&c, receipt);
}

int calendar_workdays_elapsed(const struct calendar *cal, int64_t receipt, int64_t t)
{
	return calendar_workdays_between(cal, calendar_receipt_day(cal, receipt),
					 calendar_day_of(t));
}

/*
 * Runs a clock of `seconds` through the sessions of working days, from
 * second `sec` of working day `day`; returns where it runs out.
 */
static int64_t run_office_clock(struct day_cursor *c, int day, int sec, int64_t seconds)
{
	const struct calendar_settings *s = &c->cal->settings;
	const int sessions[2][2] = {
		{ s->morning_start * 60, s->morning_end * 60 },
		{ s->afternoon_start * 60, s->afternoon_end * 60 },
	};

	for (;;) {
		for (int i = 0; i < 2; i++) {
			int start = sec > sessions[i][0] ? sec : sessions[i][0];
			int end = sessions[i][1];

			if (start >= end)
				continue;
			if (seconds <= end - start)
				return calendar_instant(day, 0) + start + seconds;
			seconds -= end - start;
			sec = end;
		}
		day = cursor_workday_add(c, day, 1);
		sec = 0;
	}
}

int calendar_due(const struct calendar *cal, int64_t receipt, int n,
		 enum calendar_unit unit, int64_t *due, struct err *e)
{
	struct day_cursor c = { .cal = cal };
	int day = calendar_day_of(receipt);
	int year = calendar_year_of(day);
	int64_t t;

	if (n < 0 || n > CALENDAR_MAX_SPAN)
		return err_set(e, E_INVALID, "n", "a time limit must be 0 to %d, not %d",
			       CALENDAR_MAX_SPAN, n);
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
		return err_set(e, E_INVALID, "time", "the receipt is outside the years %d–%d",
			       CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);

	switch (unit) {
	case CALENDAR_WORKDAYS:
		day = cursor_workday_add(&c, cursor_receipt_day(&c, receipt), n);
		t = calendar_instant(day, cal->settings.afternoon_end);
		break;
	case CALENDAR_DAYS:
		day = cursor_receipt_day(&c, receipt) + n;
		while (!cursor_is_working(&c, day))
			day++;
		t = calendar_instant(day, cal->settings.afternoon_end);
		break;
	case CALENDAR_WORKHOURS: {
		int start = cursor_receipt_day(&c, receipt);

		/* Counted from a later day, the clock starts at its opening. */
		t = run_office_clock(&c, start,
				     start == day ? calendar_second_of_day(receipt) : 0,
				     (int64_t)n * 3600);
		break;
	}
	default:
		return err_set(e, E_INVALID, "unit", "unknown unit of time %d", (int)unit);
	}

	if (calendar_year_of(calendar_day_of(t)) > CALENDAR_LAST_YEAR)
		return err_set(e, E_INVALID, "time", "the due date falls after %d",
			       CALENDAR_LAST_YEAR);
	*due = t;
	return 0;
}
