/*
 * The router: matches a request against the static route table, chooses the
 * language, runs the application's access hooks and the handler, and turns
 * an E_* code into the one error shape:
 *   {"error": {"code": "...", "message": "...", "field": "..."|null}}
 * under /api/, an HTML page elsewhere.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "http/http.h"
#include "http/internal.h"

int http_status_for(int code)
{
	switch (code) {
	case E_OK: return 200;
	case E_NOTFOUND: return 404;
	case E_INVALID: return 400;
	case E_CONFLICT: return 409;
	case E_DENIED: return 403;
	case E_UNAUTH: return 401;
	case E_TOOLARGE: return 413;
	case E_RATELIMIT: return 429;
	default: return 500;
	}
}

/*
 * Matches one path against a pattern of literal segments and {name}
 * segments.  The matched values are copied, NUL-separated, into scratch.
 */
bool route_match(const char *pattern, const char *url, const char **args,
		 int *nargs, char *scratch, size_t scratch_len)
{
	const char *p = pattern, *u = url;
	size_t used = 0;

	*nargs = 0;
	while (*p && *u) {
		if (*p == '{') {
			const char *pend = strchr(p, '}');
			size_t n = strcspn(u, "/");

			if (!pend || !n || *nargs >= REQ_MAX_ARGS ||
			    used + n + 1 > scratch_len)
				return false;
			memcpy(scratch + used, u, n);
			scratch[used + n] = '\0';
			args[(*nargs)++] = scratch + used;
			used += n + 1;
			p = pend + 1;
			u += n;
			continue;
		}
		if (*p != *u)
			return false;
		p++;
		u++;
	}
	return !*p && !*u;
}

static bool is_api(const char *url)
{
	return !strncmp(url, "/api/", 5) || !strcmp(url, "/api");
}

/* Picks vi or en: ?lang=, then the lang cookie, then Accept-Language. */
static const char *choose_lang(const struct http_config *cfg, struct request *req)
{
	const char *q = req_query(req, "lang");
	const char *c, *al;
	double best_q = -1;
	const char *best = NULL;

	if (q && (!strcmp(q, LANG_VI) || !strcmp(q, LANG_EN))) {
		req->lang_from_query = true;
		return !strcmp(q, LANG_EN) ? LANG_EN : LANG_VI;
	}
	c = req_cookie(req, "lang");
	if (c && (!strcmp(c, LANG_VI) || !strcmp(c, LANG_EN)))
		return !strcmp(c, LANG_EN) ? LANG_EN : LANG_VI;
	al = req_header(req, "Accept-Language");
	while (al && *al) {
		size_t n = strcspn(al, ",");
		const char *semi = memchr(al, ';', n);
		double weight = 1.0;

		while (*al == ' ')
			al++, n--;
		if (semi && sscanf(semi, ";q=%lf", &weight) != 1)
			weight = 1.0;
		if ((n >= 2 && !strncasecmp(al, "vi", 2)) ||
		    (n >= 2 && !strncasecmp(al, "en", 2))) {
			if (weight > best_q) {
				best_q = weight;
				best = !strncasecmp(al, "en", 2) ? LANG_EN : LANG_VI;
			}
		}
		al += n;
		if (*al == ',')
			al++;
	}
	if (best)
		return best;
	return cfg->default_lang && !strcmp(cfg->default_lang, LANG_EN) ?
		LANG_EN : LANG_VI;
}

static void error_json(struct request *req, struct response *res)
{
	json_t *err = json_object();

	json_object_set_new(err, "code", json_string(req->err.code_name[0] ?
			    req->err.code_name : err_code_name(req->err.code)));
	json_object_set_new(err, "message", json_string(req->err.message));
	json_object_set_new(err, "field", req->err.field[0] ?
			    json_string(req->err.field) : json_null());
	res_json(res, res->status, json_pack("{s:o}", "error", err));
}

static void error_html(const struct http_config *cfg, struct request *req,
		       struct response *res)
{
	strbuf_reset(&res->body);
	res->content_type = "text/html; charset=utf-8";
	if (res->status == 404 && cfg->hooks.not_found_page)
		cfg->hooks.not_found_page(req, res);
	else if (cfg->hooks.error_page)
		cfg->hooks.error_page(req, res);
	else
		strbuf_addf(&res->body, "<!doctype html><title>%d</title><p>%d</p>\n",
			    res->status, res->status);
}

/* Turns code (with req->err) into an error response. */
static void respond_error(const struct http_config *cfg, struct request *req,
			  struct response *res, int code, bool json)
{
	if (req->err.code != code || !req->err.message[0]) {
		const char *msg;

		switch (code) {
		case E_NOTFOUND: msg = N_("not found"); break;
		case E_DENIED: msg = N_("you may not do this"); break;
		case E_UNAUTH: msg = N_("please sign in first"); break;
		case E_TOOLARGE: msg = N_("the request body is too large"); break;
		case E_RATELIMIT: msg = N_("too many requests; try again later"); break;
		case E_CONFLICT: msg = N_("this conflicts with the current state"); break;
		case E_INVALID: msg = N_("the request is not valid"); break;
		default: msg = N_("internal error; it has been logged"); break;
		}
		err_set(&req->err, code, NULL, "%s", _(msg));
	}
	if (code == E_INTERNAL || http_status_for(code) == 500) {
		/* Never show internals to the client. */
		err_set(&req->err, E_INTERNAL, NULL, "%s",
			_("internal error; it has been logged"));
	}
	for (int i = 0; i < res->nheaders; i++) {
		free(res->headers[i][0]);
		free(res->headers[i][1]);
	}
	res->nheaders = 0;
	res->file = NULL;
	res->status = http_status_for(code);
	if (code == E_RATELIMIT && req->err.retry_after > 0) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%d", req->err.retry_after);
		res_header(res, "Retry-After", buf);
	}
	strbuf_reset(&res->body);
	if (json)
		error_json(req, res);
	else
		error_html(cfg, req, res);
}

int router_kind(const struct http_config *cfg, const char *method, const char *url)
{
	char scratch[2048];
	const char *args[REQ_MAX_ARGS];
	int nargs;

	if (!url || strlen(url) >= sizeof(scratch))
		return 0;
	if (!strcmp(method, "HEAD"))
		method = "GET";
	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct route *r = &cfg->routes[i];

		if ((r->kind & (ROUTE_UPLOAD | ROUTE_SLOW)) && !strcmp(r->method, method) &&
		    route_match(r->pattern, url, args, &nargs, scratch, sizeof(scratch)))
			return r->kind & (ROUTE_UPLOAD | ROUTE_SLOW);
	}
	return 0;
}

static const struct route *find_route(const struct http_config *cfg,
				      struct request *req, char *scratch,
				      size_t scratch_len, struct strbuf *allow,
				      bool *json)
{
	const char *method = req->head ? "GET" : req->method;

	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct route *r = &cfg->routes[i];
		const char *args[REQ_MAX_ARGS];
		int nargs;

		if (!route_match(r->pattern, req->url, args, &nargs, scratch,
				 scratch_len))
			continue;
		if (!allow->len)
			*json = ROUTE_IS_JSON(r);
		if (!strcmp(r->method, method)) {
			memcpy(req->args, args, sizeof(args));
			req->nargs = nargs;
			return r;
		}
		if (!strstr(allow->buf, r->method)) {
			if (allow->len)
				strbuf_addstr(allow, ", ");
			strbuf_addstr(allow, r->method);
			if (!strcmp(r->method, "GET"))
				strbuf_addstr(allow, ", HEAD");
		}
	}
	return NULL;
}

void router_dispatch(const struct http_config *cfg, struct request *req,
		     struct response *res)
{
	static _Thread_local char scratch[2048];
	struct strbuf allow = STRBUF_INIT;
	bool json = is_api(req->url);
	int ret;

	req->lang = choose_lang(cfg, req);
	i18n_set_lang(req->lang);
	err_clear(&req->err);
	req->head = !strcmp(req->method, "HEAD");
	res->status = 200;
	res->content_type = json ? "application/json; charset=utf-8" :
		"text/html; charset=utf-8";

	if (req->too_large) {
		err_set(&req->err, E_TOOLARGE, NULL,
			"the request body is larger than the limit of %zu bytes",
			req->body_limit ? req->body_limit : cfg->body_limit);
		respond_error(cfg, req, res, E_TOOLARGE, json);
		goto out;
	}
	req->route = find_route(cfg, req, scratch, sizeof(scratch), &allow, &json);
	if (!req->route) {
		if (allow.len) {
			err_set(&req->err, E_INVALID, NULL,
				"method %s is not allowed here; use %s",
				req->method, allow.buf);
			err_name(&req->err, "method_not_allowed");
			respond_error(cfg, req, res, E_INVALID, json);
			res->status = 405;
			res_header(res, "Allow", allow.buf);
		} else {
			err_set(&req->err, E_NOTFOUND, NULL, "there is no page at '%s'",
				req->url);
			respond_error(cfg, req, res, E_NOTFOUND, json);
		}
		goto out;
	}
	json = ROUTE_IS_JSON(req->route);
	res->content_type = json ? "application/json; charset=utf-8" :
		"text/html; charset=utf-8";
	if (!req->db) {
		ret = error("no database connection for %s %s", req->method, req->url);
		respond_error(cfg, req, res, ret, json);
		goto out;
	}
	if (cfg->hooks.authenticate &&
	    (ret = cfg->hooks.authenticate(req, res))) {
		respond_error(cfg, req, res, ret, json);
		goto out;
	}
	if (cfg->hooks.authorize && (ret = cfg->hooks.authorize(req))) {
		respond_error(cfg, req, res, ret, json);
		goto out;
	}
	ret = req->route->handler(req, res);
	if (db_in_transaction(req->db)) {
		error("%s %s left a transaction open; rolled back", req->method,
		      req->route->pattern);
		db_rollback(req->db);
		if (!ret)
			ret = E_INTERNAL;
	}
	if (ret)
		respond_error(cfg, req, res, ret, json);
out:
	if (req->lang_from_query)
		res_cookie(req, res, "lang", req->lang, 365L * 24 * 3600);
	strbuf_release(&allow);
}
