/*
 * The one source of time.  Production reads the system clock; tests (and
 * `cchc demo`) set it, so nothing depends on the wall clock.
 *
 * Times are UTC epoch seconds; the province's local time is UTC+7
 * (CCHC_TZ_OFFSET), which has no daylight saving.
 */
#ifndef CCHC_BASE_CLOCK_H
#define CCHC_BASE_CLOCK_H

#include <stdint.h>

#define CCHC_TZ_OFFSET (7 * 3600)

/* Seconds since the epoch, UTC: the set time if one is set, else the system's. */
int64_t clock_now(void);
/* Microseconds from a monotonic clock, for measuring durations. */
int64_t clock_mono_us(void);
/* Fixes the time returned by clock_now(); 0 returns to the system clock. */
void clock_set(int64_t epoch);

#endif
