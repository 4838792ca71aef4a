-- 0007_notify: the outbox of messages and their versioned templates.

-- A template is never changed: a new text is a new version, and each
-- message records the version it was made from.
CREATE TABLE notify_template (
	id @ID@,
	key TEXT NOT NULL,			-- "dossier.received", "citizen.otp", …
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'webhook')),
	version BIGINT NOT NULL,
	subject TEXT NOT NULL,			-- e-mail subject; '' for SMS
	body TEXT NOT NULL,			-- with {placeholders}
	created_at BIGINT NOT NULL,
	UNIQUE (key, channel, version)
);

CREATE TABLE notify_message (
	id @ID@,
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'webhook')),
	recipient TEXT NOT NULL,
	template_key TEXT NOT NULL,
	template_version BIGINT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	dossier_id BIGINT REFERENCES dossier (id),
	state TEXT NOT NULL DEFAULT 'created' CHECK (state IN
		('created', 'sending', 'delivered', 'temp_failed', 'failed', 'tech_failed')),
	attempts BIGINT NOT NULL DEFAULT 0,
	next_at BIGINT NOT NULL,		-- not before (backoff)
	lease_owner TEXT,			-- the worker sending it now
	lease_until BIGINT,
	gateway_ref TEXT NOT NULL DEFAULT '',	-- the gateway's id, for receipts
	segments BIGINT NOT NULL DEFAULT 0,	-- SMS parts
	encoding TEXT NOT NULL DEFAULT '',	-- gsm7, ucs2
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	delivered_at BIGINT
);
CREATE INDEX notify_message_due ON notify_message (state, next_at);
CREATE INDEX notify_message_dossier ON notify_message (dossier_id, id);
