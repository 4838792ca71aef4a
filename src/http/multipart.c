/*
 * multipart/form-data (RFC 7578): the bodies of forms that upload files.
 * The body is already buffered in req->body; parts point into it, so
 * nothing is copied but the names.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xmalloc.h"
#include "http/http.h"
#include "http/internal.h"

#define MAX_PARTS 64

struct multipart {
	struct http_part *parts;
	size_t n;
	int ret;
	struct err err;
};

void http_parts_free(struct http_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(parts[i].name);
		free(parts[i].filename);
		free(parts[i].content_type);
	}
	free(parts);
}

/*
 * The value of parameter `key` in a header value such as
 * `form-data; name="file"; filename="a.pdf"`, unquoted; NULL if absent.
 */
static char *header_param(const char *v, size_t len, const char *key)
{
	const char *p = v, *end = v + len;
	size_t klen = strlen(key);

	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));

		if (!semi)
			return NULL;
		p = semi + 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) > klen && !strncasecmp(p, key, klen) && p[klen] == '=') {
			const char *s = p + klen + 1, *e;
			struct strbuf sb = STRBUF_INIT;

			if (s < end && *s == '"') {
				s++;
				for (e = s; e < end && *e != '"'; e++) {
					if (*e == '\\' && e + 1 < end)
						e++;
					strbuf_addch(&sb, *e);
				}
			} else {
				for (e = s; e < end && *e != ';' && *e != ' '; e++)
					strbuf_addch(&sb, *e);
			}
			return strbuf_detach(&sb, NULL);
		}
	}
	return NULL;
}

/* Reads the headers of a part (up to the blank line) into p. */
static int part_headers(const char *h, size_t len, struct http_part *p, struct err *e)
{
	const char *end = h + len;

	while (h < end) {
		const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2);
		size_t n = eol ? (size_t)(eol - h) : (size_t)(end - h);
		const char *colon = memchr(h, ':', n);

		if (colon) {
			const char *v = colon + 1;

			while (v < h + n && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(colon - h) == 19 && !strncasecmp(h, "Content-Disposition", 19)) {
				if (strncasecmp(v, "form-data", 9))
					return err_set(e, E_INVALID, NULL,
						       "a part of the form is not form-data");
				free(p->name);
				free(p->filename);
				p->name = header_param(v, (size_t)(h + n - v), "name");
				p->filename = header_param(v, (size_t)(h + n - v), "filename");
			} else if ((size_t)(colon - h) == 12 && !strncasecmp(h, "Content-Type", 12)) {
				free(p->content_type);
				p->content_type = xstrndup(v, (size_t)(h + n - v));
			}
		}
		h += n + 2;
	}
	if (!p->name)
		return err_set(e, E_INVALID, NULL, "a part of the form has no name");
	if (!p->content_type)
		p->content_type = xstrdup("");
	return 0;
}

int http_multipart_parse(const char *content_type, const char *body, size_t len,
			 struct http_part **parts, size_t *n, struct err *e)
{
	struct strbuf delim = STRBUF_INIT;
	const char *p, *end = body + len;
	char *boundary = NULL;
	size_t cap = 0;
	int ret = 0;

	*parts = NULL;
	*n = 0;
	if (!content_type || strncasecmp(content_type, "multipart/form-data", 19))
		return err_set(e, E_INVALID, NULL,
			       "the form must be sent as multipart/form-data");
	boundary = header_param(content_type, strlen(content_type), "boundary");
	if (!boundary || !*boundary || strlen(boundary) > 70) {
		ret = err_set(e, E_INVALID, NULL, "the form's multipart boundary is missing");
		goto out;
	}
	strbuf_addf(&delim, "--%s", boundary);
	/* The first delimiter may open the body or follow a preamble line. */
	if (len >= delim.len && !memcmp(body, delim.buf, delim.len)) {
		p = body + delim.len;
	} else {
		struct strbuf first = STRBUF_INIT;
		const char *at;

		strbuf_addf(&first, "\r\n%s", delim.buf);
		at = memmem(body, len, first.buf, first.len);
		p = at ? at + first.len : NULL;
		strbuf_release(&first);
		if (!p) {
			ret = err_set(e, E_INVALID, NULL, "the form's body has no parts");
			goto out;
		}
	}
	{
		struct strbuf d2 = STRBUF_INIT;

		strbuf_addf(&d2, "\r\n%s", delim.buf);
		strbuf_release(&delim);
		delim = d2;
	}
	for (;;) {
		struct http_part part = { 0 };
		const char *hend, *next;

		if (end - p >= 2 && !memcmp(p, "--", 2))
			break;	/* the closing delimiter */
		if (end - p < 2 || memcmp(p, "\r\n", 2)) {
			ret = err_set(e, E_INVALID, NULL, "the form's body is malformed");
			goto out;
		}
		p += 2;
		hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend) {
			ret = err_set(e, E_INVALID, NULL, "the form's body was cut short");
			goto out;
		}
		next = memmem(hend + 4, (size_t)(end - hend - 4), delim.buf, delim.len);
		if (!next) {
			ret = err_set(e, E_INVALID, NULL, "the form's body was cut short");
			goto out;
		}
		if (*n >= MAX_PARTS) {
			ret = err_set(e, E_INVALID, NULL, "the form has more than %d parts",
				      MAX_PARTS);
			goto out;
		}
		ret = part_headers(p, (size_t)(hend + 2 - p), &part, e);
		if (ret) {
			free(part.name);
			free(part.filename);
			free(part.content_type);
			goto out;
		}
		part.data = hend + 4;
		part.len = (size_t)(next - part.data);
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*parts = xrealloc(*parts, cap * sizeof(**parts));
		}
		(*parts)[(*n)++] = part;
		p = next + delim.len;
	}
out:
	if (ret) {
		http_parts_free(*parts, *n);
		*parts = NULL;
		*n = 0;
	}
	free(boundary);
	strbuf_release(&delim);
	return ret;
}

static struct multipart *parsed(struct request *req)
{
	struct multipart *m = req->multipart;

	if (!m) {
		m = xcalloc(1, sizeof(*m));
		m->ret = http_multipart_parse(req_header(req, "Content-Type"), req->body.buf,
					      req->body.len, &m->parts, &m->n, &m->err);
		req->multipart = m;
	}
	return m;
}

int req_multipart(struct request *req, const struct http_part **parts, size_t *n)
{
	struct multipart *m = parsed(req);

	*parts = m->parts;
	*n = m->n;
	if (m->ret)
		req->err = m->err;
	return m->ret;
}

void multipart_release(struct request *req)
{
	struct multipart *m = req->multipart;

	if (m) {
		http_parts_free(m->parts, m->n);
		free(m);
		req->multipart = NULL;
	}
}

bool is_multipart(struct request *req)
{
	const char *ct = req_header(req, "Content-Type");

	return ct && !strncasecmp(ct, "multipart/form-data", 19);
}

/* The plain fields of a multipart body as "name\0value\0" pairs (for req_form). */
void multipart_form(struct request *req, struct strbuf *form)
{
	struct multipart *m = parsed(req);

	for (size_t i = 0; i < m->n; i++) {
		if (m->parts[i].filename)
			continue;
		strbuf_addstr(form, m->parts[i].name);
		strbuf_addch(form, '\0');
		for (size_t k = 0; k < m->parts[i].len; k++)
			if (m->parts[i].data[k])
				strbuf_addch(form, m->parts[i].data[k]);
		strbuf_addch(form, '\0');
	}
}
