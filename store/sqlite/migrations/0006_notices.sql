-- notices: the audit trail filtered by event type alone, or by the kind of
-- record alone, newest first (0001 indexes actor, student and subject id).
CREATE INDEX events_type_at ON events (program_id, type, at DESC, id DESC);
CREATE INDEX events_kind_at ON events (program_id, subject, at DESC, id DESC);
