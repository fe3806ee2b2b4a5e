-- pin_set_at: when the signing PIN was last set (0 for one set before this
-- version, or none). A PIN is refused when the instructor's sign-in
-- sessions were revoked after it was set.
ALTER TABLE users ADD COLUMN pin_set_at INTEGER NOT NULL DEFAULT 0;
