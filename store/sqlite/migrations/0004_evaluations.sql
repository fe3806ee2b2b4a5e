-- evaluations: the queue narrowed to an area (an admin's view of one area
-- of the whole program) reads only that area's waiting requests, oldest
-- first, instead of walking every waiting request of the program. Partial:
-- it holds waiting requests only, which the queue query names literally.
CREATE INDEX attempts_area_queue ON attempts (program_id, area, requested_at, id) WHERE status = 'requested';
