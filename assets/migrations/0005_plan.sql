-- 0005_plan: reform plans — their areas, targets and tasks, the agencies
-- charged with each task, progress reports, target values, the periodic
-- reports agencies owe, the import's warnings and the reminder outbox.
-- See docs/plan.md.

-- A plan as issued: the province's (agency_id NULL) for a year.  The
-- document it was imported from is kept verbatim with its hash, so that
-- importing the same text again changes nothing.
CREATE TABLE plan (
	id @ID@,
	key TEXT NOT NULL UNIQUE,		-- "2021"
	year BIGINT NOT NULL,
	title TEXT NOT NULL,
	issuer_text TEXT NOT NULL,		-- as printed
	issuer_id BIGINT REFERENCES agency (id),
	decision_text TEXT NOT NULL,		-- as printed, may have blanks
	decision_number TEXT,			-- NULL when the document leaves it blank
	decision_date TEXT,			-- YYYY-MM-DD, NULL when blank
	signed_by TEXT NOT NULL,
	agency_plan_due TEXT,			-- agencies' own plans due (seed IV.1.a)
	remind_days BIGINT NOT NULL DEFAULT 14 CHECK (remind_days BETWEEN 0 AND 366),
	source_text TEXT NOT NULL,
	source_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- The fields of reform (I–VII), with the body text of section II.
CREATE TABLE plan_area (
	id @ID@,
	plan_id BIGINT NOT NULL REFERENCES plan (id),
	seq BIGINT NOT NULL,
	code TEXT NOT NULL,			-- "I"
	name TEXT NOT NULL,			-- the appendix heading, as printed
	title TEXT NOT NULL,			-- the heading of section II, or ''
	focus TEXT NOT NULL,			-- the text of section II for it, or ''
	UNIQUE (plan_id, code)
);

-- Targets (chỉ tiêu) of section I.2.  A target per level has rows in
-- plan_target_level; the threshold here is then the province's.
CREATE TABLE plan_target (
	id @ID@,
	plan_id BIGINT NOT NULL REFERENCES plan (id),
	seq BIGINT NOT NULL,
	text TEXT NOT NULL,			-- the clause, as printed
	measure TEXT NOT NULL,
	comparison TEXT NOT NULL CHECK (comparison IN ('>=', '>', '<=', '<', '=')),
	threshold DOUBLE PRECISION,		-- NULL: the text gives no number
	unit TEXT NOT NULL,			-- '%' or a counted unit ("đơn vị")
	indicator TEXT,				-- indicator code computed by kpi/, or NULL: entered
	UNIQUE (plan_id, seq)
);

CREATE TABLE plan_target_level (
	target_id BIGINT NOT NULL REFERENCES plan_target (id),
	level TEXT NOT NULL REFERENCES agency_level (code),
	threshold DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (target_id, level)
);

-- Values of a target per period ("Q1", "H1", "Y" …), entered with their
-- evidence; level '' is the whole province.  The newest row counts.
CREATE TABLE plan_target_value (
	id @ID@,
	target_id BIGINT NOT NULL REFERENCES plan_target (id),
	period TEXT NOT NULL,
	level TEXT NOT NULL,
	value DOUBLE PRECISION NOT NULL,
	evidence TEXT NOT NULL,
	user_id BIGINT REFERENCES app_user (id),
	recorded_at BIGINT NOT NULL
);
CREATE INDEX plan_target_value_target ON plan_target_value (target_id, period, level);

-- Tasks of the appendix.  ref is unique in the plan ("VII.10.a",
-- "III.3-2" for the second row printed as 3); number is as printed.
CREATE TABLE plan_task (
	id @ID@,
	plan_id BIGINT NOT NULL REFERENCES plan (id),
	area_id BIGINT NOT NULL REFERENCES plan_area (id),
	parent_id BIGINT REFERENCES plan_task (id),
	seq BIGINT NOT NULL,
	ref TEXT NOT NULL,
	number TEXT NOT NULL,
	content TEXT NOT NULL,
	product TEXT NOT NULL,
	deadline_text TEXT NOT NULL,
	deadline_kind TEXT NOT NULL CHECK (deadline_kind IN
		('date', 'dates', 'recurring', 'conditional', 'none', 'unknown')),
	deadline_dates TEXT NOT NULL,		-- "2021-06-30,2021-12-31"; '' for none
	starts_on TEXT,				-- a range's first day
	ongoing BIGINT NOT NULL DEFAULT 0,	-- "… và các năm tiếp theo"
	lead_text TEXT NOT NULL,
	coordinating_text TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (plan_id, ref)
);
CREATE INDEX plan_task_plan ON plan_task (plan_id, seq);

-- The agencies charged with a task; via is the group phrase an agency
-- came from ("UBND các huyện, thị xã, thành phố"), '' when named.
CREATE TABLE plan_task_agency (
	task_id BIGINT NOT NULL REFERENCES plan_task (id),
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	role TEXT NOT NULL CHECK (role IN ('lead', 'coordinating')),
	via TEXT NOT NULL,
	PRIMARY KEY (task_id, agency_id, role)
);
CREATE INDEX plan_task_agency_agency ON plan_task_agency (agency_id, role);

-- Progress reports: by an agency, on the date they speak for (day), with
-- the time they were recorded.  Append-only, like the audit log.
CREATE TABLE plan_progress (
	id @ID@,
	task_id BIGINT NOT NULL REFERENCES plan_task (id),
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	user_id BIGINT REFERENCES app_user (id),
	status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
	percent BIGINT NOT NULL CHECK (percent BETWEEN 0 AND 100),
	note TEXT NOT NULL,
	evidence TEXT NOT NULL,			-- links or document references, one a line
	day TEXT NOT NULL,			-- YYYY-MM-DD
	recorded_at BIGINT NOT NULL
);
CREATE INDEX plan_progress_task ON plan_progress (task_id, day, id);

-- The reports each agency owes: its own yearly plan ("plan", seed IV.1.a)
-- and the periodic reports (seed IV.3.b).
CREATE TABLE plan_period (
	plan_id BIGINT NOT NULL REFERENCES plan (id),
	code TEXT NOT NULL,			-- plan, Q1, H1, Q3, Y
	starts_on TEXT NOT NULL,
	ends_on TEXT NOT NULL,
	due_on TEXT NOT NULL,
	PRIMARY KEY (plan_id, code)
);

CREATE TABLE plan_submission (
	id @ID@,
	plan_id BIGINT NOT NULL REFERENCES plan (id),
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	period TEXT NOT NULL,
	reference TEXT NOT NULL,		-- "Báo cáo số 12/BC-SNV ngày …"
	link TEXT NOT NULL,
	summary TEXT NOT NULL,
	day TEXT NOT NULL,			-- the day it was sent
	user_id BIGINT REFERENCES app_user (id),
	recorded_at BIGINT NOT NULL,
	UNIQUE (plan_id, agency_id, period)
);

-- What the importer could not take as it stood, for a person to review.
CREATE TABLE plan_warning (
	id @ID@,
	plan_id BIGINT NOT NULL REFERENCES plan (id),
	seq BIGINT NOT NULL,
	kind TEXT NOT NULL,
	severity TEXT NOT NULL CHECK (severity IN ('review', 'info')),
	place TEXT NOT NULL,
	message TEXT NOT NULL,			-- in English; shown from kind and args
	args TEXT NOT NULL,			-- JSON array of the message's values
	excerpt TEXT NOT NULL,			-- the text concerned, verbatim
	line BIGINT NOT NULL,
	resolved_at BIGINT,
	resolved_by BIGINT REFERENCES app_user (id),
	resolution TEXT,
	UNIQUE (plan_id, kind, place, excerpt)
);

-- Reminders waiting to be sent by the notification outbox (issue 8):
-- one per agency, subject and due date, so queueing again adds nothing.
CREATE TABLE plan_reminder (
	id @ID@,
	plan_id BIGINT NOT NULL REFERENCES plan (id),
	agency_id BIGINT NOT NULL REFERENCES agency (id),
	kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'report_due', 'report_overdue')),
	subject TEXT NOT NULL,			-- "task:VI.4" or "period:Q1"
	due_on TEXT NOT NULL,
	message TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
	created_at BIGINT NOT NULL,
	sent_at BIGINT,
	UNIQUE (plan_id, agency_id, kind, subject, due_on)
);
CREATE INDEX plan_reminder_status ON plan_reminder (status, id);

-- @sqlite
CREATE TRIGGER plan_progress_no_update BEFORE UPDATE ON plan_progress
BEGIN SELECT RAISE(ABORT, 'progress reports are append-only'); END;
CREATE TRIGGER plan_progress_no_delete BEFORE DELETE ON plan_progress
BEGIN SELECT RAISE(ABORT, 'progress reports are append-only'); END;
-- @postgresql
CREATE TRIGGER plan_progress_append_only BEFORE UPDATE OR DELETE ON plan_progress
	FOR EACH ROW EXECUTE FUNCTION cchc_append_only();
-- @end
