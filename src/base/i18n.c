#include "base/i18n.h"

#include <stdint.h>
#include <string.h>

#include "base/embed.h"
#include "base/log.h"

/*
 * A compiled gettext catalogue (.mo), read in place from the embedded bytes.
 * The format: a header of 32-bit words, then two tables of (length, offset)
 * pairs for the original and the translated strings, sorted by original,
 * so a lookup is a binary search.
 */
struct catalogue {
	const unsigned char *data;
	size_t len;
	uint32_t n;
	uint32_t orig, trans;
	int swap;
};

static struct catalogue vi_catalogue;
static _Thread_local const char *thread_lang;

static uint32_t word(const struct catalogue *c, size_t off)
{
	uint32_t w;

	memcpy(&w, c->data + off, 4);
	return c->swap ? __builtin_bswap32(w) : w;
}

static int catalogue_load(struct catalogue *c, const struct embed_file *f)
{
	uint32_t magic;

	if (!f || f->len < 28)
		return -1;
	memcpy(&magic, f->data, 4);
	c->data = f->data;
	c->len = f->len;
	if (magic == 0x950412de)
		c->swap = 0;
	else if (magic == 0xde120495)
		c->swap = 1;
	else
		return -1;
	c->n = word(c, 8);
	c->orig = word(c, 12);
	c->trans = word(c, 16);
	if ((size_t)c->orig + (size_t)c->n * 8 > c->len ||
	    (size_t)c->trans + (size_t)c->n * 8 > c->len)
		return -1;
	return 0;
}

static const char *catalogue_find(const struct catalogue *c, const char *msgid)
{
	uint32_t lo = 0, hi = c->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		uint32_t off = word(c, c->orig + (size_t)mid * 8 + 4);
		int cmp;

		if (off >= c->len)
			return NULL;
		cmp = strcmp(msgid, (const char *)c->data + off);
		if (!cmp) {
			uint32_t len = word(c, c->trans + (size_t)mid * 8);
			uint32_t toff = word(c, c->trans + (size_t)mid * 8 + 4);

			if ((size_t)toff + len >= c->len || !len)
				return NULL;
			return (const char *)c->data + toff;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void i18n_init(void)
{
	if (catalogue_load(&vi_catalogue, embed_find("po/vi.mo")))
		log_warn("no Vietnamese catalogue embedded; pages fall back to English");
}

void i18n_set_lang(const char *lang)
{
	thread_lang = lang && !strcmp(lang, LANG_EN) ? LANG_EN : LANG_VI;
}

const char *i18n_lang(void)
{
	return thread_lang ? thread_lang : LANG_EN;
}

const char *i18n_tr(const char *lang, const char *msgid)
{
	const char *t;

	if (!msgid || !*msgid || strcmp(lang, LANG_VI) || !vi_catalogue.data)
		return msgid;
	t = catalogue_find(&vi_catalogue, msgid);
	return t ? t : msgid;
}
