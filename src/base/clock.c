#include "base/clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t fixed_now;

int64_t clock_now(void)
{
	int64_t f = atomic_load(&fixed_now);

	return f ? f : (int64_t)time(NULL);
}

int64_t clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_set(int64_t epoch)
{
	atomic_store(&fixed_now, epoch);
}
