/*
 * Writing JSON text straight into a strbuf, for the hot paths where
 * building a jansson tree first costs more than the answer itself (public
 * tracking).  Everything else uses jansson.
 */
#ifndef CCHC_BASE_JSON_H
#define CCHC_BASE_JSON_H

#include <stdint.h>

struct strbuf;

/* Appends s as a JSON string (quoted, escaped); NULL writes null. */
void json_write_str(struct strbuf *out, const char *s);
/* Appends "key": (the key is a literal from the source: not escaped). */
void json_write_key(struct strbuf *out, const char *key);

#endif
