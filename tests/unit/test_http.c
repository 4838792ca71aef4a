/* http/: route matching, escaping, status mapping. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/strbuf.h"
#include "http/html.h"
#include "http/http.h"

Test(route, matches_literals_and_parameters)
{
	const char *args[REQ_MAX_ARGS];
	char scratch[256];
	int n;

	cr_assert(route_match("/healthz", "/healthz", args, &n, scratch, sizeof(scratch)));
	cr_assert_eq(n, 0);
	cr_assert_not(route_match("/healthz", "/healthz/", args, &n, scratch, sizeof(scratch)));
	cr_assert_not(route_match("/healthz", "/health", args, &n, scratch, sizeof(scratch)));
	cr_assert(route_match("/api/v1/users/{username}/disable", "/api/v1/users/dl-admin/disable",
			      args, &n, scratch, sizeof(scratch)));
	cr_assert_eq(n, 1);
	cr_assert_str_eq(args[0], "dl-admin");
	cr_assert(route_match("/a/{x}/b/{y}", "/a/1/b/Đà Nẵng", args, &n, scratch, sizeof(scratch)));
	cr_assert_eq(n, 2);
	cr_assert_str_eq(args[1], "Đà Nẵng");
	/* A parameter is one whole, non-empty segment. */
	cr_assert_not(route_match("/api/v1/users/{u}", "/api/v1/users/", args, &n, scratch,
				  sizeof(scratch)));
	cr_assert_not(route_match("/api/v1/users/{u}", "/api/v1/users/a/b", args, &n, scratch,
				  sizeof(scratch)));
	/* Too long for the scratch space: no match rather than an overflow. */
	cr_assert_not(route_match("/{x}", "/0123456789", args, &n, scratch, 4));
}

Test(html, escapes_all_five_characters)
{
	struct strbuf sb = STRBUF_INIT;

	html_txt(&sb, "<a href=\"x\">Tom & Jerry's</a>");
	cr_assert_str_eq(sb.buf, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	strbuf_reset(&sb);
	html_attr(&sb, "\"onload='x'");
	cr_assert_str_eq(sb.buf, "&quot;onload=&#39;x&#39;");
	strbuf_reset(&sb);
	html_txt(&sb, NULL);
	cr_assert_str_eq(sb.buf, "");
	html_txt(&sb, "Đăng ký khai sinh");
	cr_assert_str_eq(sb.buf, "Đăng ký khai sinh");
	strbuf_release(&sb);
}

Test(html, url_arguments_are_percent_encoded)
{
	struct strbuf sb = STRBUF_INIT;

	html_url_arg(&sb, "đ a&b=c/d");
	cr_assert_str_eq(sb.buf, "%C4%91%20a%26b%3Dc%2Fd");
	strbuf_release(&sb);
}

Test(http, statuses_for_error_codes)
{
	cr_assert_eq(http_status_for(E_OK), 200);
	cr_assert_eq(http_status_for(E_NOTFOUND), 404);
	cr_assert_eq(http_status_for(E_INVALID), 400);
	cr_assert_eq(http_status_for(E_CONFLICT), 409);
	cr_assert_eq(http_status_for(E_DENIED), 403);
	cr_assert_eq(http_status_for(E_UNAUTH), 401);
	cr_assert_eq(http_status_for(E_TOOLARGE), 413);
	cr_assert_eq(http_status_for(E_RATELIMIT), 429);
	cr_assert_eq(http_status_for(E_INTERNAL), 500);
}
