-- 0008_citizen: the citizens' portal — accounts signed in with a one-time
-- code sent by SMS, their sessions, drafts of online dossiers and the
-- files uploaded with them.

-- A citizen is known by a Vietnamese mobile number; name and e-mail are
-- optional.  Not an officer: no roles, no agency.
CREATE TABLE citizen (
	id @ID@,
	phone TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	last_sign_in_at BIGINT
);

-- One-time codes: only a hash is kept; each is used once and expires.
CREATE TABLE citizen_code (
	id @ID@,
	phone TEXT NOT NULL,
	code_hash TEXT NOT NULL,
	ip TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);
CREATE INDEX citizen_code_phone ON citizen_code (phone, created_at);
CREATE INDEX citizen_code_ip ON citizen_code (ip, created_at);

-- Wrong codes entered, per number; five lock the number for a while.
CREATE TABLE citizen_failure (
	id @ID@,
	phone TEXT NOT NULL,
	ip TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX citizen_failure_phone ON citizen_failure (phone, at);

CREATE TABLE citizen_lock (
	phone TEXT PRIMARY KEY,
	until BIGINT NOT NULL
);

-- Sessions of citizens: random tokens stored hashed, apart from officers'.
CREATE TABLE citizen_session (
	id @ID@,
	token_hash TEXT NOT NULL UNIQUE,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id),
	csrf TEXT NOT NULL,
	ip TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	ended_at BIGINT
);
CREATE INDEX citizen_session_citizen ON citizen_session (citizen_id);

-- A dossier being prepared online; dossier_id is set once it is submitted.
CREATE TABLE citizen_draft (
	id @ID@,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id),
	procedure_code TEXT NOT NULL,
	agency TEXT NOT NULL DEFAULT '',
	applicant_name TEXT NOT NULL DEFAULT '',
	applicant_id TEXT NOT NULL DEFAULT '',
	applicant_email TEXT NOT NULL DEFAULT '',
	applicant_address TEXT NOT NULL DEFAULT '',
	request TEXT NOT NULL DEFAULT '',
	dossier_id BIGINT REFERENCES dossier (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX citizen_draft_citizen ON citizen_draft (citizen_id, id);

-- Uploaded files: the bytes live in the upload directory under their
-- SHA-256; a row says whose they are.  kind "document" is the applicant's
-- (doc_index: which document of the procedure), "result" the agency's.
CREATE TABLE dossier_file (
	id @ID@,
	dossier_id BIGINT REFERENCES dossier (id),
	draft_id BIGINT REFERENCES citizen_draft (id),
	kind TEXT NOT NULL CHECK (kind IN ('document', 'result')),
	doc_index BIGINT NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	uploaded_by BIGINT REFERENCES app_user (id),	-- NULL: the applicant
	created_at BIGINT NOT NULL
);
CREATE INDEX dossier_file_dossier ON dossier_file (dossier_id, id);
CREATE INDEX dossier_file_draft ON dossier_file (draft_id, id);

-- The text of the sign-in code (template "citizen.otp", sms) is the
-- notification module's, in 0007.
