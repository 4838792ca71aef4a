/*
 * Translations.  Source strings (msgids) are English; Vietnamese comes from
 * po/vi.po, compiled by msgfmt and embedded in the binary, so translators
 * edit an ordinary gettext catalogue.
 *
 * The language is per thread: the server sets it for each request, the
 * command line leaves the default.  _("…") translates into it; N_("…")
 * only marks a string for xgettext.
 */
#ifndef CCHC_BASE_I18N_H
#define CCHC_BASE_I18N_H

#define LANG_VI "vi"
#define LANG_EN "en"

/* Loads the embedded catalogues; call once at start-up. */
void i18n_init(void);
/* Sets the calling thread's language: LANG_VI or LANG_EN (anything else: vi). */
void i18n_set_lang(const char *lang);
/* The calling thread's language, LANG_VI or LANG_EN. */
const char *i18n_lang(void);
/* Translation of msgid into lang, or msgid itself when there is none. */
const char *i18n_tr(const char *lang, const char *msgid);

#define _(s) i18n_tr(i18n_lang(), (s))
#define N_(s) (s)

#endif
