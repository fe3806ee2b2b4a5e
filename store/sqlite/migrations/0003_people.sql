-- people: a user's name folded to lower case (Unicode, by the store), so
-- the user list's text filter ("name or email contains, in any case")
-- reads a column instead of decoding every record's JSON. The store
-- writes it beside doc in the same statement.
ALTER TABLE users ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';

-- A member's creation time (the user's, which never changes), so a page
-- of a cohort's members in creation order is one range of this index
-- however large the program; role rides along for the student/instructor
-- filter.
ALTER TABLE cohort_members ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cohort_members_page ON cohort_members (cohort_id, created_at, user_id, role);
