package models

// AuditFilter selects entries of a program's audit trail; an empty field
// selects any.
type AuditFilter struct {
	// ActorID keeps the changes made by this user.
	ActorID string
	// StudentID keeps the changes about this student's records.
	StudentID string
	// Subject keeps the changes of this kind of record (user, cohort,
	// attempt …), SubjectID those of this record.
	Subject   string
	SubjectID string
	// Type keeps the events of this type.
	Type EventType
}
