#include "base/json.h"

#include <stdio.h>

#include "base/strbuf.h"

void json_write_str(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '"');
	for (; *p; p++) {
		const unsigned char *run = p;

		/* Copy the run of characters that need no escape in one go. */
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		strbuf_add(out, run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default:
			if (*p < 0x20)
				strbuf_addf(out, "\\u%04x", *p);
			else
				strbuf_addch(out, *p);
		}
	}
	strbuf_addch(out, '"');
}

void json_write_key(struct strbuf *out, const char *key)
{
	strbuf_addch(out, '"');
	strbuf_addstr(out, key);
	strbuf_addstr(out, "\":");
}
