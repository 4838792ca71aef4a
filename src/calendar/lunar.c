/*
 * The Vietnamese lunar calendar, by the astronomical method that Hồ Ngọc
 * Đức published ("Âm lịch Việt Nam", with the algorithms of Jean Meeus,
 * "Astronomical Algorithms", 1998):
 *
 *   - a month begins on the local day of a new moon;
 *   - the month that holds the winter solstice is the 11th;
 *   - when 13 new moons begin between two 11th months, the first month in
 *     which the sun's longitude does not enter a new 30° sector (a month
 *     without a major solar term, trung khí) is the leap month, and repeats
 *     the number of the month before it.
 *
 * Everything is computed at a time zone: Vietnam has used UTC+7 since 1968,
 * China UTC+8, which is why, for example, Tết 1985 fell on 21 January in
 * Vietnam but on 20 February in China.
 *
 * Internally days are Julian day numbers (jdn); a day number is jdn minus
 * the jdn of 1970-01-01.
 */
#include "calendar/calendar.h"

#include <math.h>

#include "base/err.h"
#include "calendar/internal.h"

#define PI 3.14159265358979323846
#define JDN_1970 2440588L
/* The new moon of 1900-01-01 13:52 UT, from which new moons are numbered. */
#define NEW_MOON_1900 2415021.076998695
#define SYNODIC_MONTH 29.530588853

/*
 * The Julian date (a real number, days) of the k-th new moon after the
 * one of 1900-01-01, from Meeus's mean new moon and its main periodic
 * terms, corrected for ΔT.
 */
static double new_moon(int k)
{
	double t = k / 1236.85;	/* Julian centuries since 1900-01-00.5 */
	double t2 = t * t, t3 = t2 * t;
	double dr = PI / 180;
	double jd, m, mp, f, c, delta_t;

	jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
	jd += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * dr);
	/* The sun's and the moon's mean anomalies, the moon's argument of latitude. */
	m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
	mp = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
	f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;

	c = (0.1734 - 0.000393 * t) * sin(m * dr) + 0.0021 * sin(2 * m * dr);
	c += -0.4068 * sin(mp * dr) + 0.0161 * sin(2 * mp * dr);
	c += -0.0004 * sin(3 * mp * dr);
	c += 0.0104 * sin(2 * f * dr) - 0.0051 * sin((m + mp) * dr);
	c += -0.0074 * sin((m - mp) * dr) + 0.0004 * sin((2 * f + m) * dr);
	c += -0.0004 * sin((2 * f - m) * dr) - 0.0006 * sin((2 * f + mp) * dr);
	c += 0.0010 * sin((2 * f - mp) * dr) + 0.0005 * sin((2 * mp + m) * dr);

	if (t < -11)
		delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 -
			  0.000000081 * t * t3;
	else
		delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2;
	return jd + c - delta_t;
}

/* The sun's apparent longitude, in radians [0, 2π), at Julian date jd. */
static double sun_longitude(double jd)
{
	double t = (jd - 2451545.0) / 36525;	/* Julian centuries since J2000.0 */
	double t2 = t * t;
	double dr = PI / 180;
	double m, l0, dl, l;

	m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
	l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
	dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(m * dr);
	dl += (0.019993 - 0.000101 * t) * sin(2 * m * dr) + 0.000290 * sin(3 * m * dr);
	l = (l0 + dl) * dr;
	return l - 2 * PI * floor(l / (2 * PI));
}

/* The jdn of the local day on which the k-th new moon falls. */
static long new_moon_day(int k, int tz)
{
	return (long)floor(new_moon(k) + 0.5 + tz / 24.0);
}

/* Which 30° sector (0 … 11) the sun is in at local midnight starting day jdn. */
static int sun_sector(long jdn, int tz)
{
	return (int)floor(sun_longitude(jdn - 0.5 - tz / 24.0) / PI * 6);
}

static long jdn_of(int year, int month, int mday)
{
	return calendar_day_from_ymd(year, month, mday) + JDN_1970;
}

/* The jdn on which the 11th lunar month around the solstice of that year begins. */
static long month11_start(int year, int tz)
{
	long off = jdn_of(year, 12, 31) - 2415021;
	int k = (int)floor(off / SYNODIC_MONTH);
	long nm = new_moon_day(k, tz);

	/* A new moon with the sun already past 270° comes after the solstice. */
	if (sun_sector(nm, tz) >= 9)
		nm = new_moon_day(k - 1, tz);
	return nm;
}

/* The number of the new moon that starts the month beginning on jdn. */
static int moon_index(long jdn)
{
	return (int)floor((jdn - NEW_MOON_1900) / SYNODIC_MONTH + 0.5);
}

/*
 * In a 13-month year starting at the 11th month a11, the position of the
 * leap month counted from a11 (1 … 12): the first month whose next month
 * begins in the same sun sector.
 */
static int leap_month_offset(long a11, int tz)
{
	int k = moon_index(a11);
	int i = 1;
	int arc = sun_sector(new_moon_day(k + i, tz), tz);
	int last;

	do {
		last = arc;
		i++;
		arc = sun_sector(new_moon_day(k + i, tz), tz);
	} while (arc != last && i < 14);
	return i - 1;
}

int lunar_from_day_tz(struct lunar_date *ld, int day, int tz)
{
	long jdn = day + JDN_1970;
	int year, k, diff, leap_off;
	long start, a11, b11;

	calendar_day_to_ymd(day, &year, NULL, NULL);
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
		return E_INVALID;

	/*
	 * The new moon that begins jdn's month: the last one on or before it.
	 * The mean month k guesses it; the true new moon can be some hours
	 * later than the mean one, so step back until it is not after jdn
	 * (the published code stopped at k and gave day 0 on 2054-05-07).
	 */
	k = (int)floor((jdn - NEW_MOON_1900) / SYNODIC_MONTH) + 1;
	while ((start = new_moon_day(k, tz)) > jdn)
		k--;

	/* The two 11th months around it. */
	a11 = month11_start(year, tz);
	b11 = a11;
	if (a11 >= start) {
		ld->year = year;
		a11 = month11_start(year - 1, tz);
	} else {
		ld->year = year + 1;
		b11 = month11_start(year + 1, tz);
	}

	ld->day = (int)(jdn - start + 1);
	diff = (int)((start - a11) / 29);	/* months since a11 */
	ld->leap = false;
	ld->month = diff + 11;
	if (b11 - a11 > 365) {
		leap_off = leap_month_offset(a11, tz);
		if (diff >= leap_off) {
			ld->month = diff + 10;
			ld->leap = diff == leap_off;
		}
	}
	if (ld->month > 12)
		ld->month -= 12;
	if (ld->month >= 11 && diff < 4)
		ld->year--;
	return 0;
}

int lunar_to_day_tz(const struct lunar_date *ld, int tz, int *day)
{
	long a11, b11, start, next;
	int k, off, leap_off, leap_month;

	if (ld->month < 1 || ld->month > 12 || ld->day < 1 || ld->day > 30 ||
	    ld->year < CALENDAR_FIRST_YEAR - 1 || ld->year > CALENDAR_LAST_YEAR)
		return E_INVALID;

	/* Months 11 and 12 follow the 11th month of the same year. */
	if (ld->month < 11) {
		a11 = month11_start(ld->year - 1, tz);
		b11 = month11_start(ld->year, tz);
	} else {
		a11 = month11_start(ld->year, tz);
		b11 = month11_start(ld->year + 1, tz);
	}
	k = moon_index(a11);
	off = ld->month - 11;
	if (off < 0)
		off += 12;
	if (b11 - a11 > 365) {
		leap_off = leap_month_offset(a11, tz);
		leap_month = leap_off - 2;
		if (leap_month < 0)
			leap_month += 12;
		if (ld->leap && ld->month != leap_month)
			return E_INVALID;
		if (ld->leap || off >= leap_off)
			off++;
	} else if (ld->leap) {
		return E_INVALID;
	}

	start = new_moon_day(k + off, tz);
	next = new_moon_day(k + off + 1, tz);
	if (start + ld->day - 1 >= next)
		return E_INVALID;	/* day 30 of a 29-day month */
	*day = (int)(start + ld->day - 1 - JDN_1970);
	k = calendar_year_of(*day);
	if (k < CALENDAR_FIRST_YEAR || k > CALENDAR_LAST_YEAR)
		return E_INVALID;
	return 0;
}

int lunar_date_from_day(struct lunar_date *ld, int day)
{
	return lunar_from_day_tz(ld, day, LUNAR_TZ_VIETNAM);
}

int lunar_date_to_day(const struct lunar_date *ld, int *day)
{
	return lunar_to_day_tz(ld, LUNAR_TZ_VIETNAM, day);
}

int lunar_year_leap_month(int year)
{
	struct lunar_date ld = { 1, 1, year, true };
	int day;

	for (ld.month = 1; ld.month <= 12; ld.month++)
		if (!lunar_date_to_day(&ld, &day))
			return ld.month;
	return 0;
}
