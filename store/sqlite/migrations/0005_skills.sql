-- skills: the indexes the checklist, assignment and procedure lists need.
-- Lists of assignments and procedures page by id (as the MongoDB engine
-- does), so each filter has an index ending in id; the cohort and student
-- indexes are partial like 0002's, so queries say cohort_id <> '' or
-- student_id <> ''.
CREATE INDEX assignments_program_id ON assignments (program_id, id);
CREATE INDEX assignments_cohort_id ON assignments (program_id, cohort_id, id) WHERE cohort_id <> '';
CREATE INDEX assignments_student_id ON assignments (program_id, student_id, id) WHERE student_id <> '';
CREATE INDEX assignments_due_id ON assignments (due_date, id) WHERE due_date <> '';

CREATE INDEX procedures_program_id ON procedures (program_id, id);
CREATE INDEX procedures_student_id ON procedures (program_id, student_id, id);
CREATE INDEX procedures_status_id ON procedures (program_id, status, id);
CREATE INDEX procedures_student_status_id ON procedures (program_id, student_id, status, id);
-- Covers the per-student counts by kind and status.
CREATE INDEX procedures_counts ON procedures (program_id, student_id, kind, status);

-- Progress counts a practice attempt by its status alone: this index
-- covers what progress reads of one (attempts_progress), so a cohort's
-- practice history is read from it without touching the attempts' docs.
CREATE INDEX attempts_progress ON attempts (program_id, student_id, status, checklist_id, kind, area, cohort_id, requested_at, version, id);
