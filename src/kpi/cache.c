/*
 * A short-lived cache of computed figures.  A dashboard sums thousands
 * of counter rows and is read far more often than it changes meaning,
 * so each result is kept for kpi_cache_seconds (a setting, default 10;
 * 0 turns the cache off): figures are at most that old.  The key names
 * everything the result depends on (what, scope, period, the viewer's
 * reach, the language).  Results are shared JSON, never changed once
 * stored (jansson's reference counts are atomic).
 *
 * When a result expires, one request computes it again while the others
 * are still answered with the old one (for at most another ttl), so a
 * busy dashboard is never computed by every waiting request at once.
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
	int64_t refreshing;	/* since when one request computes it again; 0: none */
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
	int64_t now = clock_now();

	if (!ttl)
		return NULL;
	pthread_mutex_lock(&lock);
	if (slots[i].key && !strcmp(slots[i].key, key)) {
		if (slots[i].expires > now) {
			v = json_incref(slots[i].value);
		} else if (slots[i].expires + ttl > now &&
			   slots[i].refreshing && slots[i].refreshing + ttl > now) {
			/* Someone computes it again: the old figures meanwhile. */
			v = json_incref(slots[i].value);
		} else {
			slots[i].refreshing = now;	/* this caller computes */
		}
	}
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
	slots[i].refreshing = 0;
	pthread_mutex_unlock(&lock);
	free(oldkey);
	json_decref(old);
}
