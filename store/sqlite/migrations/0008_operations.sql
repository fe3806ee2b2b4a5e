-- operations: mark the file as Skillbook's ("SkBk"), so a restore can tell
-- a Skillbook backup from any other SQLite database. The idempotency table
-- and its expiry index are in 0002.
PRAGMA application_id = 1399538283;
