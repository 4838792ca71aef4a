/*
 * The application: the one static route table gathered from every feature,
 * the site navigation and the hooks the HTTP server calls.
 */
#ifndef CCHC_APP_H
#define CCHC_APP_H

#include <stddef.h>

struct route;
struct http_hooks;

/* The whole route table; the access-matrix test walks it too. */
const struct route *app_routes(size_t *n);
/* Sets the site layout and fills the server hooks; call once before serving. */
void app_init(struct http_hooks *hooks);

#endif
