-- 0003_catalog: the catalogue of administrative procedures (TTHC).
--
-- A procedure is its national code and a status; what it says lives in
-- versions.  The current version is the one in force (or the draft being
-- written).  A version that has ever been published is frozen: changing
-- the procedure then makes a new version, and dossiers keep pointing at
-- the version they were filed under (procedure_version.id).

CREATE TABLE procedure (
	id @ID@,
	code TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'published', 'retired')),
	current_version_id BIGINT,	-- procedure_version.id (set once it exists)
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE procedure_version (
	id @ID@,
	procedure_id BIGINT NOT NULL REFERENCES procedure (id),
	version BIGINT NOT NULL,
	name TEXT NOT NULL,
	field TEXT NOT NULL,
	levels TEXT NOT NULL,		-- agency_level codes, comma-separated: "district,commune"
	agency_kind TEXT,		-- every agency of a kind carries it: 'commune', 'district'
	agency_key TEXT REFERENCES agency (key),	-- or one agency does
	time_value DOUBLE PRECISION NOT NULL CHECK (time_value > 0),
	time_unit TEXT NOT NULL
		CHECK (time_unit IN ('working_days', 'working_hours', 'calendar_days')),
	result TEXT NOT NULL,
	legal_basis TEXT NOT NULL,	-- JSON array of strings
	online TEXT NOT NULL CHECK (online IN ('none', 'partial', 'full')),
	postal_submit BIGINT NOT NULL,
	postal_return BIGINT NOT NULL,
	note TEXT NOT NULL,
	-- Search: base/text folding of the name and of the other texts.
	name_folded TEXT NOT NULL,
	body_folded TEXT NOT NULL,
	-- Hash of the content (everything above but the status), so that an
	-- import of the same data changes nothing.
	content_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	published_at BIGINT,		-- first put in force; frozen from then on
	superseded_at BIGINT,		-- replaced by a newer version
	UNIQUE (procedure_id, version),
	CHECK ((agency_kind IS NULL) <> (agency_key IS NULL))
);

-- The step template: who handles the dossier, in order, with each step's
-- share of the processing time (the shares add up to time_value).
CREATE TABLE procedure_step (
	version_id BIGINT NOT NULL REFERENCES procedure_version (id),
	seq BIGINT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL
		CHECK (kind IN ('reception', 'appraisal', 'approval', 'return', 'transfer')),
	share DOUBLE PRECISION NOT NULL CHECK (share >= 0),
	agency TEXT,			-- agency key or kind; NULL: the procedure's own
	PRIMARY KEY (version_id, seq)
);

CREATE TABLE procedure_fee (
	version_id BIGINT NOT NULL REFERENCES procedure_version (id),
	seq BIGINT NOT NULL,
	name TEXT NOT NULL,
	amount BIGINT NOT NULL CHECK (amount >= 0),	-- VND
	exempt TEXT NOT NULL,		-- who does not pay; '' for nobody
	PRIMARY KEY (version_id, seq)
);

CREATE TABLE procedure_document (
	version_id BIGINT NOT NULL REFERENCES procedure_version (id),
	seq BIGINT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('original', 'copy', 'original_or_copy')),
	copies BIGINT NOT NULL CHECK (copies >= 1),
	form TEXT NOT NULL,		-- the form to fill in (name or URL); '' for none
	PRIMARY KEY (version_id, seq)
);

-- Bumped in every transaction that changes the catalogue, so that each
-- server process knows when its in-memory search index is out of date.
CREATE TABLE catalog_state (
	id BIGINT PRIMARY KEY,
	generation BIGINT NOT NULL
);
INSERT INTO catalog_state (id, generation) VALUES (1, 0);
