/* The RFC 4180 writer of csv.h. */
#include "export/csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"

void csv_bom(struct csv *c)
{
	strbuf_addstr(c->out, "\xEF\xBB\xBF");
}

static void separator(struct csv *c)
{
	if (c->in_record)
		strbuf_addch(c->out, ',');
	c->in_record = true;
}

void csv_field(struct csv *c, const char *value)
{
	const char *s = value ? value : "";
	bool formula = c->neutralise && *s && strchr("=+-@\t\r", *s);
	bool quote = formula || strpbrk(s, ",\"\r\n");

	separator(c);
	if (!quote) {
		strbuf_addstr(c->out, s);
		return;
	}
	strbuf_addch(c->out, '"');
	if (formula)
		strbuf_addch(c->out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(c->out, '"');
		strbuf_addch(c->out, *s);
	}
	strbuf_addch(c->out, '"');
}

void csv_int(struct csv *c, int64_t value)
{
	separator(c);
	strbuf_addf(c->out, "%" PRId64, value);
}

void csv_num(struct csv *c, double value)
{
	separator(c);
	strbuf_addf(c->out, "%.15g", value);
}

void csv_end(struct csv *c)
{
	strbuf_addstr(c->out, "\r\n");
	c->in_record = false;
}

void csv_record(struct csv *c, const char *const *values, int n)
{
	for (int i = 0; i < n; i++)
		csv_field(c, values[i]);
	csv_end(c);
}
