-- progress: each attempt's progress summary, the part of its doc progress
-- reads (progressAttempt in progress.go: no names, titles, step grades,
-- notes, comments, grading rules or amendments), written with the doc by
-- every write of the row, so that a cohort's progress decodes a few
-- hundred bytes per evaluation instead of the whole record.
ALTER TABLE attempts ADD COLUMN progress TEXT NOT NULL DEFAULT '';
UPDATE attempts SET progress = json_remove(doc, '$.studentName', '$.checklistTitle', '$.steps', '$.note', '$.amendments',
	'$.evaluation.steps', '$.evaluation.comment', '$.evaluation.failedCritical', '$.evaluation.grading');
