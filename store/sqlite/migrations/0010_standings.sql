-- standings: the read model progress reads. One row per student and
-- checklist they have attempts at: the practice count, the waiting
-- request, and each graded evaluation (attempt id, status, when graded,
-- and the signature's time, signer and credential) as a JSON array oldest
-- first: models.Standing, which models.StandingsOf derives the same way
-- from attempts (a test holds the two to the same answers). Triggers keep
-- it in the transaction of every change to attempts, whatever writes it
-- (a use case, the seeder, an archive import), so a dashboard reads one
-- short row per skill instead of every attempt of the student's history.
CREATE TABLE standings (
	program_id   TEXT NOT NULL,
	student_id   TEXT NOT NULL,
	checklist_id TEXT NOT NULL,
	practice     INTEGER NOT NULL,
	open_id      TEXT NOT NULL,
	graded       TEXT NOT NULL,
	PRIMARY KEY (program_id, student_id, checklist_id)
) STRICT, WITHOUT ROWID;

-- standings_source is the standing computed from the attempts; the
-- triggers ask it for one student and checklist, which the
-- attempts_student_skill index answers.
CREATE VIEW standings_source AS
SELECT program_id, student_id, checklist_id,
	count(*) FILTER (WHERE status = 'practiced') AS practice,
	coalesce(max(id) FILTER (WHERE status = 'requested'), '') AS open_id,
	json_group_array(json_object('i', id, 's', status, 'e', json_extract(p, '$.evaluation.evaluatedAt'),
		't', json_extract(p, '$.evaluation.signature.signedAt'),
		'n', json_extract(p, '$.evaluation.signature.signerName'),
		'c', json_extract(p, '$.evaluation.signature.signerCredential')))
		FILTER (WHERE status IN ('passed', 'failed', 'returned') AND json_type(p, '$.evaluation') = 'object') AS graded
FROM (SELECT program_id, student_id, checklist_id, id, status, iif(progress = '', doc, progress) AS p FROM attempts)
GROUP BY program_id, student_id, checklist_id;

-- standings_paused holds a row only inside a bulk load's transaction (the
-- seeder), which refreshes the standings of the students it wrote once at
-- its end (refreshStandings) instead of once per attempt.
CREATE TABLE standings_paused (paused INTEGER NOT NULL) STRICT;

CREATE TRIGGER standings_insert AFTER INSERT ON attempts WHEN NOT EXISTS (SELECT 1 FROM standings_paused) BEGIN
	INSERT OR REPLACE INTO standings (program_id, student_id, checklist_id, practice, open_id, graded)
	SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source
	WHERE program_id = NEW.program_id AND student_id = NEW.student_id AND checklist_id = NEW.checklist_id;
END;

CREATE TRIGGER standings_update AFTER UPDATE OF status, progress ON attempts WHEN NOT EXISTS (SELECT 1 FROM standings_paused) BEGIN
	INSERT OR REPLACE INTO standings (program_id, student_id, checklist_id, practice, open_id, graded)
	SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source
	WHERE program_id = NEW.program_id AND student_id = NEW.student_id AND checklist_id = NEW.checklist_id;
END;

CREATE TRIGGER standings_delete AFTER DELETE ON attempts WHEN NOT EXISTS (SELECT 1 FROM standings_paused) BEGIN
	DELETE FROM standings WHERE program_id = OLD.program_id AND student_id = OLD.student_id AND checklist_id = OLD.checklist_id;
	INSERT INTO standings (program_id, student_id, checklist_id, practice, open_id, graded)
	SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source
	WHERE program_id = OLD.program_id AND student_id = OLD.student_id AND checklist_id = OLD.checklist_id;
END;

INSERT INTO standings (program_id, student_id, checklist_id, practice, open_id, graded)
SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source;

-- Progress no longer reads practice attempts from this covering index.
DROP INDEX attempts_progress;
