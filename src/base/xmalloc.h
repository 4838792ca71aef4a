/*
 * Allocation that never returns NULL: on failure the process aborts, as in
 * git, redis and h2o, so call sites never check.  die() is for start-up and
 * impossible states only; domain code returns errors (see err.h).
 */
#ifndef CCHC_BASE_XMALLOC_H
#define CCHC_BASE_XMALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Duplicates s, or returns NULL for NULL. */
char *xstrdup_or_null(const char *s);

_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
