package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// CreatePracticumEntry stores practicum entry p with its events
// (createLogged).
func (s *Store) CreatePracticumEntry(ctx context.Context, p models.PracticumEntry, events ...models.Event) (models.PracticumEntry, bool, error) {
	return createLogged(ctx, s, colPracticum, p, events)
}

// PracticumEntry returns the practicum entry with id in program.
func (s *Store) PracticumEntry(ctx context.Context, programID, id string) (models.PracticumEntry, error) {
	return loggedIn[models.PracticumEntry](ctx, s, colPracticum, programID, id)
}

// PracticumEntries lists a program's practicum entries, newest logged
// first.
func (s *Store) PracticumEntries(ctx context.Context, programID string, f models.PracticumFilter, page models.Page) (models.List[models.PracticumEntry], error) {
	return listLogged[models.PracticumEntry](ctx, s, colPracticum, programID, f.StudentIDs, f.Status, page)
}

// ReviewPracticumEntry records decided, the review of a pending entry,
// with its events, once (reviewLogged).
func (s *Store) ReviewPracticumEntry(ctx context.Context, decided models.PracticumEntry, version int64, events ...models.Event) (models.PracticumEntry, error) {
	return reviewLogged(ctx, s, colPracticum, decided, version, events)
}

// PracticumTotals sums, in one query, each student's practicum hours by
// site and status: totals[studentID][site].
func (s *Store) PracticumTotals(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.HoursCount, error) {
	out := make(map[string]map[string]models.HoursCount, len(studentIDs))
	if len(studentIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colPracticum).Aggregate(ctx, bson.A{
		bson.M{"$match": bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}}},
		bson.M{"$group": bson.M{
			"_id": bson.M{"s": "$studentId", "site": "$site", "st": "$status"},
			"h":   bson.M{"$sum": "$hours"},
		}},
	}, options.Aggregate().SetBatchSize(bulkBatch))
	if err != nil {
		return nil, translate(err, "sum practicum hours")
	}
	var rows []struct {
		Key struct {
			StudentID string                 `bson:"s"`
			Site      string                 `bson:"site"`
			Status    models.ProcedureStatus `bson:"st"`
		} `bson:"_id"`
		Hours float64 `bson:"h"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "sum practicum hours")
	}
	for _, r := range rows {
		bySite := out[r.Key.StudentID]
		if bySite == nil {
			bySite = map[string]models.HoursCount{}
			out[r.Key.StudentID] = bySite
		}
		c := bySite[r.Key.Site]
		c.Add(r.Key.Status, r.Hours)
		bySite[r.Key.Site] = c
	}
	return out, nil
}
