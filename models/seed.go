package models

// SeedBatch is a set of prepared records that `skillbook seed` writes in
// bulk for load tests and demos. Records are stored as given (ids,
// versions, times, uids, signatures), as if every event about them had
// already been relayed; the audit trail is Audit.
type SeedBatch struct {
	Cohorts      []Cohort
	Users        []User
	Assignments  []Assignment
	Attempts     []Attempt
	Remediations []Remediation
	Procedures   []Procedure
	Practicum    []PracticumEntry
	Devices      []Device
	Audit        []Event
}

// Size is the number of records in b.
func (b *SeedBatch) Size() int {
	return len(b.Cohorts) + len(b.Users) + len(b.Assignments) + len(b.Attempts) + len(b.Remediations) +
		len(b.Procedures) + len(b.Practicum) + len(b.Devices) + len(b.Audit)
}
