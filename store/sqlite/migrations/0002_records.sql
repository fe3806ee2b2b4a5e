-- Skillbook's records. Every table keeps, beside the columns queries
-- filter and sort on, the record as the API reads it whole (doc, the
-- models struct as JSON). Columns and doc are written from the same struct
-- in the same statement. Fields the API never shows (uid, PIN hash, open
-- slot, a device's owner) live only in columns. Times are INTEGER Unix
-- milliseconds (UTC); 0 is "none". version guards every change.

CREATE TABLE programs (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	doc         TEXT NOT NULL
) STRICT;

-- email is stored lower-cased and is unique across programs (an email
-- belongs to one program); uid is set once the invitation is bound.
CREATE TABLE users (
	id           TEXT PRIMARY KEY,
	program_id   TEXT NOT NULL REFERENCES programs (id),
	email        TEXT NOT NULL UNIQUE,
	uid          TEXT,
	role         TEXT NOT NULL,
	active       INTEGER NOT NULL,
	pin_hash     TEXT NOT NULL DEFAULT '',
	pin_failures INTEGER NOT NULL DEFAULT 0,
	version      INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	doc          TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_uid ON users (uid) WHERE uid IS NOT NULL;
CREATE INDEX users_program_role ON users (program_id, role, created_at, id);
CREATE INDEX users_program_created ON users (program_id, created_at, id);

-- Who is in (students) or teaches (instructors) which cohort: kept in the
-- same transaction as the user's row, so cohort rosters are index reads.
CREATE TABLE cohort_members (
	cohort_id  TEXT NOT NULL,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	program_id TEXT NOT NULL,
	role       TEXT NOT NULL,
	PRIMARY KEY (cohort_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX cohort_members_user ON cohort_members (user_id);

-- name_key is the name folded for uniqueness ("any case") within a program.
CREATE TABLE cohorts (
	id          TEXT PRIMARY KEY,
	program_id  TEXT NOT NULL REFERENCES programs (id),
	name_key    TEXT NOT NULL,
	archived    INTEGER NOT NULL,
	version     INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	doc         TEXT NOT NULL,
	UNIQUE (program_id, name_key)
) STRICT;
CREATE INDEX cohorts_program_created ON cohorts (program_id, archived, created_at, id);

-- Checklist versions: the shipped library has program_id '' ; a program's
-- own drafts and versions carry its id. revision guards draft edits.
CREATE TABLE checklists (
	program_id   TEXT NOT NULL,
	checklist_id TEXT NOT NULL,
	version      INTEGER NOT NULL,
	status       TEXT NOT NULL,
	area         TEXT NOT NULL,
	revision     INTEGER NOT NULL DEFAULT 1,
	doc          TEXT NOT NULL,
	PRIMARY KEY (program_id, checklist_id, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX checklists_status ON checklists (program_id, status, checklist_id, version);

CREATE TABLE assignments (
	id                TEXT PRIMARY KEY,
	program_id        TEXT NOT NULL,
	checklist_id      TEXT NOT NULL,
	checklist_version INTEGER NOT NULL,
	area              TEXT NOT NULL,
	cohort_id         TEXT NOT NULL DEFAULT '',
	student_id        TEXT NOT NULL DEFAULT '',
	due_date          TEXT NOT NULL DEFAULT '',
	created_at        INTEGER NOT NULL,
	version           INTEGER NOT NULL,
	doc               TEXT NOT NULL
) STRICT;
CREATE INDEX assignments_cohort ON assignments (program_id, cohort_id, checklist_id) WHERE cohort_id <> '';
CREATE INDEX assignments_student ON assignments (program_id, student_id, checklist_id) WHERE student_id <> '';
CREATE INDEX assignments_due ON assignments (due_date) WHERE due_date <> '';

-- open_slot is 'open' while an evaluation request waits and the attempt's
-- own id otherwise: one open request per student and skill.
CREATE TABLE attempts (
	id            TEXT PRIMARY KEY,
	program_id    TEXT NOT NULL,
	student_id    TEXT NOT NULL,
	cohort_id     TEXT NOT NULL,
	checklist_id  TEXT NOT NULL,
	area          TEXT NOT NULL,
	kind          TEXT NOT NULL,
	status        TEXT NOT NULL,
	open_slot     TEXT NOT NULL,
	evaluation_id TEXT NOT NULL DEFAULT '',
	requested_at  INTEGER NOT NULL,
	evaluated_at  INTEGER NOT NULL DEFAULT 0,
	version       INTEGER NOT NULL,
	doc           TEXT NOT NULL,
	UNIQUE (student_id, checklist_id, open_slot)
) STRICT;
CREATE INDEX attempts_student_skill ON attempts (program_id, student_id, checklist_id, requested_at);
CREATE INDEX attempts_queue ON attempts (program_id, status, requested_at, id);
CREATE INDEX attempts_cohort_queue ON attempts (program_id, cohort_id, status, requested_at, id);
CREATE INDEX attempts_evaluation ON attempts (evaluation_id) WHERE evaluation_id <> '';

CREATE TABLE remediations (
	id           TEXT PRIMARY KEY,
	program_id   TEXT NOT NULL,
	student_id   TEXT NOT NULL,
	checklist_id TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	doc          TEXT NOT NULL
) STRICT;
CREATE INDEX remediations_student ON remediations (program_id, student_id, created_at);

CREATE TABLE procedures (
	id           TEXT PRIMARY KEY,
	program_id   TEXT NOT NULL,
	student_id   TEXT NOT NULL,
	kind         TEXT NOT NULL,
	status       TEXT NOT NULL,
	performed_at TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	doc          TEXT NOT NULL
) STRICT;
CREATE INDEX procedures_student ON procedures (program_id, student_id, created_at, id);
CREATE INDEX procedures_status ON procedures (program_id, status, created_at, id);

CREATE TABLE devices (
	token        TEXT PRIMARY KEY,
	program_id   TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	refreshed_at INTEGER NOT NULL,
	doc          TEXT NOT NULL
) STRICT;
CREATE INDEX devices_user ON devices (user_id, refreshed_at);
CREATE INDEX devices_refreshed ON devices (refreshed_at);

CREATE TABLE notification_prefs (
	user_id    TEXT PRIMARY KEY,
	program_id TEXT NOT NULL,
	muted      TEXT NOT NULL,
	version    INTEGER NOT NULL
) STRICT;

CREATE TABLE export_jobs (
	id          TEXT PRIMARY KEY,
	program_id  TEXT NOT NULL,
	status      TEXT NOT NULL,
	direct      INTEGER NOT NULL,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL DEFAULT 0,
	version     INTEGER NOT NULL,
	doc         TEXT NOT NULL
) STRICT;
CREATE INDEX export_jobs_program ON export_jobs (program_id, created_at, id);
CREATE INDEX export_jobs_status ON export_jobs (status, lease_until);

-- An export file is a run of chunks, so neither writing nor reading holds
-- a whole file in memory.
CREATE TABLE export_chunks (
	file_id    TEXT NOT NULL,
	n          INTEGER NOT NULL,
	program_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	data       BLOB NOT NULL,
	PRIMARY KEY (file_id, n)
) STRICT;
CREATE INDEX export_chunks_created ON export_chunks (created_at);

-- The first response to an Idempotency-Key, replayed to retries.
CREATE TABLE idempotency (
	id          TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	done        INTEGER NOT NULL,
	lease_until INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	response    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX idempotency_expires ON idempotency (expires_at);
