-- The audit trail: every change's event, appended in the change's own
-- transaction. doc is the models.Event as JSON.
CREATE TABLE events (
	id          TEXT PRIMARY KEY,
	program_id  TEXT NOT NULL,
	type        TEXT NOT NULL,
	at          INTEGER NOT NULL,
	actor_id    TEXT NOT NULL,
	subject     TEXT NOT NULL,
	subject_id  TEXT NOT NULL,
	student_id  TEXT NOT NULL DEFAULT '',
	doc         TEXT NOT NULL
) STRICT;
CREATE INDEX events_program_at ON events (program_id, at DESC, id DESC);
CREATE INDEX events_student_at ON events (program_id, student_id, at DESC, id DESC) WHERE student_id <> '';
CREATE INDEX events_subject_at ON events (program_id, subject_id, at DESC, id DESC);
CREATE INDEX events_actor_at ON events (program_id, actor_id, at DESC, id DESC);

-- One row per (event, recipient): the recipient's feed item (read state)
-- and the push delivery queue entry (state, lease, attempts) at once.
CREATE TABLE notifications (
	id              TEXT PRIMARY KEY,
	program_id      TEXT NOT NULL,
	user_id         TEXT NOT NULL,
	event_id        TEXT NOT NULL DEFAULT '',
	event_type      TEXT NOT NULL DEFAULT '',
	category        TEXT NOT NULL,
	title           TEXT NOT NULL,
	body            TEXT NOT NULL,
	data            TEXT NOT NULL DEFAULT '{}',
	created_at      INTEGER NOT NULL,
	read            INTEGER NOT NULL DEFAULT 0,
	read_at         INTEGER NOT NULL DEFAULT 0,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	delivered       TEXT NOT NULL DEFAULT '[]',
	next_attempt_at INTEGER NOT NULL,
	lease_owner     TEXT NOT NULL DEFAULT '',
	lease_until     INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	version         INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX notifications_feed ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id, read, created_at DESC, id DESC);
-- The delivery worker claims due pending pushes through this index only.
CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE state = 'pending';
