/*
 * Logging to standard error, one line per message, with a UTC timestamp.
 * Safe to call from any thread.
 */
#ifndef CCHC_BASE_LOG_H
#define CCHC_BASE_LOG_H

#include <stdarg.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
/* Parses "debug", "info", "warn", "error"; returns -1 if unknown. */
int log_parse_level(const char *s);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * An access-log line (info level), buffered per thread: written when the
 * thread's buffer is full or holds a line older than a second, or by
 * log_flush().  Saves a write() per request on a busy server.
 */
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes what every thread's access-log buffer holds. */
void log_flush(void);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
