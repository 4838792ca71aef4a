/*
 * A per-process rate limiter for public lookups: at most `per_minute`
 * takes for one key (an address) in any minute, counted in a fixed table
 * (a key that collides with another shares its count: never fewer than
 * allowed is refused to a real client).  Thread-safe.
 */
#ifndef CCHC_HTTP_RATELIMIT_H
#define CCHC_HTTP_RATELIMIT_H

#include <stdbool.h>

/* Whether key may go ahead; if not, *retry_after gets seconds to wait. 0 = no limit. */
bool ratelimit_take(const char *scope, const char *key, int per_minute, int *retry_after);

#endif
