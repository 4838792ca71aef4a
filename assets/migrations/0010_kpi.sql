-- 0010_kpi: what the indicators read besides the dossier counters
-- (docs/kpi.md): monthly rollups of kpi_counter per agency subtree, the
-- values people enter for what only they know, and the settings of the
-- Decision 766 index.

-- kpi_counter summed per month over each agency's whole subtree: the row
-- of agency A holds A's own counters and those of every agency below it,
-- so a dashboard for a year reads 12 rows per metric whatever the number
-- of dossiers.  Kept by the triggers below in the transaction that
-- changes kpi_counter (the dossier engine's own), so the two always
-- agree; `cchc kpi rebuild --fix` rewrites both.
CREATE TABLE kpi_month (
	agency_id BIGINT NOT NULL,
	month TEXT NOT NULL,			-- 'YYYY-MM', local time
	metric TEXT NOT NULL,
	value BIGINT NOT NULL,
	PRIMARY KEY (agency_id, month, metric)
);

-- One metric over every agency (who published, the public statistics).
CREATE INDEX kpi_month_metric ON kpi_month (metric, month, agency_id);

-- The depths of the agency tree the triggers climb: an agency's path is
-- its ancestors' ids, each zero-padded to 8 digits ("/00000001/00000004/").
CREATE TABLE kpi_depth (k INTEGER PRIMARY KEY);
INSERT INTO kpi_depth (k) VALUES (0), (1), (2), (3), (4), (5), (6), (7);

-- @sqlite
CREATE TRIGGER kpi_counter_insert AFTER INSERT ON kpi_counter
BEGIN
	INSERT INTO kpi_month (agency_id, month, metric, value)
	SELECT CAST(substr(a.path, 2 + 9 * d.k, 8) AS INTEGER), substr(NEW.day, 1, 7),
		NEW.metric, NEW.value
	FROM agency a JOIN kpi_depth d ON length(a.path) >= 10 + 9 * d.k
	WHERE a.id = NEW.agency_id
	ON CONFLICT (agency_id, month, metric) DO UPDATE SET value = kpi_month.value + excluded.value;
END;
CREATE TRIGGER kpi_counter_update AFTER UPDATE ON kpi_counter
BEGIN
	UPDATE kpi_month SET value = value + NEW.value - OLD.value
	WHERE month = substr(NEW.day, 1, 7) AND metric = NEW.metric AND agency_id IN
		(SELECT CAST(substr(a.path, 2 + 9 * d.k, 8) AS INTEGER)
		 FROM agency a JOIN kpi_depth d ON length(a.path) >= 10 + 9 * d.k
		 WHERE a.id = NEW.agency_id);
END;
CREATE TRIGGER kpi_counter_delete AFTER DELETE ON kpi_counter
BEGIN
	UPDATE kpi_month SET value = value - OLD.value
	WHERE month = substr(OLD.day, 1, 7) AND metric = OLD.metric AND agency_id IN
		(SELECT CAST(substr(a.path, 2 + 9 * d.k, 8) AS INTEGER)
		 FROM agency a JOIN kpi_depth d ON length(a.path) >= 10 + 9 * d.k
		 WHERE a.id = OLD.agency_id);
END;
-- @postgresql
CREATE FUNCTION cchc_kpi_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE kpi_month SET value = value - OLD.value
		WHERE month = substr(OLD.day, 1, 7) AND metric = OLD.metric AND agency_id IN
			(SELECT CAST(substr(a.path, 2 + 9 * d.k, 8) AS BIGINT)
			 FROM agency a JOIN kpi_depth d ON length(a.path) >= 10 + 9 * d.k
			 WHERE a.id = OLD.agency_id);
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO kpi_month (agency_id, month, metric, value)
		SELECT CAST(substr(a.path, 2 + 9 * d.k, 8) AS BIGINT), substr(NEW.day, 1, 7),
			NEW.metric, NEW.value
		FROM agency a JOIN kpi_depth d ON length(a.path) >= 10 + 9 * d.k
		WHERE a.id = NEW.agency_id
		ON CONFLICT (agency_id, month, metric)
		DO UPDATE SET value = kpi_month.value + excluded.value;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER kpi_counter_rollup AFTER INSERT OR UPDATE OR DELETE ON kpi_counter
	FOR EACH ROW EXECUTE FUNCTION cchc_kpi_rollup();
-- @end

-- Counters already there (a database from before this migration).
INSERT INTO kpi_month (agency_id, month, metric, value)
SELECT CAST(substr(a.path, 2 + 9 * d.k, 8) AS BIGINT), substr(c.day, 1, 7), c.metric, SUM(c.value)
FROM kpi_counter c JOIN agency a ON a.id = c.agency_id
	JOIN kpi_depth d ON length(a.path) >= 10 + 9 * d.k
GROUP BY CAST(substr(a.path, 2 + 9 * d.k, 8) AS BIGINT), substr(c.day, 1, 7), c.metric;

-- The backlog by age (counts only): the open dossiers of an agency by
-- receipt, covering what is counted so the table itself is not read.
CREATE INDEX kpi_open ON dossier (agency_id, received_at, due_at, finished_at)
	WHERE finished_at IS NULL;
-- Open steps past their deadline, for "late by step" (counts only).
CREATE INDEX kpi_step_open ON dossier_step (agency_id, due_at) WHERE finished_at IS NULL;

-- Indicators only people know (disbursement of public investment …),
-- entered by monitors and reporters per agency and period.  The newest
-- row of an (indicator, agency, period) counts; rows are never changed,
-- so the list is its own history, and each is in the audit log too.
CREATE TABLE kpi_entry (
	id @ID@,
	indicator TEXT NOT NULL,
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	period TEXT NOT NULL,			-- '2026', '2026-Q1', '2026-H1', '2026-03'
	value DOUBLE PRECISION NOT NULL,
	evidence TEXT NOT NULL,
	user_id BIGINT REFERENCES app_user (id),
	recorded_at BIGINT NOT NULL
);
CREATE INDEX kpi_entry_key ON kpi_entry (indicator, agency_id, period, id);

-- Settings of the indicators (the 766 sub-weights): a row overrides the
-- default documented in docs/kpi.md.
CREATE TABLE kpi_setting (
	key TEXT PRIMARY KEY,
	value DOUBLE PRECISION NOT NULL,
	user_id BIGINT REFERENCES app_user (id),
	updated_at BIGINT NOT NULL
);
