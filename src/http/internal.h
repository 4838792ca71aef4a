/* Private to src/http/: how the server hands a request to the router. */
#ifndef CCHC_HTTP_INTERNAL_H
#define CCHC_HTTP_INTERNAL_H

#include "http/http.h"

/* Finds the route, checks access, runs the handler, renders errors. */
void router_dispatch(const struct http_config *cfg, struct request *req,
		     struct response *res);

#endif
