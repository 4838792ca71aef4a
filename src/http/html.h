/*
 * The HTML layer.  Pages are written with these calls so that escaping
 * cannot be forgotten (after cgit's html_txt/html_attr): html() is for
 * literal markup written in the source, everything else goes through an
 * escaping call.  All five characters & < > " ' are escaped everywhere.
 */
#ifndef CCHC_HTTP_HTML_H
#define CCHC_HTTP_HTML_H

#include "base/strbuf.h"

struct request;
struct response;

/* Literal markup from the source code; never pass data here. */
void html(struct strbuf *out, const char *markup);
/* Text or attribute value, escaped. NULL writes nothing. */
void html_txt(struct strbuf *out, const char *text);
void html_attr(struct strbuf *out, const char *value);
/* <input type="hidden" name="…" value="…"> and a newline; NULL value: empty. */
void html_hidden(struct strbuf *out, const char *name, const char *value);
/* Formats, then escapes the result. */
void html_txtf(struct strbuf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A translated template with its "%s" filled (strbuf_addsub), escaped. */
void html_txt_sub(struct strbuf *out, const char *fmt, const char *a1, const char *a2);
/* A value percent-encoded for a URL query or path segment. */
void html_url_arg(struct strbuf *out, const char *value);
/*
 * Appends base?p1=v1&… (not escaped for HTML: pass it to html_attr) with the
 * request's query parameters of `params` (NULL-terminated) that are not
 * empty, the one called `name` set to value instead (NULL: left out), and
 * page=N when page > 1: the links of a filtered, paged list.
 */
void html_query_url(struct strbuf *url, struct request *req, const char *base,
		    const char *const *params, const char *name, const char *value,
		    int page);
/* The versioned URL of an embedded static file, e.g. /static/cchc.css?v=… */
void html_static_url(struct strbuf *out, const char *name);

/* A link of the site's navigation; label is an English msgid. */
struct nav_item {
	const char *href;
	const char *label;
	unsigned roles;		/* 0: shown to everyone; else to users with one of these roles */
};

/*
 * Site-wide layout set once at start-up by the application: the site name
 * (msgid) and the navigation.  roles_of returns the role mask of the signed-in
 * user of a request (0 if nobody); account writes the header's account
 * corner (who is signed in, sign-in or sign-out).  Either may be NULL.
 */
void html_set_site(const char *name, const struct nav_item *nav,
		   unsigned (*roles_of)(const struct request *req),
		   void (*account)(struct request *req, struct response *res));

/*
 * Starts a page: doctype, head with title, header with navigation and the
 * language switch, and opens <main>.  title is already translated.
 */
void page_begin(struct request *req, struct response *res, const char *title);
/* Closes <main> and the document. */
void page_end(struct request *req, struct response *res);

#endif
