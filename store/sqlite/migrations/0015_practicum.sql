-- practicum: procedures record whether they succeeded (those logged before
-- count as successful), and students' practicum (externship) hours, by
-- day and site, pending an instructor's record of the preceptor's
-- confirmation.
ALTER TABLE procedures ADD COLUMN successful INTEGER NOT NULL DEFAULT 1;
DROP INDEX procedures_counts;
CREATE INDEX procedures_counts ON procedures (program_id, student_id, kind, status, successful);

CREATE TABLE practicum (
	id           TEXT PRIMARY KEY,
	program_id   TEXT NOT NULL,
	student_id   TEXT NOT NULL,
	status       TEXT NOT NULL,
	site         TEXT NOT NULL,
	hours        REAL NOT NULL,
	work_date    TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	doc          TEXT NOT NULL
) STRICT;
-- Lists page by id, as procedures do; totals read a covering index.
CREATE INDEX practicum_program_id ON practicum (program_id, id);
CREATE INDEX practicum_student_id ON practicum (program_id, student_id, id);
CREATE INDEX practicum_status_id ON practicum (program_id, status, id);
CREATE INDEX practicum_student_status_id ON practicum (program_id, student_id, status, id);
CREATE INDEX practicum_totals ON practicum (program_id, student_id, site, status, hours);
