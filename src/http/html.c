#include "http/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/embed.h"
#include "base/i18n.h"
#include "http/http.h"

static const char *site_name = "cchc";
static const struct nav_item *site_nav;
static unsigned (*site_roles_of)(const struct request *req);
static void (*site_account)(struct request *req, struct response *res);

void html(struct strbuf *out, const char *markup)
{
	strbuf_addstr(out, markup);
}

void html_txt(struct strbuf *out, const char *s)
{
	const char *run;

	if (!s)
		return;
	for (run = s; *s; s++) {
		const char *rep;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		strbuf_add(out, run, (size_t)(s - run));
		strbuf_addstr(out, rep);
		run = s + 1;
	}
	strbuf_add(out, run, (size_t)(s - run));
}

void html_attr(struct strbuf *out, const char *value)
{
	html_txt(out, value);
}

void html_hidden(struct strbuf *out, const char *name, const char *value)
{
	html(out, "<input type=\"hidden\" name=\"");
	html_attr(out, name);
	html(out, "\" value=\"");
	html_attr(out, value);
	html(out, "\">\n");
}

void html_txtf(struct strbuf *out, const char *fmt, ...)
{
	struct strbuf tmp = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&tmp, fmt, ap);
	va_end(ap);
	html_txt(out, tmp.buf);
	strbuf_release(&tmp);
}

void html_txt_sub(struct strbuf *out, const char *fmt, const char *a1, const char *a2)
{
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addsub(&tmp, fmt, a1, a2);
	html_txt(out, tmp.buf);
	strbuf_release(&tmp);
}

void html_query_url(struct strbuf *url, struct request *req, const char *base,
		    const char *const *params, const char *name, const char *value,
		    int page)
{
	char sep = '?';

	strbuf_addstr(url, base);
	for (int i = 0; params[i]; i++) {
		const char *v = strcmp(params[i], name) ? req_query(req, params[i]) : value;

		if (!v || !*v)
			continue;
		strbuf_addch(url, sep);
		strbuf_addstr(url, params[i]);
		strbuf_addch(url, '=');
		html_url_arg(url, v);
		sep = '&';
	}
	if (page > 1)
		strbuf_addf(url, "%cpage=%d", sep, page);
}

void html_url_arg(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c)) {
			strbuf_addch(out, c);
		} else {
			strbuf_addch(out, '%');
			strbuf_addch(out, hex[c >> 4]);
			strbuf_addch(out, hex[c & 15]);
		}
	}
}

void html_static_url(struct strbuf *out, const char *name)
{
	char path[256];
	const struct embed_file *f;

	snprintf(path, sizeof(path), "static/%s", name);
	f = embed_find(path);
	html(out, "/static/");
	html_url_arg(out, name);
	if (f) {
		html(out, "?v=");
		html_txt(out, f->hash);
	}
}

void html_set_site(const char *name, const struct nav_item *nav,
		   unsigned (*roles_of)(const struct request *req),
		   void (*account)(struct request *req, struct response *res))
{
	site_name = name;
	site_nav = nav;
	site_roles_of = roles_of;
	site_account = account;
}

void page_begin(struct request *req, struct response *res, const char *title)
{
	struct strbuf *out = &res->body;
	unsigned roles = site_roles_of ? site_roles_of(req) : 0;
	bool en = !strcmp(req->lang, LANG_EN);

	html(out, "<!doctype html>\n<html lang=\"");
	html_attr(out, req->lang);
	html(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_txt(out, title);
	html(out, " — ");
	html_txt(out, _(site_name));
	html(out, "</title>\n<link rel=\"stylesheet\" href=\"");
	html_static_url(out, "cchc.css");
	html(out, "\">\n<link rel=\"icon\" href=\"");
	html_static_url(out, "favicon.svg");
	html(out, "\" type=\"image/svg+xml\">\n<script src=\"");
	html_static_url(out, "cchc.js");
	html(out, "\" defer></script>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	html_txt(out, _("Skip to content"));
	html(out, "</a>\n<header class=\"site\">\n<a class=\"brand\" href=\"/\">");
	html_txt(out, _(site_name));
	html(out, "</a>\n<nav aria-label=\"");
	html_attr(out, _("Main menu"));
	html(out, "\"><ul>\n");
	for (const struct nav_item *n = site_nav; n && n->href; n++) {
		if (n->roles && !(n->roles & roles))
			continue;
		html(out, "<li><a href=\"");
		html_attr(out, n->href);
		html(out, "\">");
		html_txt(out, _(n->label));
		html(out, "</a></li>\n");
	}
	html(out, "</ul></nav>\n");
	if (site_account)
		site_account(req, res);
	html(out, "<a class=\"lang\" href=\"?lang=");
	html(out, en ? "vi\" hreflang=\"vi\" lang=\"vi\">Tiếng Việt" :
	     "en\" hreflang=\"en\" lang=\"en\">English");
	html(out, "</a>\n</header>\n<main id=\"main\">\n");
}

void page_end(struct request *req, struct response *res)
{
	html(&res->body, "</main>\n<footer class=\"site\"><p>");
	html_txt(&res->body, _("Provincial administrative reform system — one-stop shop, reform plan, evaluation."));
	html(&res->body, "</p></footer>\n</body>\n</html>\n");
}
