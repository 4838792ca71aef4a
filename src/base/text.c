/*
 * Vietnamese text folding: one pass over UTF-8, a table lookup per letter.
 * No Unicode library is needed: the letters Vietnamese writes all live in
 * Latin-1, Latin Extended-A/B (ơ ư) and Latin Extended Additional, and
 * decomposed text only adds combining marks, which are dropped.
 */
#include "base/text.h"

#include <stdbool.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/xmalloc.h"

/* U+00C0–U+00FF without their marks; ' ' for × and ÷. */
static const char latin1[] =
	"aaaaaaaceeeeiiii" "dnooooo ouuuuyts" "aaaaaaaceeeeiiii" "dnooooo ouuuuyty";

/* U+0100–U+017F: Latin Extended-A (ă đ ĩ ũ among them). */
static const char latin_ext_a[] =
	"aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "iiiijjkkklllllll"
	"lllnnnnnnnnnoooo" "oooorrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";

/*
 * U+1EA0–U+1EF9: the precomposed Vietnamese vowels with a tone mark
 * (ạ ả ấ … ỹ), in Unicode's order: 24 a, 16 e, 4 i, 24 o, 14 u, 8 y.
 */
static const char vi_ext[] =
	"aaaaaaaaaaaaaaaaaaaaaaaa" "eeeeeeeeeeeeeeee" "iiii"
	"oooooooooooooooooooooooo" "uuuuuuuuuuuuuu" "yyyyyyyy";

size_t text_utf8_decode(const char *str, size_t n, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool text_utf8_valid(const char *s, size_t n)
{
	unsigned cp;

	while (n) {
		size_t len = text_utf8_decode(s, n, &cp);

		if (!len)
			return false;
		s += len;
		n -= len;
	}
	return true;
}

/* What one code point folds to. */
enum { LETTER, KEEP, DROP, SPACE };

static int fold_cp(unsigned cp, char *letter)
{
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z') {
			*letter = (char)(cp - 'A' + 'a');
			return LETTER;
		}
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			*letter = (char)cp;
			return LETTER;
		}
		return SPACE;
	}
	if (cp >= 0xc0 && cp <= 0xff) {
		*letter = latin1[cp - 0xc0];
		return *letter == ' ' ? SPACE : LETTER;
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		*letter = latin_ext_a[cp - 0x100];
		return LETTER;
	}
	if (cp == 0x1a0 || cp == 0x1a1) {	/* Ơ ơ */
		*letter = 'o';
		return LETTER;
	}
	if (cp == 0x1af || cp == 0x1b0) {	/* Ư ư */
		*letter = 'u';
		return LETTER;
	}
	if (cp >= 0x1ea0 && cp <= 0x1ef9) {
		*letter = vi_ext[cp - 0x1ea0];
		return LETTER;
	}
	/* Combining marks: the tones and letter marks of decomposed text. */
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0xfeff)
		return DROP;
	/* Latin-1 punctuation, general punctuation, ideographic space. */
	if ((cp >= 0x80 && cp <= 0xbf) || (cp >= 0x2000 && cp <= 0x206f) ||
	    cp == 0x3000)
		return SPACE;
	return KEEP;
}

void text_fold(struct strbuf *out, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	bool space = true;	/* no leading space */
	size_t start = out->len;

	while (n) {
		unsigned cp;
		size_t len = text_utf8_decode(s, n, &cp);
		char letter;
		int what;

		if (!len) {
			what = SPACE;
			len = 1;
		} else {
			what = fold_cp(cp, &letter);
		}
		if (what == SPACE) {
			if (!space)
				strbuf_addch(out, ' ');
			space = true;
		} else if (what == KEEP) {
			strbuf_add(out, s, len);
			space = false;
		} else if (what == LETTER) {
			strbuf_addch(out, letter);
			space = false;
		}
		s += len;
		n -= len;
	}
	if (out->len > start && out->buf[out->len - 1] == ' ')
		strbuf_setlen(out, out->len - 1);
}

char *text_fold_dup(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	text_fold(&sb, s);
	return strbuf_detach(&sb, NULL);
}

const char *text_next_word(const char **p, size_t *len)
{
	const char *s = *p, *start;

	while (*s == ' ')
		s++;
	if (!*s) {
		*p = s;
		*len = 0;
		return NULL;
	}
	start = s;
	while (*s && *s != ' ')
		s++;
	*len = (size_t)(s - start);
	*p = s;
	return start;
}

/* Whether a letter that folds is a capital: each range's own pattern. */
static bool is_capital(unsigned cp)
{
	if (cp >= 0xc0 && cp <= 0xde)
		return true;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177) ||
	    (cp >= 0x1ea0 && cp <= 0x1ef9))
		return cp % 2 == 0;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return cp % 2 == 1;
	return cp == 0x1a0 || cp == 0x1af || cp == 0x178;
}

void text_unaccent(struct strbuf *out, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	while (n) {
		unsigned cp;
		size_t len = text_utf8_decode(s, n, &cp);
		char letter;
		int what;

		if (!len) {
			strbuf_addch(out, '?');
			len = 1;
		} else if (cp < 0x80) {
			strbuf_addch(out, (char)cp);
		} else {
			what = fold_cp(cp, &letter);
			if (what == LETTER && cp != 0xdf && cp != 0xd7)
				strbuf_addch(out, is_capital(cp) ? (char)(letter - 'a' + 'A') : letter);
			else if (what != DROP)
				strbuf_add(out, s, len);
		}
		s += len;
		n -= len;
	}
}
