-- exports: what the export jobs' lifecycle and the program archive need
-- beyond 0002.

-- The running attempt's (or finished) file and how many times a worker
-- took the job up: the claim filters on attempts.
ALTER TABLE export_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE export_jobs ADD COLUMN file_id TEXT NOT NULL DEFAULT '';
ALTER TABLE export_jobs ADD COLUMN chunks INTEGER NOT NULL DEFAULT 0;
-- The sweep finds the files whose retention passed through this index
-- (direct exports, done without a file, pile up and are skipped by it).
CREATE INDEX export_jobs_expiry ON export_jobs (status, direct, expires_at);

-- The files of abandoned attempts (a worker died, failed, or the file
-- expired), still to be removed; a row goes when its chunks are gone.
CREATE TABLE export_stale_files (
	job_id  TEXT NOT NULL,
	file_id TEXT NOT NULL,
	PRIMARY KEY (job_id, file_id)
) STRICT, WITHOUT ROWID;

-- The archive reads a program's assignments, and an import checks that a
-- program has none, by program alone.
CREATE INDEX export_assignments_program ON assignments (program_id, id);
