/*
 * strbuf: a growable, always NUL-terminated byte buffer (after git's strbuf).
 *
 * A strbuf initialised with STRBUF_INIT is valid and empty: buf is never
 * NULL, so it can be printed or released without checks.  Allocation
 * failure aborts (see xmalloc.h), so no function here reports it.
 */
#ifndef CCHC_BASE_STRBUF_H
#define CCHC_BASE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the memory and leaves sb empty and reusable. */
void strbuf_release(struct strbuf *sb);
/* Empties sb but keeps its memory. */
void strbuf_reset(struct strbuf *sb);
/* Hands the buffer over to the caller (who frees it); sb is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Appends fmt with its first "%s" replaced by a1 and its second by a2 (NULL
 * writes nothing): for translated templates, which must not be printf
 * formats the compiler cannot check.
 */
void strbuf_addsub(struct strbuf *sb, const char *fmt, const char *a1, const char *a2);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
