/*
 * A short-lived cache of computed figures.  A dashboard sums thousands
 * of counter rows and is read far more often than it changes meaning,
 * so each result is kept for kpi_cache_seconds (a setting, default 10;
 * 0 turns the cache off): figures are at most that old.  The key names
 * everything the result depends on (what, scope, period, the viewer's
 * reach, the language).  Results are shared JSON, never changed once
 * stored (jansson's reference counts are atomic).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "kpi/kpi.h"

#define CACHE_SLOTS 128

static struct {
	char *key;
	json_t *value;
	int64_t expires;
} slots[CACHE_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int ttl = 10;

void kpi_set_cache_seconds(int seconds)
{
	ttl = seconds < 0 ? 0 : seconds;
}

static unsigned slot_of(const char *key)
{
	unsigned h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % CACHE_SLOTS;
}

json_t *kpi_cache_get(const char *key)
{
	unsigned i = slot_of(key);
	json_t *v = NULL;

	if (!ttl)
		return NULL;
	pthread_mutex_lock(&lock);
	if (slots[i].key && !strcmp(slots[i].key, key) && slots[i].expires > clock_now())
		v = json_incref(slots[i].value);
	pthread_mutex_unlock(&lock);
	return v;
}

void kpi_cache_put(const char *key, json_t *value)
{
	unsigned i = slot_of(key);
	json_t *old;
	char *oldkey;

	if (!ttl)
		return;
	pthread_mutex_lock(&lock);
	old = slots[i].value;
	oldkey = slots[i].key;
	slots[i].key = xstrdup(key);
	slots[i].value = json_incref(value);
	slots[i].expires = clock_now() + ttl;
	pthread_mutex_unlock(&lock);
	free(oldkey);
	json_decref(old);
}
