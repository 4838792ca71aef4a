/*
 * http: the server, its requests and responses, and the route table.
 *
 * This folder is the only code that includes <microhttpd.h>.  A feature
 * exports an array of struct route (its api.c and pages.c); src/app.c
 * gathers them into the one static table the router matches.
 *
 * A handler fills res and returns 0, or returns an E_* code with req->err
 * filled (err_set(&req->err, …)); the router then answers with the one error
 * shape of DESIGN.md — JSON under /api/, an HTML page elsewhere.
 */
#ifndef CCHC_HTTP_HTTP_H
#define CCHC_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "base/strbuf.h"

struct db;
struct user;
struct citizen;
struct embed_file;

#define REQ_MAX_ARGS 8
#define RES_MAX_HEADERS 16

struct request {
	const char *method;	/* "GET", "POST", … (HEAD is routed as GET) */
	const char *url;	/* the path, as sent (percent-decoded by MHD) */
	const char *args[REQ_MAX_ARGS];	/* {parameters} of the matched pattern */
	int nargs;
	struct strbuf body;	/* the request body, up to the limit */
	json_t *json;		/* parsed body, see req_json() */
	struct strbuf form;	/* decoded form fields, see req_form() */
	bool form_parsed;
	const char *lang;	/* LANG_VI or LANG_EN, chosen per request */
	bool lang_from_query;	/* ?lang= was given: the router remembers it */
	char remote[64];	/* client address, text */
	struct db *db;		/* this thread's connection */
	struct user *user;	/* signed-in user, or NULL (set by the auth hook) */
	void *session;		/* the auth hook's own data */
	const struct route *route;
	struct err err;		/* what went wrong, for the error response */
	int64_t start_us;
	void *conn;		/* struct MHD_Connection, private to http/ */
	bool head;		/* a HEAD request: send headers only */
	bool too_large;
	size_t body_limit;	/* the limit that applied: the route's, see ROUTE_UPLOAD */
	void *multipart;	/* parsed parts, see req_multipart() */
	struct citizen *citizen;	/* signed-in citizen (portal), or NULL */
	bool csrf_verified;	/* the auth hook checked the CSRF token of a session */
	int status;		/* the status sent, for the access log */
};

struct response {
	int status;		/* 200 unless set */
	struct strbuf body;
	const char *content_type;	/* static string; default by route kind */
	char *headers[RES_MAX_HEADERS][2];	/* name, value (owned) */
	int nheaders;
	const struct embed_file *file;	/* a static file to send instead of body */
};

typedef int (*route_fn)(struct request *req, struct response *res);

/*
 * Route kinds: decide the error format and the default content type.
 * ROUTE_UPLOAD may be or-ed in: the route takes file uploads and accepts
 * bodies up to http_config.upload_limit instead of body_limit.
 * ROUTE_SLOW may be or-ed into a reading route that takes long (a PDF, a
 * spreadsheet): it runs on the server's pool, like the changing routes,
 * so it does not hold up the other connections of a network thread.
 */
enum { ROUTE_HTML = 0, ROUTE_JSON = 1, ROUTE_UPLOAD = 0x10, ROUTE_SLOW = 0x20 };
#define ROUTE_IS_JSON(r) (((r)->kind & ROUTE_JSON) != 0)

struct route {
	const char *method;	/* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern;	/* "/api/v1/procedures/{code}": {x} matches one segment */
	route_fn handler;
	int kind;		/* ROUTE_HTML or ROUTE_JSON, with ROUTE_UPLOAD or ROUTE_SLOW */
	unsigned roles;		/* access: 0 for public, else a mask of roles (see org) */
	const char *summary;	/* one line, for docs and the access matrix */
};

/*
 * Hooks the application gives the server: authenticate fills req->user from
 * the cookie or token (returns 0 also when nobody is signed in, an E_* code
 * to refuse); authorize decides whether req->user may use req->route
 * (0, E_UNAUTH or E_DENIED).  Either may be NULL (all public).
 */
struct http_hooks {
	int (*authenticate)(struct request *req, struct response *res);
	int (*authorize)(struct request *req);
	/* Renders an HTML error page body for req->err (status already set). */
	void (*error_page)(struct request *req, struct response *res);
	/* Renders the HTML 404 page. */
	void (*not_found_page)(struct request *req, struct response *res);
	/* Frees what authenticate put in req->user and req->session. */
	void (*release)(struct request *req);
};

struct http_config {
	const char *listen;	/* "127.0.0.1:8080" */
	const char *db_url;	/* every thread opens its own connection */
	unsigned threads;	/* network threads: reading requests run here */
	unsigned pool_threads;	/* the pool: changes and slow reads */
	size_t body_limit;
	size_t upload_limit;	/* for ROUTE_UPLOAD routes; 0: body_limit */
	unsigned connection_timeout;
	unsigned shutdown_grace;
	const char *default_lang;
	bool access_log;
	bool tls;
	const struct route *routes;
	size_t nroutes;
	struct http_hooks hooks;
};

/*
 * Serves until SIGINT or SIGTERM, then stops accepting, finishes the
 * requests in flight (up to shutdown_grace seconds) and returns 0; returns
 * E_INVALID/E_INTERNAL with e filled if it cannot start.  Prints
 * "listening on http://ADDR:PORT" to standard error once ready.
 */
int http_serve(const struct http_config *cfg, struct err *e);

/* The matched {parameter} i, "" if absent. */
const char *req_arg(const struct request *req, int i);
/* The query parameter of that name (decoded), or NULL. */
const char *req_query(const struct request *req, const char *name);
/* The request header of that name, or NULL. */
const char *req_header(const struct request *req, const char *name);
/* The cookie of that name, or NULL. */
const char *req_cookie(const struct request *req, const char *name);
/* A field of an application/x-www-form-urlencoded body, or NULL. */
const char *req_form(struct request *req, const char *name);
/*
 * One part of a multipart/form-data body.  data points into req->body (not
 * NUL-terminated); filename is NULL for a plain field.
 */
struct http_part {
	char *name;
	char *filename;
	char *content_type;	/* as declared by the client; "" if none */
	const char *data;
	size_t len;
};

/*
 * Parses a multipart/form-data body of that Content-Type.  Fills *parts
 * (caller frees with http_parts_free) and *n.  E_INVALID with e filled when
 * the type is not multipart, the boundary is missing or the body is cut.
 */
int http_multipart_parse(const char *content_type, const char *body, size_t len,
			 struct http_part **parts, size_t *n, struct err *e);
void http_parts_free(struct http_part *parts, size_t n);
/*
 * The parts of the request's multipart body, parsed once (owned by req).
 * req_form() also finds the plain fields of a multipart body.
 */
int req_multipart(struct request *req, const struct http_part **parts, size_t *n);

/* Whether the request came over TLS (from the config). */
bool req_tls(const struct request *req);
/*
 * Parses the body as a JSON object.  Returns 0 with *out borrowed (owned by
 * req), or E_INVALID with req->err naming the position of the mistake.
 */
int req_json(struct request *req, json_t **out);

/* Adds a response header (copied). */
void res_header(struct response *res, const char *name, const char *value);
/* Sets a cookie: HttpOnly, SameSite=Lax, Path=/, Secure over TLS; max_age < 0 = session. */
void res_cookie(struct request *req, struct response *res, const char *name,
		const char *value, long max_age);
/* Writes json (taking the reference) as the body with status. */
void res_json(struct response *res, int status, json_t *json);
/* Redirects with 303 See Other. */
void res_redirect(struct response *res, const char *location);

/* The HTTP status for an E_* code. */
int http_status_for(int code);
/* Matches url against pattern, filling args; exposed for tests. */
bool route_match(const char *pattern, const char *url, const char **args,
		 int *nargs, char *scratch, size_t scratch_len);

#endif
