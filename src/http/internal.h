/* Private to src/http/: how the server hands a request to the router. */
#ifndef CCHC_HTTP_INTERNAL_H
#define CCHC_HTTP_INTERNAL_H

#include "http/http.h"

/* Finds the route, checks access, runs the handler, renders errors. */
void router_dispatch(const struct http_config *cfg, struct request *req,
		     struct response *res);

/*
 * The ROUTE_UPLOAD and ROUTE_SLOW bits of the route that will take this
 * request (0 if it has neither, or there is none).
 */
int router_kind(const struct http_config *cfg, const char *method, const char *url);

/* multipart.c: the request's parsed parts and their plain fields. */
bool is_multipart(struct request *req);
void multipart_form(struct request *req, struct strbuf *form);
void multipart_release(struct request *req);

#endif
