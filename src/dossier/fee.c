/*
 * A dossier's fee items, recorded at intake from the procedure as it
 * stands then (a later change of the catalogue does not change what this
 * applicant owes), and the fee taken at the counter at intake as the
 * dossier's first payment.  Payments themselves are src/payment/'s.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "base/err.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "dossier/dossier_impl.h"
#include "org/org.h"

int64_t dossier_fee_total(const struct procedure *p)
{
	int64_t sum = 0;

	for (int i = 0; i < p->nfees; i++)
		sum += p->fees[i].amount;
	return sum;
}

int dossier_fees_record(struct db *db, const struct dossier_row *d,
			const struct procedure *p, int64_t fee_paid,
			const struct user *by, int64_t now)
{
	struct db_stmt *st;
	unsigned char rnd[8];
	char order[2 * sizeof(rnd) + 2] = "Q";
	int ret = 0;

	for (int i = 0; i < p->nfees && !ret; i++) {
		st = db_prepare(db, "INSERT INTO dossier_fee (dossier_id, seq, name, amount, exempt)"
				" VALUES (?, ?, ?, ?, ?)");
		db_bind_int(st, 1, d->id);
		db_bind_int(st, 2, i + 1);
		db_bind_text(st, 3, p->fees[i].name);
		db_bind_int(st, 4, p->fees[i].amount);
		db_bind_text(st, 5, p->fees[i].exempt ? p->fees[i].exempt : "");
		ret = db_run(st);
	}
	if (ret || fee_paid <= 0)
		return ret;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(order + 1, sizeof(order) - 1, rnd, sizeof(rnd));
	st = db_prepare(db, "INSERT INTO payment (dossier_id, order_id, method, provider, amount,"
			" state, reference, created_by, created_at, paid_at)"
			" VALUES (?, ?, 'cash', '', ?, 'paid', '', ?, ?, ?)");
	db_bind_int(st, 1, d->id);
	db_bind_text(st, 2, order);
	db_bind_int(st, 3, fee_paid);
	if (by)
		db_bind_int(st, 4, by->id);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, now);
	return db_run(st);
}

int dossier_fees(struct db *db, int64_t dossier_id, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT name, amount, exempt FROM dossier_fee"
					" WHERE dossier_id = ? ORDER BY seq");
	int ret;

	*out = json_array();
	db_bind_int(st, 1, dossier_id);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:s,s:I,s:s}", "name", db_col_text(st, 0),
			"amount", (json_int_t)db_col_int(st, 1), "exempt", db_col_text(st, 2)));
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return E_INTERNAL;
	}
	return 0;
}
