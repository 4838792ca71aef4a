/*
 * What the files of src/calendar/ share and nobody else uses.
 */
#ifndef CCHC_CALENDAR_INTERNAL_H
#define CCHC_CALENDAR_INTERNAL_H

#include "calendar/calendar.h"

/* Vietnam's time zone, in hours east of UTC, for the lunar calendar. */
#define LUNAR_TZ_VIETNAM 7

/* One year's official schedule, owned by the calendar. */
struct calendar_schedule {
	int year;
	size_t nr;
	struct calendar_day *days;	/* sorted; name and notice are xstrdup'ed */
};

/*
 * The lunar conversions for any time zone (hours east of UTC), so that
 * tests can show why Vietnam's calendar is not China's (tz 8).  Same
 * contracts as the public functions, which call them with tz 7.
 */
int lunar_from_day_tz(struct lunar_date *ld, int day, int tz);
int lunar_to_day_tz(const struct lunar_date *ld, int tz, int *day);

/* Floor division and modulo, for day numbers and instants before 1970. */
static inline int64_t floor_div64(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The year of a day number. */
int calendar_year_of(int day);

#endif
