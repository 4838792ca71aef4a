-- 0009_payment: a dossier's fee items, its payments (at the counter or
-- online through a provider), the log of the providers' callbacks, the
-- built-in test provider's own transactions, and the applicants' ratings.

-- The fees of the procedure as they stood when the dossier was filed.
CREATE TABLE dossier_fee (
	id @ID@,
	dossier_id BIGINT NOT NULL REFERENCES dossier (id),
	seq BIGINT NOT NULL,
	name TEXT NOT NULL,
	amount BIGINT NOT NULL,			-- VND
	exempt TEXT NOT NULL,			-- who does not pay
	UNIQUE (dossier_id, seq)
);

-- One payment: cash or card at the counter (paid at once), or online
-- (pending until the provider's signed callback says paid or failed).
-- A provider's transaction is recorded once: UNIQUE (provider, transaction_id).
CREATE TABLE payment (
	id @ID@,
	dossier_id BIGINT NOT NULL REFERENCES dossier (id),
	order_id TEXT NOT NULL UNIQUE,		-- ours, sent to the provider
	method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'online')),
	provider TEXT NOT NULL,			-- '' at the counter
	amount BIGINT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'failed')),
	transaction_id TEXT,			-- the provider's, once paid
	reference TEXT NOT NULL,		-- card slip number at the counter
	created_by BIGINT REFERENCES app_user (id),
	created_at BIGINT NOT NULL,
	paid_at BIGINT,
	UNIQUE (provider, transaction_id)
);
CREATE INDEX payment_dossier ON payment (dossier_id, id);
CREATE INDEX payment_pending ON payment (provider, state, created_at);

-- Every callback and reconciliation, accepted or not: forged signatures,
-- stale timestamps, unknown orders and wrong amounts are kept here.
CREATE TABLE payment_event (
	id @ID@,
	at BIGINT NOT NULL,
	provider TEXT NOT NULL,
	order_id TEXT NOT NULL,
	kind TEXT NOT NULL,			-- paid, failed, duplicate, forged, stale, …
	detail TEXT NOT NULL,
	remote TEXT NOT NULL
);
CREATE INDEX payment_event_order ON payment_event (order_id, id);

-- A provider's secret generated when the setting is empty, shared by all
-- cchc processes on the database.
CREATE TABLE payment_secret (
	provider TEXT PRIMARY KEY,
	secret TEXT NOT NULL
);

-- The built-in test provider's side: its transactions.
CREATE TABLE testpay_transaction (
	id @ID@,
	transaction_id TEXT NOT NULL UNIQUE,
	order_id TEXT NOT NULL,
	amount BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('paid', 'cancelled')),
	notified BIGINT NOT NULL,		-- 1 when the callback was sent
	created_at BIGINT NOT NULL
);
CREATE INDEX testpay_transaction_order ON testpay_transaction (order_id);

-- The applicant's rating of a returned dossier (SIPAS factors), once.
CREATE TABLE dossier_rating (
	id @ID@,
	dossier_id BIGINT NOT NULL UNIQUE REFERENCES dossier (id),
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	procedure_code TEXT NOT NULL,
	day TEXT NOT NULL,			-- local day of the rating
	score_access BIGINT NOT NULL CHECK (score_access BETWEEN 1 AND 5),
	score_procedure BIGINT NOT NULL CHECK (score_procedure BETWEEN 1 AND 5),
	score_officers BIGINT NOT NULL CHECK (score_officers BETWEEN 1 AND 5),
	score_result BIGINT NOT NULL CHECK (score_result BETWEEN 1 AND 5),
	score_feedback BIGINT NOT NULL CHECK (score_feedback BETWEEN 1 AND 5),
	comment TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX dossier_rating_day ON dossier_rating (day, agency_id);
