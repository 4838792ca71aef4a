/*
 * Vietnamese text folding, for search that ignores diacritics.
 *
 * Folding lowercases, strips every diacritic of the Latin letters
 * Vietnamese uses — the five tone marks and the letter marks of ă â ê ô ơ ư
 * — and turns đ/Đ into d, so "Đăng ký khai sinh" and "dang ky khai sinh"
 * fold to the same text.  Text in precomposed form (NFC, what keyboards and
 * most files give), in decomposed form (NFD: a base letter followed by
 * combining marks U+0300–U+036F) or in any mixture of the two folds alike.
 * Other Latin-1 and Latin Extended-A letters lose their marks too (é → e).
 * Spaces, control characters and punctuation (ASCII, Latin-1 and general
 * punctuation) separate words: each run of them becomes one ASCII space,
 * and there is none at either end.  Characters of other scripts pass
 * through unchanged; invalid UTF-8 bytes separate words.
 *
 * So folded text is its words joined by single spaces: "Mã số: 1.001193"
 * folds to "ma so 1 001193".
 */
#ifndef CCHC_BASE_TEXT_H
#define CCHC_BASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/* Appends the folded form of s (NULL: nothing) to out. */
void text_fold(struct strbuf *out, const char *s);
/* The folded form of s, malloc'd (caller frees); "" for NULL. */
char *text_fold_dup(const char *s);

/*
 * Appends s (NULL: nothing) with the marks of its letters removed and
 * nothing else changed — case, spaces and punctuation kept: "Hồ sơ Đăng
 * ký" → "Ho so Dang ky".  For channels that cost more for non-ASCII text
 * (SMS).  Invalid UTF-8 bytes become '?'.
 */
void text_unaccent(struct strbuf *out, const char *s);

/*
 * Finds the next word of folded text at or after *p: returns its start and
 * sets *len, and moves *p past it; returns NULL at the end.
 */
const char *text_next_word(const char **p, size_t *len);

/*
 * Decodes one UTF-8 code point at s (which has n ≥ 1 bytes left): returns
 * its length in bytes and sets *cp, or returns 0 for an invalid sequence
 * (overlong forms, surrogates and values over U+10FFFF are invalid).
 */
size_t text_utf8_decode(const char *s, size_t n, unsigned *cp);
/* Whether s is valid UTF-8 throughout. */
bool text_utf8_valid(const char *s, size_t n);

#endif
