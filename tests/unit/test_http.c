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

/* ---- multipart/form-data ---------------------------------------------- */

#define CT "multipart/form-data; boundary=----b0undary"
#define B "------b0undary"

static int parse(const char *body, size_t len, struct http_part **p, size_t *n)
{
	struct err e = ERR_INIT;

	return http_multipart_parse(CT, body, len, p, n, &e);
}

Test(multipart, fields_and_files)
{
	static const char body[] =
		B "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
		B "\r\nContent-Disposition: form-data; name=\"doc_0\"; filename=\"a b.pdf\"\r\n"
		"Content-Type: application/pdf\r\n\r\n%PDF-\0\r\nbinary\r\n"
		B "\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n"
		B "--\r\n";
	struct http_part *p;
	size_t n;

	cr_assert_eq(parse(body, sizeof(body) - 1, &p, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(p[0].name, "csrf");
	cr_assert_null(p[0].filename);
	cr_assert_eq(p[0].len, 3);
	cr_assert_eq(memcmp(p[0].data, "tok", 3), 0);
	cr_assert_str_eq(p[1].name, "doc_0");
	cr_assert_str_eq(p[1].filename, "a b.pdf");
	cr_assert_str_eq(p[1].content_type, "application/pdf");
	/* Binary data, NUL and CRLF included, up to the delimiter. */
	cr_assert_eq(p[1].len, 14);
	cr_assert_eq(memcmp(p[1].data, "%PDF-\0\r\nbinary", 14), 0);
	cr_assert_str_eq(p[2].name, "empty");
	cr_assert_eq(p[2].len, 0);
	http_parts_free(p, n);
}

Test(multipart, preamble_quoted_boundary_and_escaped_names)
{
	static const char body[] = "ignored preamble\r\n"
		B "\r\ncontent-disposition: form-data; name=\"q\\\"x\"; filename=\"\"\r\n\r\nv\r\n"
		B "--";
	struct http_part *p;
	size_t n;
	struct err e = ERR_INIT;

	cr_assert_eq(http_multipart_parse("multipart/form-data; boundary=\"----b0undary\"",
					  body, sizeof(body) - 1, &p, &n, &e), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].name, "q\"x");
	cr_assert_str_eq(p[0].filename, "");
	cr_assert_str_eq(p[0].content_type, "");
	http_parts_free(p, n);
}

Test(multipart, refuses_what_is_not_multipart_or_cut)
{
	static const char cut[] = B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end";
	static const char noname[] = B "\r\nContent-Disposition: form-data\r\n\r\nx\r\n" B "--";
	static const char nohead[] = B "\r\nContent-Disposition: form-data; name=\"a\"";
	static const char garbage[] = "a=1&b=2";
	struct http_part *p = (void *)1;
	size_t n = 9;
	struct err e = ERR_INIT;

	cr_assert_eq(http_multipart_parse("application/x-www-form-urlencoded", garbage,
					  sizeof(garbage) - 1, &p, &n, &e), E_INVALID);
	cr_assert_null(p);
	cr_assert_eq(n, 0);
	cr_assert_eq(http_multipart_parse("multipart/form-data", garbage, sizeof(garbage) - 1,
					  &p, &n, &e), E_INVALID);
	cr_assert_eq(parse(garbage, sizeof(garbage) - 1, &p, &n), E_INVALID);
	cr_assert_eq(parse(cut, sizeof(cut) - 1, &p, &n), E_INVALID);
	cr_assert_eq(parse(noname, sizeof(noname) - 1, &p, &n), E_INVALID);
	cr_assert_eq(parse(nohead, sizeof(nohead) - 1, &p, &n), E_INVALID);
	cr_assert_eq(parse("", 0, &p, &n), E_INVALID);
}

Test(multipart, at_most_64_parts)
{
	struct strbuf sb = STRBUF_INIT;
	struct http_part *p;
	size_t n;

	for (int i = 0; i < 65; i++)
		strbuf_addf(&sb, B "\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	strbuf_addstr(&sb, B "--\r\n");
	cr_assert_eq(parse(sb.buf, sb.len, &p, &n), E_INVALID);
	strbuf_reset(&sb);
	for (int i = 0; i < 64; i++)
		strbuf_addf(&sb, B "\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	strbuf_addstr(&sb, B "--\r\n");
	cr_assert_eq(parse(sb.buf, sb.len, &p, &n), 0);
	cr_assert_eq(n, 64);
	cr_assert_str_eq(p[63].name, "f63");
	http_parts_free(p, n);
	strbuf_release(&sb);
}
