/* cchc routes: the route table with its access rules, for people and tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "base/strbuf.h"
#include "cmd/cmd.h"
#include "http/http.h"
#include "org/org.h"

static const char usage[] =
	"usage: cchc routes [--json]\n"
	"\n"
	"Lists every HTTP route: method, path pattern, kind (html or json) and\n"
	"the roles allowed (\"public\" for anyone).\n";

int cmd_routes(int argc, char **argv)
{
	const struct route *r;
	bool as_json = false;
	json_t *list;
	size_t n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--json")) {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[i], usage);
			return 2;
		}
		as_json = true;
	}
	r = app_routes(&n);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		struct strbuf roles = STRBUF_INIT;

		if (r[i].roles & ROLE_PUBLIC)
			strbuf_addstr(&roles, "public");
		else
			roles_format(r[i].roles, &roles);
		if (as_json)
			json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s}",
				"method", r[i].method, "pattern", r[i].pattern,
				"kind", ROUTE_IS_JSON(&r[i]) ? "json" : "html",
				"roles", roles.buf, "summary", r[i].summary ? r[i].summary : ""));
		else
			printf("%-7s %-45s %-5s %s\n", r[i].method, r[i].pattern,
			       ROUTE_IS_JSON(&r[i]) ? "json" : "html", roles.buf);
		strbuf_release(&roles);
	}
	if (as_json) {
		char *s = json_dumps(list, JSON_INDENT(1));

		puts(s);
		free(s);
	}
	json_decref(list);
	return 0;
}
