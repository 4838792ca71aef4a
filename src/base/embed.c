#include "base/embed.h"

#include <string.h>

const struct embed_file *embed_find(const char *name)
{
	/* The table is sorted by name (tools/embed.c sorts it). */
	size_t lo = 0, hi = embed_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, embed_files[mid].name);

		if (!c)
			return &embed_files[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
