#include "base/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;

static const char *const names[] = { "debug", "info", "warn", "error" };

void log_set_level(enum log_level level)
{
	min_level = level;
}

int log_parse_level(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* Formats a whole line, ending in a newline, into line; returns its length. */
static size_t format_line(char *line, size_t size, enum log_level level, const char *fmt,
			  va_list ap)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, size, "%s.%03ldZ %s ", stamp,
		     ts.tv_nsec / 1000000, names[level]);
	if (n < 0 || (size_t)n >= size)
		n = 0;
	vsnprintf(line + n, size - (size_t)n - 1, fmt, ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	return (size_t)n;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[2048];
	size_t n;

	if (level < min_level)
		return;
	n = format_line(line, sizeof(line), level, fmt, ap);
	/* One write per line keeps lines whole across threads. */
	fwrite(line, 1, n, stderr);
}

/* ---- buffered access log ------------------------------------------------------ */

struct access_buf {
	pthread_mutex_t mutex;		/* taken by its thread and by log_flush */
	char data[16384];
	size_t len;
	time_t oldest;			/* when its first line was added */
	struct access_buf *next;
};

static pthread_mutex_t bufs_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct access_buf *bufs;
static _Thread_local struct access_buf *my_buf;

/* Writes b's lines, whole, in one write; b->mutex held. */
static void buf_write(struct access_buf *b)
{
	if (b->len)
		fwrite(b->data, 1, b->len, stderr);
	b->len = 0;
}

void log_access(const char *fmt, ...)
{
	char line[2048];
	struct access_buf *b = my_buf;
	va_list ap;
	size_t n;
	time_t now;

	if (LOG_INFO < min_level)
		return;
	if (!b) {
		/* Registered for log_flush; lives as long as the process. */
		b = calloc(1, sizeof(*b));
		if (!b)
			return;
		pthread_mutex_init(&b->mutex, NULL);
		pthread_mutex_lock(&bufs_mutex);
		b->next = bufs;
		bufs = b;
		pthread_mutex_unlock(&bufs_mutex);
		my_buf = b;
	}
	va_start(ap, fmt);
	n = format_line(line, sizeof(line), LOG_INFO, fmt, ap);
	va_end(ap);
	now = time(NULL);
	pthread_mutex_lock(&b->mutex);
	if (b->len + n > sizeof(b->data) || (b->len && now - b->oldest >= 1))
		buf_write(b);
	if (!b->len)
		b->oldest = now;
	memcpy(b->data + b->len, line, n);
	b->len += n;
	pthread_mutex_unlock(&b->mutex);
}

void log_flush(void)
{
	pthread_mutex_lock(&bufs_mutex);
	for (struct access_buf *b = bufs; b; b = b->next) {
		pthread_mutex_lock(&b->mutex);
		buf_write(b);
		pthread_mutex_unlock(&b->mutex);
	}
	pthread_mutex_unlock(&bufs_mutex);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
