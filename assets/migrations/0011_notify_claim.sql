-- 0011_notify_claim: the worker claims due messages of the channels it
-- can send by index.  With (state, next_at) alone it walked every waiting
-- message of a channel that has no gateway (SMS on a server without
-- Kannel) once a second, holding SQLite's write lock while it did.
DROP INDEX notify_message_due;
CREATE INDEX notify_message_claim ON notify_message (channel, state, next_at);
