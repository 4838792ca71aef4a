-- 0002_org: agencies, users, sessions, API tokens, sign-in failures, audit log.

-- Levels of government are data: 2021 had three (province, district,
-- commune); since July 2025 two (province, commune).
CREATE TABLE agency_level (
	code TEXT PRIMARY KEY,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	rank BIGINT NOT NULL
);
INSERT INTO agency_level (code, name_vi, name_en, rank) VALUES
	('province', 'Cấp tỉnh', 'Province', 1),
	('district', 'Cấp huyện', 'District', 2),
	('commune', 'Cấp xã', 'Commune', 3);

CREATE TABLE agency (
	id @ID@,
	key TEXT NOT NULL UNIQUE,
	parent_id BIGINT REFERENCES agency (id),
	level TEXT NOT NULL REFERENCES agency_level (code),
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	short_name TEXT NOT NULL,
	eid TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL DEFAULT 'active'
		CHECK (status IN ('active', 'retired', 'merged')),
	merged_into BIGINT REFERENCES agency (id),
	path TEXT NOT NULL UNIQUE,
	depth BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX agency_parent ON agency (parent_id);

-- Former names, so records keep the name they had when they were made.
CREATE TABLE agency_name_history (
	id @ID@,
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	name TEXT NOT NULL,
	short_name TEXT NOT NULL,
	valid_until BIGINT NOT NULL
);
CREATE INDEX agency_name_history_agency ON agency_name_history (agency_id);

CREATE TABLE app_user (
	id @ID@,
	username TEXT NOT NULL UNIQUE,
	full_name TEXT NOT NULL,
	roles TEXT NOT NULL,
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	password_hash TEXT NOT NULL,
	must_change_password BIGINT NOT NULL DEFAULT 0,
	disabled BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX app_user_agency ON app_user (agency_id);

-- Sessions: only the SHA-256 of the token is stored.
CREATE TABLE session (
	id @ID@,
	token_hash TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES app_user (id),
	csrf TEXT NOT NULL,
	ip TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	ended_at BIGINT
);
CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE api_token (
	id @ID@,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES app_user (id),
	created_by BIGINT REFERENCES app_user (id),
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	revoked_at BIGINT
);

CREATE TABLE login_failure (
	id @ID@,
	username TEXT NOT NULL,
	ip TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX login_failure_username ON login_failure (username, at);
CREATE INDEX login_failure_ip ON login_failure (ip, at);

-- The audit log: append-only, written in the transaction of the change.
CREATE TABLE audit (
	id @ID@,
	at BIGINT NOT NULL,
	user_id BIGINT,
	username TEXT NOT NULL,
	ip TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	before_json TEXT,
	after_json TEXT,
	actor_path TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_object ON audit (object_type, object_id);
CREATE INDEX audit_username ON audit (username, at);
CREATE INDEX audit_actor_path ON audit (actor_path, id);

-- @sqlite
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- @postgresql
CREATE FUNCTION cchc_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION cchc_append_only();
-- @end
