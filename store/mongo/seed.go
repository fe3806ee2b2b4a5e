package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// Seed writes go out in unordered inserts of seedChunk documents, from
// seedWriters connections at once so that encoding overlaps the engine's
// writes.
const (
	seedChunk          = 1000
	seedWritersDefault = 4
)

// relayed is the stored form of a record whose events were all relayed:
// what docWithEvents writes when there are none.
type relayed[T any] struct {
	Doc        T              `bson:",inline"`
	Pending    map[string]any `bson:"pending"`
	PendingIDs []string       `bson:"pendingIds"`
	HasPending bool           `bson:"hasPending"`
}

func asRelayed[T any](v T) relayed[T] {
	return relayed[T]{Doc: v, Pending: map[string]any{}, PendingIDs: []string{}}
}

// InsertSeed writes b with unordered bulk inserts and returns how many
// documents it wrote. Assignment ids are derived here as CreateAssignment
// derives them, invitations that are not bound get their placeholder uid,
// and emails are normalized. It is meant for a new program: a duplicate key
// is an error.
func (s *Store) InsertSeed(ctx context.Context, b models.SeedBatch) (written int, err error) {
	type chunk struct {
		col  string
		docs []any
	}
	// Cohorts, users and assignments go first: no reader sees a record
	// that refers to one not written yet.
	var first, rest []chunk
	add := func(to *[]chunk, col string, docs []any) {
		for start := 0; start < len(docs); start += seedChunk {
			*to = append(*to, chunk{col, docs[start:min(start+seedChunk, len(docs))]})
		}
	}
	add(&first, colCohorts, each(b.Cohorts, func(c models.Cohort) any {
		return asRelayed(cohortDoc{Cohort: c, NameKey: cohortNameKey(c.Name)})
	}))
	add(&first, colUsers, each(b.Users, func(u models.User) any {
		u.Email = models.NormalizeEmail(u.Email)
		if !u.Bound {
			u.UID = unboundUID(u.ID)
		}
		if u.CohortIDs == nil {
			u.CohortIDs = []string{}
		}
		return asRelayed(u)
	}))
	add(&first, colAssignments, each(b.Assignments, func(a models.Assignment) any {
		a.ID = assignmentID(a)
		return asRelayed(a)
	}))
	add(&rest, colAttempts, each(b.Attempts, func(a models.Attempt) any { return asRelayed(a) }))
	add(&rest, colProcedures, each(b.Procedures, func(p models.Procedure) any { return asRelayed(p) }))
	add(&rest, colPracticum, each(b.Practicum, func(p models.PracticumEntry) any { return asRelayed(p) }))
	add(&rest, colRemediations, each(b.Remediations, func(r models.Remediation) any { return asRelayed(r) }))
	add(&rest, colDevices, each(b.Devices, func(d models.Device) any { return d }))

	chunks := append(first, rest...)
	for _, c := range chunks {
		cctx, cancel := s.bound(ctx)
		res, err := s.collection(c.col).InsertMany(cctx, c.docs, options.InsertMany().SetOrdered(false))
		cancel()
		if res != nil {
			written += len(res.InsertedIDs)
		}
		if err != nil {
			return written, translate(err, fmt.Sprintf("seed %s", c.col))
		}
	}
	// The audit entries are linked into the program's chain as given.
	if err := s.appendAuditEntries(ctx, b.Audit); err != nil {
		return written, fmt.Errorf("seed audit: %w", err)
	}
	return written + len(b.Audit), nil
}

func each[T any](xs []T, f func(T) any) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
