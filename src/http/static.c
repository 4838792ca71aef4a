/*
 * Static files (CSS, icons, a little JS) served from the binary.  A request
 * with ?v= equal to the file's hash (as html_static_url writes it) may be
 * cached for a year; otherwise for an hour, revalidated with the ETag.
 */
#include <stdio.h>
#include <string.h>

#include "base/embed.h"
#include "http/http.h"
#include "http/static.h"

static const char *mime_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".ttf", "font/ttf" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

int http_static(struct request *req, struct response *res)
{
	char path[256], etag[32];
	const struct embed_file *f;
	const char *v = req_query(req, "v"), *inm;

	if (strstr(req_arg(req, 0), "..") ||
	    snprintf(path, sizeof(path), "static/%s", req_arg(req, 0)) >= (int)sizeof(path) ||
	    !(f = embed_find(path)))
		return err_set(&req->err, E_NOTFOUND, NULL, "no such file '%s'",
			       req_arg(req, 0));
	snprintf(etag, sizeof(etag), "\"%s\"", f->hash);
	res_header(res, "ETag", etag);
	if (v && !strcmp(v, f->hash))
		res_header(res, "Cache-Control", "public, max-age=31536000, immutable");
	else
		res_header(res, "Cache-Control", "public, max-age=3600");
	res->content_type = mime_type(path);
	inm = req_header(req, "If-None-Match");
	if (inm && !strcmp(inm, etag)) {
		res->status = 304;
		return 0;
	}
	res->file = f;
	return 0;
}
