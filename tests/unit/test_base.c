/* base/: strbuf, err, config, i18n. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"

Test(strbuf, starts_empty_and_never_null)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_not_null(sb.buf);
	cr_assert_eq(sb.len, 0);
	cr_assert_str_eq(sb.buf, "");
	strbuf_release(&sb);
	cr_assert_str_eq(sb.buf, "");
}

Test(strbuf, grows_and_formats)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t len;

	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	cr_assert(sb.len > 2000);
	cr_assert_eq(strlen(sb.buf), sb.len);
	cr_assert(!strncmp(sb.buf, "0,1,2,", 6));
	strbuf_addstr(&sb, "Đăng ký");
	cr_assert(strstr(sb.buf, "999,Đăng ký"));
	s = strbuf_detach(&sb, &len);
	cr_assert_eq(strlen(s), len);
	cr_assert_eq(sb.len, 0);
	free(s);
}

Test(strbuf, reset_keeps_memory)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "hello");
	strbuf_reset(&sb);
	cr_assert_eq(sb.len, 0);
	cr_assert_str_eq(sb.buf, "");
	cr_assert(sb.alloc > 0);
	strbuf_addch(&sb, 'x');
	cr_assert_str_eq(sb.buf, "x");
	strbuf_release(&sb);
}

Test(err, set_returns_code_and_names_field)
{
	struct err e = ERR_INIT;

	cr_assert_eq(err_set(&e, E_INVALID, "phone", "phone number must have %d digits", 10),
		     E_INVALID);
	cr_assert_str_eq(e.field, "phone");
	cr_assert_str_eq(e.message, "phone number must have 10 digits");
	cr_assert_str_eq(e.code_name, "invalid");
	cr_assert_eq(err_set(NULL, E_CONFLICT, NULL, "x"), E_CONFLICT);
}

Test(i18n, translates_per_thread_language)
{
	i18n_init();
	i18n_set_lang(LANG_VI);
	cr_assert_str_eq(_("Page not found"), "Không tìm thấy trang");
	i18n_set_lang(LANG_EN);
	cr_assert_str_eq(_("Page not found"), "Page not found");
	/* Unknown languages fall back to Vietnamese, the default. */
	i18n_set_lang("fr");
	cr_assert_str_eq(i18n_lang(), LANG_VI);
	cr_assert_str_eq(i18n_tr(LANG_VI, "no such message"), "no such message");
}

Test(i18n, err_messages_follow_the_language)
{
	struct err e = ERR_INIT;

	i18n_init();
	i18n_set_lang(LANG_VI);
	err_set(&e, E_UNAUTH, NULL, "wrong user name or password");
	cr_assert_str_eq(e.message, "sai tên đăng nhập hoặc mật khẩu");
	i18n_set_lang(LANG_EN);
}

Test(embed, finds_assets_by_name)
{
	const struct embed_file *f = embed_find("static/cchc.css");

	cr_assert_not_null(f);
	cr_assert(f->len > 100);
	cr_assert_eq(strlen(f->hash), 12);
	cr_assert_null(embed_find("static/none.css"));
	cr_assert_not_null(embed_find("migrations/0001_base.sql"));
	cr_assert_not_null(embed_find("po/vi.mo"));
}

static char *write_tmp(const char *text)
{
	static char path[] = "/tmp/cchc-conf-XXXXXX";
	int fd;

	strcpy(path, "/tmp/cchc-conf-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(config, precedence_file_over_env_flag_over_file)
{
	struct config c = CONFIG_INIT;
	struct err e = ERR_INIT;
	char *path;

	setenv("CCHC_LISTEN", "127.0.0.1:7000", 1);
	setenv("CCHC_THREADS", "3", 1);
	config_init(&c);
	cr_assert_str_eq(config_get(&c, "listen"), "127.0.0.1:7000");
	cr_assert_str_eq(config_get(&c, "db"), "sqlite:var/cchc.db");
	path = write_tmp("# comment\nlisten = 127.0.0.1:7001  # trailing\n\n");
	cr_assert_eq(config_read_file(&c, path, true, &e), 0);
	cr_assert_str_eq(config_get(&c, "listen"), "127.0.0.1:7001");
	cr_assert_str_eq(config_get(&c, "threads"), "3");
	cr_assert_eq(config_set(&c, "listen", "127.0.0.1:7002", &e), 0);
	cr_assert_str_eq(config_get(&c, "listen"), "127.0.0.1:7002");
	unlink(path);
	config_release(&c);
	unsetenv("CCHC_LISTEN");
	unsetenv("CCHC_THREADS");
}

Test(config, bad_lines_and_values_are_named)
{
	struct config c = CONFIG_INIT;
	struct err e = ERR_INIT;
	int64_t n;
	char *path;

	config_init(&c);
	path = write_tmp("listen = 1\nwhat is this\n");
	cr_assert_eq(config_read_file(&c, path, true, &e), E_INVALID);
	cr_assert(strstr(e.message, ":2: expected 'key = value'"), "%s", e.message);
	unlink(path);
	path = write_tmp("colour = red\n");
	cr_assert_eq(config_read_file(&c, path, true, &e), E_INVALID);
	cr_assert_str_eq(e.field, "colour");
	unlink(path);
	cr_assert_eq(config_read_file(&c, "/nonexistent/cchc.conf", false, &e), 0);
	cr_assert_eq(config_read_file(&c, "/nonexistent/cchc.conf", true, &e), E_INVALID);
	config_set(&c, "threads", "many", NULL);
	cr_assert_eq(config_get_int(&c, "threads", &n, &e), E_INVALID);
	cr_assert_str_eq(e.field, "threads");
	config_release(&c);
}
