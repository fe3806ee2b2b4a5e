-- pin_lock: when a signing PIN locked (0 while it is not, and for a PIN
-- locked before this version) and how many tries were refused since. A
-- try on a locked PIN is refused before it is checked and only counted
-- here; the lock's audit entry and the next PIN set carry the count.
ALTER TABLE users ADD COLUMN pin_locked_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pin_refused INTEGER NOT NULL DEFAULT 0;
