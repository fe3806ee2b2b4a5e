-- audit_chain: each program's audit entries form a hash chain
-- (models.ChainHash). seq numbers a program's entries 1, 2, 3 … in the
-- order they were appended; the entry's doc carries its seq, previous hash
-- and hash. audit_heads holds each program's newest link, updated in the
-- transaction that appends an entry. Entries written before this version
-- (seq 0) are linked, in their stored order, by the Go step that runs in
-- this migration's transaction (chainBacklog).
ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX events_chain ON events (program_id, seq) WHERE seq > 0;

CREATE TABLE audit_heads (
	program_id TEXT PRIMARY KEY,
	seq        INTEGER NOT NULL,
	hash       TEXT NOT NULL,
	at         INTEGER NOT NULL
) STRICT;

-- audit_checkpoints: a program's chain head at a time, signed by a key
-- outside the database (key_id names it).
CREATE TABLE audit_checkpoints (
	program_id TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	hash       TEXT NOT NULL,
	at         INTEGER NOT NULL,
	key_id     TEXT NOT NULL,
	signature  TEXT NOT NULL,
	PRIMARY KEY (program_id, seq)
) STRICT;
