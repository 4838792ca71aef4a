#include "http/ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "base/clock.h"

#define SLOTS 4096

/* A fixed window of one minute per slot. */
static struct slot {
	uint64_t key;
	int64_t window;
	int count;
} slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash(const char *scope, const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = scope; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ '|') * 1099511628211ULL;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

bool ratelimit_take(const char *scope, const char *key, int per_minute, int *retry_after)
{
	uint64_t h = hash(scope, key ? key : "");
	int64_t now = clock_now(), window = now / 60;
	struct slot *s = &slots[h % SLOTS];
	bool ok;

	if (per_minute <= 0)
		return true;
	pthread_mutex_lock(&lock);
	if (s->key != h || s->window != window) {
		s->key = h;
		s->window = window;
		s->count = 0;
	}
	ok = s->count < per_minute;
	if (ok)
		s->count++;
	else if (retry_after)
		*retry_after = (int)((window + 1) * 60 - now);
	pthread_mutex_unlock(&lock);
	return ok;
}
