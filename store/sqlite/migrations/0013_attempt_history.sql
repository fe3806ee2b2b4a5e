-- A student's attempts, newest first, a page at a time (GET /v1/me/attempts,
-- /v1/students/{id}/attempts): the index holds the keyset (request time, id),
-- so a page is one range read with no sort (a checklist or status filter is
-- checked on the student's rows as they are read).
CREATE INDEX attempts_student_history ON attempts (program_id, student_id, requested_at, id);
