/*
 * Files embedded in the binary at build time (tools/embed.c writes the
 * table): static assets under "static/", migrations under "migrations/",
 * translations under "po/", data under "data/".
 */
#ifndef CCHC_BASE_EMBED_H
#define CCHC_BASE_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name;	/* path relative to assets/, e.g. "static/cchc.css" */
	const unsigned char *data;	/* NUL-terminated for convenience */
	size_t len;
	const char *hash;	/* first 12 hex digits of its FNV-1a 64 hash */
};

extern const struct embed_file embed_files[];
extern const size_t embed_count;

/* Returns the file of that name, or NULL. */
const struct embed_file *embed_find(const char *name);

#endif
