#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/log.h"

int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	snprintf(e->code_name, sizeof(e->code_name), "%s", err_code_name(code));
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_start(ap, fmt);
	/* fmt is an English msgid: the message is given in the thread's language. */
	vsnprintf(e->message, sizeof(e->message), _(fmt), ap);
	va_end(ap);
	return code;
}

int err_name(struct err *e, const char *code_name)
{
	snprintf(e->code_name, sizeof(e->code_name), "%s", code_name);
	return e->code;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

const char *err_code_name(int code)
{
	switch (code) {
	case E_OK: return "ok";
	case E_NOTFOUND: return "not_found";
	case E_INVALID: return "invalid";
	case E_CONFLICT: return "conflict";
	case E_DENIED: return "forbidden";
	case E_UNAUTH: return "unauthorized";
	case E_TOOLARGE: return "too_large";
	case E_RATELIMIT: return "rate_limited";
	default: return "internal";
	}
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERROR, fmt, ap);
	va_end(ap);
	return E_INTERNAL;
}
