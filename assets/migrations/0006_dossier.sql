-- 0006_dossier: dossiers, their steps, history, apologies, code sequences
-- and the counters of the indicators.

CREATE TABLE dossier (
	id @ID@,
	code TEXT UNIQUE,			-- <agency eid>-<yymmdd>-<nnnn>, set at acceptance
	procedure_version_id BIGINT NOT NULL REFERENCES procedure_version (id),
	procedure_code TEXT NOT NULL,
	procedure_name TEXT NOT NULL,
	agency_id BIGINT NOT NULL REFERENCES agency (id),	-- receiving agency
	handling_agency_id BIGINT NOT NULL REFERENCES agency (id),	-- responsible now
	channel TEXT NOT NULL CHECK (channel IN ('counter', 'online', 'postal')),
	state TEXT NOT NULL,
	applicant_name TEXT NOT NULL,
	applicant_id TEXT NOT NULL,
	applicant_phone TEXT NOT NULL,
	applicant_email TEXT NOT NULL,
	applicant_address TEXT NOT NULL,
	request TEXT NOT NULL,
	documents_json TEXT NOT NULL,
	fee_due BIGINT NOT NULL,
	fee_paid BIGINT NOT NULL,
	postal_tracking TEXT NOT NULL,
	time_value DOUBLE PRECISION NOT NULL,
	time_unit TEXT NOT NULL,
	submitted_at BIGINT NOT NULL,
	received_at BIGINT,			-- the clock starts
	due_at BIGINT,				-- legal deadline; moves only with supplements
	promised_at BIGINT,			-- moves with an apology
	calendar_version TEXT NOT NULL,
	paused_at BIGINT,			-- awaiting a supplement since
	supplements BIGINT NOT NULL DEFAULT 0,
	assignee_id BIGINT REFERENCES app_user (id),
	current_step BIGINT NOT NULL DEFAULT 0,
	finished_at BIGINT,			-- result ready, refused, rejected or withdrawn
	outcome TEXT,				-- early, on_time, late (for results)
	returned_at BIGINT,
	return_channel TEXT,
	return_tracking TEXT,
	created_by BIGINT REFERENCES app_user (id),	-- the officer who recorded it
	version BIGINT NOT NULL DEFAULT 1,	-- optimistic lock
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
-- Indexes for every list the pages show; the open dossiers (few among
-- many finished ones) have partial indexes of their own.
CREATE INDEX dossier_agency ON dossier (agency_id, id);
CREATE INDEX dossier_agency_received ON dossier (agency_id, received_at);
CREATE INDEX dossier_handling ON dossier (handling_agency_id, id);
CREATE INDEX dossier_state ON dossier (state, id);
CREATE INDEX dossier_procedure ON dossier (procedure_code, id);
CREATE INDEX dossier_queue ON dossier (handling_agency_id, id)
	WHERE finished_at IS NULL AND assignee_id IS NULL;
CREATE INDEX dossier_mine ON dossier (assignee_id, id) WHERE finished_at IS NULL;
CREATE INDEX dossier_open_agency ON dossier (agency_id, state) WHERE finished_at IS NULL;
CREATE INDEX dossier_open_handling ON dossier (handling_agency_id, state)
	WHERE finished_at IS NULL;
CREATE INDEX dossier_open_due ON dossier (due_at) WHERE finished_at IS NULL;
CREATE INDEX dossier_phone ON dossier (applicant_phone);
CREATE INDEX dossier_idnum ON dossier (applicant_id);
CREATE INDEX dossier_name ON dossier (applicant_name);
CREATE INDEX dossier_created_by ON dossier (created_by);

-- The steps of the procedure's template, each with its deadline and the
-- handovers between agencies (the process control slip).
CREATE TABLE dossier_step (
	id @ID@,
	dossier_id BIGINT NOT NULL REFERENCES dossier (id),
	seq BIGINT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	due_at BIGINT NOT NULL,
	started_at BIGINT,
	finished_at BIGINT,
	outcome TEXT,
	UNIQUE (dossier_id, seq)
);

-- The history: never updated or deleted.
CREATE TABLE dossier_event (
	id @ID@,
	dossier_id BIGINT NOT NULL REFERENCES dossier (id),
	at BIGINT NOT NULL,
	actor_id BIGINT,
	actor_name TEXT NOT NULL,
	agency_id BIGINT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	note TEXT NOT NULL,
	data_json TEXT NOT NULL
);
CREATE INDEX dossier_event_dossier ON dossier_event (dossier_id, id);

CREATE TABLE dossier_apology (
	id @ID@,
	dossier_id BIGINT NOT NULL REFERENCES dossier (id),
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	reason TEXT NOT NULL,
	new_date TEXT NOT NULL,
	issued_at BIGINT NOT NULL,
	before_deadline BIGINT NOT NULL
);
CREATE INDEX dossier_apology_dossier ON dossier_apology (dossier_id);

-- The daily sequence of dossier codes per receiving agency.
CREATE TABLE dossier_seq (
	agency_id BIGINT NOT NULL,
	day TEXT NOT NULL,
	last BIGINT NOT NULL,
	PRIMARY KEY (agency_id, day)
);

-- Counters of the indicators, per agency, procedure, local day and metric,
-- kept in the transaction of each change; `cchc kpi rebuild` recomputes
-- them from the history.
CREATE TABLE kpi_counter (
	agency_id BIGINT NOT NULL,
	procedure_code TEXT NOT NULL,
	day TEXT NOT NULL,
	metric TEXT NOT NULL,
	value BIGINT NOT NULL,
	PRIMARY KEY (agency_id, procedure_code, day, metric)
);
CREATE INDEX kpi_counter_day ON kpi_counter (day, metric);

-- @sqlite
CREATE TRIGGER dossier_event_no_update BEFORE UPDATE ON dossier_event
BEGIN SELECT RAISE(ABORT, 'the dossier history is append-only'); END;
CREATE TRIGGER dossier_event_no_delete BEFORE DELETE ON dossier_event
BEGIN SELECT RAISE(ABORT, 'the dossier history is append-only'); END;
-- @postgresql
CREATE TRIGGER dossier_event_append_only BEFORE UPDATE OR DELETE ON dossier_event
	FOR EACH ROW EXECUTE FUNCTION cchc_append_only();
-- @end
