-- people: a user's name folded to lower case (Unicode, by the store), so
-- the user list's text filter ("name or email contains, in any case")
-- reads a column instead of decoding every record's JSON. The store
-- writes it beside doc in the same statement.
ALTER TABLE users ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
