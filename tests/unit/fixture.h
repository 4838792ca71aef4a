/*
 * The database the dossier, notify and payment tests start from: a fresh
 * SQLite file in a folder of its own, migrated, with the province's
 * agencies, the demo catalogue and one officer of Đại Hiệp ("dh": clerk,
 * specialist and leader).  Static inline, so that each test stays built
 * from its own .c file (the Makefile's TEST_BIN) with this included.
 */
#ifndef CCHC_TESTS_UNIT_FIXTURE_H
#define CCHC_TESTS_UNIT_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/i18n.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "org/org.h"

/*
 * Makes the folder from dir, a mkdtemp() template ending in XXXXXX (filled
 * in), opens its database into *db and reads the officer into *clerk.
 */
static inline void fixture_open(char *dir, struct db **db, struct user *clerk)
{
	const struct embed_file *f = embed_find("data/agencies.tsv");
	struct user_new nu = { "dh", "Cán bộ Đại Hiệp", "clerk,specialist,leader",
			       "xa-dai-hiep", "mat-khau-thu-nghiem" };
	struct err e = ERR_INIT;
	char url[128];
	int64_t id;

	i18n_init();
	cr_assert_not_null(mkdtemp(dir));
	snprintf(url, sizeof(url), "sqlite:%s/t.db", dir);
	cr_assert_eq(db_open(url, db, &e), 0, "%s", e.message);
	cr_assert_eq(db_migrate(*db, NULL, &e), 0, "%s", e.message);
	cr_assert_eq(agency_load_tsv(*db, (const char *)f->data, NULL, &e), 0, "%s", e.message);
	cr_assert_eq(catalog_demo_load(*db, &e), 0, "%s", e.message);
	cr_assert_eq(user_create(*db, NULL, &audit_cli, &nu, &id, &e), 0, "%s", e.message);
	cr_assert_eq(user_get(*db, id, clerk), 0);
}

/*
 * Undoes fixture_open(): sets the clock back, releases the officer, closes
 * the database, removes the folder and makes dir a template again for
 * the next test.
 */
static inline void fixture_close(char *dir, struct db *db, struct user *clerk)
{
	char cmd[256];

	clock_set(0);
	user_release(clerk);
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	memset(dir + strlen(dir) - 6, 'X', 6);
}

#endif
