-- 0001_base: settings that an administrator may change at run time
-- (office hours, the late-day receipt cutoff, …), one text value per key.
-- updated_at is UTC epoch seconds.
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);
