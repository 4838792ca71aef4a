/*
 * Gregorian dates as day numbers, local time (UTC+7) and the text forms
 * the rest of cchc uses: "YYYY-MM-DD" and "YYYY-MM-DD HH:MM".
 */
#include "calendar/calendar.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "calendar/internal.h"

/* Julian day number of 1970-01-01. */
#define JDN_1970 2440588L

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int month_days(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

bool calendar_ymd_valid(int year, int month, int mday)
{
	return year >= 1 && year <= 9999 && month >= 1 && month <= 12 &&
	       mday >= 1 && mday <= month_days(year, month);
}

/* The Fliegel–Van Flandern formulas for the proleptic Gregorian calendar. */
int calendar_day_from_ymd(int year, int month, int mday)
{
	long a = (14 - month) / 12;
	long y = year + 4800 - a;
	long m = month + 12 * a - 3;
	long jdn = mday + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 +
		   y / 400 - 32045;

	return (int)(jdn - JDN_1970);
}

void calendar_day_to_ymd(int day, int *year, int *month, int *mday)
{
	long a = day + JDN_1970 + 32044;
	long b = (4 * a + 3) / 146097;
	long c = a - 146097 * b / 4;
	long d = (4 * c + 3) / 1461;
	long e = c - 1461 * d / 4;
	long m = (5 * e + 2) / 153;

	if (mday)
		*mday = (int)(e - (153 * m + 2) / 5 + 1);
	if (month)
		*month = (int)(m + 3 - 12 * (m / 10));
	if (year)
		*year = (int)(100 * b + d - 4800 + m / 10);
}

int calendar_year_of(int day)
{
	int year;

	calendar_day_to_ymd(day, &year, NULL, NULL);
	return year;
}

int calendar_weekday(int day)
{
	/* Day 0 was a Thursday (4). */
	return (int)(((int64_t)day + 3) % 7 + 7) % 7 + 1;
}

int calendar_day_of(int64_t t)
{
	return (int)floor_div64(t + CCHC_TZ_OFFSET, 86400);
}

int calendar_second_of_day(int64_t t)
{
	return (int)(t + CCHC_TZ_OFFSET - floor_div64(t + CCHC_TZ_OFFSET, 86400) * 86400);
}

int64_t calendar_instant(int day, int minute)
{
	return (int64_t)day * 86400 + (int64_t)minute * 60 - CCHC_TZ_OFFSET;
}

/* Reads exactly n decimal digits. */
static bool read_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Parses "YYYY-MM-DD" at the start of s; the caller checks what follows. */
static int parse_ymd(const char *s, int *day, const char *field, struct err *e)
{
	int y, m, d;

	if (!read_digits(s, 4, &y) || s[4] != '-' || !read_digits(s + 5, 2, &m) ||
	    s[7] != '-' || !read_digits(s + 8, 2, &d))
		return err_set(e, E_INVALID, field,
			       "'%s' is not a date of the form YYYY-MM-DD", s);
	if (!calendar_ymd_valid(y, m, d))
		return err_set(e, E_INVALID, field, "'%.10s' is not a real date", s);
	if (y < CALENDAR_FIRST_YEAR || y > CALENDAR_LAST_YEAR)
		return err_set(e, E_INVALID, field, "'%.10s' is outside the years %d–%d",
			       s, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
	*day = calendar_day_from_ymd(y, m, d);
	return 0;
}

int calendar_day_parse(const char *s, int *day, struct err *e)
{
	if (strlen(s) != 10)
		return err_set(e, E_INVALID, "date",
			       "'%s' is not a date of the form YYYY-MM-DD", s);
	return parse_ymd(s, day, "date", e);
}

/* Writes v as n decimal digits, zero-padded (public pages print many dates). */
static char *put_digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

void calendar_day_format(int day, char out[CALENDAR_DAY_SIZE])
{
	int y, m, d;
	char *p = out;

	calendar_day_to_ymd(day, &y, &m, &d);
	p = put_digits(p, (unsigned)y % 10000u, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)m % 100u, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)d % 100u, 2);
	*p = '\0';
}

int calendar_time_parse(const char *s, int64_t *t, struct err *e)
{
	int day, hh, mm;

	if (strlen(s) != 16 || s[10] != ' ' || !read_digits(s + 11, 2, &hh) ||
	    s[13] != ':' || !read_digits(s + 14, 2, &mm))
		return err_set(e, E_INVALID, "time",
			       "'%s' is not a time of the form YYYY-MM-DD HH:MM", s);
	if (hh > 23 || mm > 59)
		return err_set(e, E_INVALID, "time", "'%s' is not a real time of day", s);
	if (parse_ymd(s, &day, "time", e))
		return E_INVALID;
	*t = calendar_instant(day, hh * 60 + mm);
	return 0;
}

void calendar_time_format(int64_t t, char out[CALENDAR_TIME_SIZE])
{
	unsigned sec = (unsigned)calendar_second_of_day(t);
	char *p = out + CALENDAR_DAY_SIZE - 1;

	calendar_day_format(calendar_day_of(t), out);
	*p++ = ' ';
	p = put_digits(p, sec / 3600u % 24u, 2);
	*p++ = ':';
	p = put_digits(p, sec / 60u % 60u, 2);
	*p = '\0';
}
