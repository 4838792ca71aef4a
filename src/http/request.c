/* Reading requests and writing responses: the part features see. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/xmalloc.h"
#include "http/http.h"
#include "http/internal.h"

const char *req_arg(const struct request *req, int i)
{
	return i >= 0 && i < req->nargs ? req->args[i] : "";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Appends s[0..n) percent-decoded ('+' is a space) and a NUL. */
static void add_decoded(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			strbuf_addch(out, ' ');
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			int c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);

			/* A NUL would cut the field short: keep it out. */
			if (c)
				strbuf_addch(out, c);
			i += 2;
		} else {
			strbuf_addch(out, s[i]);
		}
	}
	strbuf_addch(out, '\0');
}

/* Decodes the body into "name\0value\0" pairs, once. */
static void parse_form(struct request *req)
{
	const char *p = req->body.buf, *end = p + req->body.len;

	req->form_parsed = true;
	if (is_multipart(req)) {
		multipart_form(req, &req->form);
		return;
	}
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fend = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(fend - p));

		if (fend > p) {
			add_decoded(&req->form, p, (size_t)((eq ? eq : fend) - p));
			if (eq)
				add_decoded(&req->form, eq + 1, (size_t)(fend - eq - 1));
			else
				strbuf_addch(&req->form, '\0');
		}
		p = fend + 1;
	}
}

const char *req_form(struct request *req, const char *name)
{
	const char *p, *end;

	if (!req->form_parsed)
		parse_form(req);
	p = req->form.buf;
	end = p + req->form.len;
	while (p < end) {
		const char *value = p + strlen(p) + 1;

		if (value >= end)
			break;
		if (!strcmp(p, name))
			return value;
		p = value + strlen(value) + 1;
	}
	return NULL;
}

int req_json(struct request *req, json_t **out)
{
	json_error_t jerr;

	*out = NULL;
	if (req->json) {
		*out = req->json;
		return 0;
	}
	if (!req->body.len)
		return err_set(&req->err, E_INVALID, NULL,
			       "the request body is empty; a JSON object was expected");
	req->json = json_loadb(req->body.buf, req->body.len,
			       JSON_REJECT_DUPLICATES, &jerr);
	if (!req->json)
		return err_set(&req->err, E_INVALID, NULL,
			       "malformed JSON at line %d, column %d (byte %d): %s",
			       jerr.line, jerr.column, jerr.position, jerr.text);
	if (!json_is_object(req->json)) {
		json_decref(req->json);
		req->json = NULL;
		return err_set(&req->err, E_INVALID, NULL,
			       "the request body must be a JSON object");
	}
	*out = req->json;
	return 0;
}

void res_header(struct response *res, const char *name, const char *value)
{
	if (res->nheaders >= RES_MAX_HEADERS)
		die("too many response headers (adding '%s')", name);
	res->headers[res->nheaders][0] = xstrdup(name);
	res->headers[res->nheaders][1] = xstrdup(value);
	res->nheaders++;
}

void res_cookie(struct request *req, struct response *res, const char *name,
		const char *value, long max_age)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, value);
	if (max_age >= 0)
		strbuf_addf(&sb, "; Max-Age=%ld", max_age);
	if (req_tls(req))
		strbuf_addstr(&sb, "; Secure");
	res_header(res, "Set-Cookie", sb.buf);
	strbuf_release(&sb);
}

void res_json(struct response *res, int status, json_t *json)
{
	char *s = json_dumps(json, JSON_COMPACT);

	res->status = status;
	res->content_type = "application/json; charset=utf-8";
	strbuf_reset(&res->body);
	if (s) {
		strbuf_addstr(&res->body, s);
		free(s);
	}
	strbuf_addch(&res->body, '\n');
	json_decref(json);
}

void res_redirect(struct response *res, const char *location)
{
	res->status = 303;
	res_header(res, "Location", location);
}
