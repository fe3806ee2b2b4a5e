-- standings_versions: each passed evaluation in standings.graded carries
-- the checklist version it was graded on ('v', models.GradedAttempt.Version),
-- which evidence names and reads the codes of. Progress read it from each
-- passed attempt's row before, one primary-key read per pass (behind a
-- cache): more than the rest of a cohort page cost uncached. Other
-- outcomes carry no version, as models.StandingsOf gives them.
DROP VIEW standings_source;
CREATE VIEW standings_source AS
SELECT program_id, student_id, checklist_id,
	count(*) FILTER (WHERE status = 'practiced') AS practice,
	coalesce(max(id) FILTER (WHERE status = 'requested'), '') AS open_id,
	json_group_array(json_object('i', id, 's', status, 'e', json_extract(p, '$.evaluation.evaluatedAt'),
		't', json_extract(p, '$.evaluation.signature.signedAt'),
		'n', json_extract(p, '$.evaluation.signature.signerName'),
		'c', json_extract(p, '$.evaluation.signature.signerCredential'),
		'v', iif(status = 'passed', json_extract(p, '$.checklistVersion'), NULL)))
		FILTER (WHERE status IN ('passed', 'failed', 'returned') AND json_type(p, '$.evaluation') = 'object') AS graded
FROM (SELECT program_id, student_id, checklist_id, id, status, iif(progress = '', doc, progress) AS p FROM attempts)
GROUP BY program_id, student_id, checklist_id;

-- Every standing again, from the attempts (one pass over them, as 0010).
INSERT OR REPLACE INTO standings (program_id, student_id, checklist_id, practice, open_id, graded)
SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source;
