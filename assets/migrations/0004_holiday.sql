-- 0004_holiday: the official schedules of days off that admins add, one
-- notice a year (src/holiday/holiday.h).
--
-- A notice is one saved version of one year's whole schedule: the days
-- that differ from the Monday–Friday week, each with the notice that set
-- it.  Saving never updates: it appends a notice with the next revision of
-- its year, and the latest revision is the year's schedule.  The schedules
-- built into the program (assets/data/holidays.tsv) are revision 0 of
-- their years.  Both tables are append-only, like the audit log.

CREATE TABLE holiday_notice (
	id @ID@,
	year BIGINT NOT NULL CHECK (year BETWEEN 1900 AND 2199),
	revision BIGINT NOT NULL CHECK (revision > 0),
	notice TEXT NOT NULL,		-- its number and title, e.g. '1234/TB-BNV'
	-- calendar_version() with this notice in force, in the process that
	-- saved it: what the deadlines computed on it record.
	calendar_version TEXT NOT NULL,
	user_id BIGINT REFERENCES app_user (id),
	username TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (year, revision)
);

CREATE TABLE holiday_notice_day (
	notice_id BIGINT NOT NULL REFERENCES holiday_notice (id),
	date TEXT NOT NULL,		-- YYYY-MM-DD, in the notice's year
	kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
	name TEXT NOT NULL,
	notice TEXT NOT NULL,		-- the notice that set this day
	PRIMARY KEY (notice_id, date)
);

-- @sqlite
CREATE TRIGGER holiday_notice_no_update BEFORE UPDATE ON holiday_notice
BEGIN SELECT RAISE(ABORT, 'holiday notices are append-only'); END;
CREATE TRIGGER holiday_notice_no_delete BEFORE DELETE ON holiday_notice
BEGIN SELECT RAISE(ABORT, 'holiday notices are append-only'); END;
CREATE TRIGGER holiday_notice_day_no_update BEFORE UPDATE ON holiday_notice_day
BEGIN SELECT RAISE(ABORT, 'holiday notices are append-only'); END;
CREATE TRIGGER holiday_notice_day_no_delete BEFORE DELETE ON holiday_notice_day
BEGIN SELECT RAISE(ABORT, 'holiday notices are append-only'); END;
-- @postgresql
CREATE TRIGGER holiday_notice_append_only BEFORE UPDATE OR DELETE ON holiday_notice
	FOR EACH ROW EXECUTE FUNCTION cchc_append_only();
CREATE TRIGGER holiday_notice_day_append_only BEFORE UPDATE OR DELETE ON holiday_notice_day
	FOR EACH ROW EXECUTE FUNCTION cchc_append_only();
-- @end
