/*
 * The pure parts of notifications: SMS parts and encodings, retry delays,
 * masked recipients, MIME header words.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/strbuf.h"
#include "base/text.h"
#include "notify/notify.h"

/* GSM 03.38's basic alphabet beyond ASCII, and its extension table. */
static const unsigned gsm_basic[] = {
	0xa3, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0xd8, 0xf8, 0xc5, 0xe5,
	0x394, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e,
	0xc6, 0xe6, 0xdf, 0xc9, 0xa4, 0xa1, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7, 0xbf,
	0xe4, 0xf6, 0xf1, 0xfc, 0xe0,
};

/* Septets of cp in GSM-7, or 0 if it has none. */
static int gsm_septets(unsigned cp)
{
	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '^' || cp == '{' || cp == '}' || cp == '\\' || cp == '[' ||
	    cp == '~' || cp == ']' || cp == '|' || cp == 0x20ac || cp == '\f')
		return 2;
	if (cp >= 0x20 && cp < 0x7f)
		return cp == '`' ? 0 : 1;
	for (size_t i = 0; i < sizeof(gsm_basic) / sizeof(gsm_basic[0]); i++)
		if (gsm_basic[i] == cp)
			return 1;
	return 0;
}

int notify_sms_parts(const char *text, enum notify_encoding *enc)
{
	size_t n = strlen(text), septets = 0, units = 0;
	bool gsm = true;

	while (n) {
		unsigned cp = 0xfffd;
		size_t len = text_utf8_decode(text, n, &cp);
		int s;

		if (!len)
			len = 1;
		s = gsm_septets(cp);
		if (!s)
			gsm = false;
		septets += (size_t)s;
		units += cp > 0xffff ? 2 : 1;
		text += len;
		n -= len;
	}
	*enc = gsm ? NOTIFY_GSM7 : NOTIFY_UCS2;
	if (gsm)
		return septets <= 160 ? 1 : (int)((septets + 152) / 153);
	return units <= 70 ? 1 : (int)((units + 66) / 67);
}

const char *notify_encoding_name(enum notify_encoding enc)
{
	return enc == NOTIFY_GSM7 ? "gsm7" : "ucs2";
}

int64_t notify_backoff(int64_t base, int64_t attempts)
{
	int64_t d = base > 0 ? base : 0;

	for (int64_t i = 1; i < attempts && d < 86400; i++)
		d *= 2;
	return d < 86400 ? d : 86400;
}

void notify_mask(struct strbuf *out, const char *r)
{
	size_t n = strlen(r);
	const char *at = strchr(r, '@');

	if (!strncmp(r, "http://", 7) || !strncmp(r, "https://", 8)) {
		const char *host = strstr(r, "//") + 2;
		size_t hl = strcspn(host, "/?#");

		strbuf_add(out, r, (size_t)(host - r) + hl);
		if (host[hl])
			strbuf_addstr(out, "/…");
	} else if (at) {
		if (at > r)
			strbuf_addch(out, r[0]);
		strbuf_addstr(out, "***");
		strbuf_addstr(out, at);
	} else if (n > 6) {
		strbuf_add(out, r, 4);
		strbuf_addstr(out, "***");
		strbuf_addstr(out, r + n - 3);
	} else {
		strbuf_addstr(out, "***");
	}
}

void notify_mime_header(struct strbuf *out, const char *v)
{
	size_t n = strlen(v), i = 0;
	bool ascii = true;

	for (size_t k = 0; k < n; k++)
		if ((unsigned char)v[k] >= 0x80 || v[k] == '\r' || v[k] == '\n')
			ascii = false;
	if (ascii) {
		strbuf_addstr(out, v);
		return;
	}
	/* Encoded words of at most 45 bytes of text (60 of base64), whole characters. */
	while (i < n) {
		size_t take = 0;
		char b64[128];

		while (i + take < n) {
			unsigned cp;
			size_t len = text_utf8_decode(v + i + take, n - i - take, &cp);

			if (!len)
				len = 1;
			if (take + len > 45)
				break;
			take += len;
		}
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)v + i, take,
				  sodium_base64_VARIANT_ORIGINAL);
		strbuf_addf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += take;
	}
}
