package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// CreateProcedure stores procedure p with its events (createLogged).
func (s *Store) CreateProcedure(ctx context.Context, p models.Procedure, events ...models.Event) (models.Procedure, bool, error) {
	return createLogged(ctx, s, colProcedures, p, events)
}

// Procedure returns the procedure with id in program.
func (s *Store) Procedure(ctx context.Context, programID, id string) (models.Procedure, error) {
	return loggedIn[models.Procedure](ctx, s, colProcedures, programID, id)
}

// Procedures lists a program's procedures, newest logged first.
func (s *Store) Procedures(ctx context.Context, programID string, f models.ProcedureFilter, page models.Page) (models.List[models.Procedure], error) {
	return listLogged[models.Procedure](ctx, s, colProcedures, programID, f.StudentIDs, f.Status, page)
}

// ReviewProcedure records decided, the review of a pending procedure,
// with its events, once (reviewLogged).
func (s *Store) ReviewProcedure(ctx context.Context, decided models.Procedure, version int64, events ...models.Event) (models.Procedure, error) {
	return reviewLogged(ctx, s, colProcedures, decided, version, events)
}

// ProcedureCounts counts, in one query, the procedures of each student
// by kind, status and success: counts[studentID][kind].
func (s *Store) ProcedureCounts(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.ProcedureCount, error) {
	out := make(map[string]map[string]models.ProcedureCount, len(studentIDs))
	if len(studentIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colProcedures).Aggregate(ctx, bson.A{
		bson.M{"$match": bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}}},
		bson.M{"$group": bson.M{
			// A procedure logged before success was recorded has none:
			// its key's ok is null, and it counts as successful.
			"_id": bson.M{"s": "$studentId", "k": "$kind", "st": "$status", "ok": "$successful"},
			"n":   bson.M{"$sum": 1},
		}},
	}, options.Aggregate().SetBatchSize(bulkBatch))
	if err != nil {
		return nil, translate(err, "count procedures")
	}
	var rows []struct {
		Key struct {
			StudentID string                 `bson:"s"`
			Kind      string                 `bson:"k"`
			Status    models.ProcedureStatus `bson:"st"`
			OK        *bool                  `bson:"ok"`
		} `bson:"_id"`
		N int `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "count procedures")
	}
	for _, r := range rows {
		byKind := out[r.Key.StudentID]
		if byKind == nil {
			byKind = map[string]models.ProcedureCount{}
			out[r.Key.StudentID] = byKind
		}
		c := byKind[r.Key.Kind]
		c.Add(r.Key.Status, r.Key.OK == nil || *r.Key.OK, r.N)
		byKind[r.Key.Kind] = c
	}
	return out, nil
}
