#ifndef CCHC_HTTP_STATIC_H
#define CCHC_HTTP_STATIC_H

struct request;
struct response;

/* Route handler for GET /static/{name}: an embedded file under static/. */
int http_static(struct request *req, struct response *res);

#endif
