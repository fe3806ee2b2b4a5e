package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// StudentAttempts lists one student's attempts, newest first (by request
// time, then id, as on SQLite), narrowed by f, a page at a time, through
// the student_history index.
func (s *Store) StudentAttempts(ctx context.Context, programID, studentID string, f models.AttemptFilter, page models.Page) (models.List[models.Attempt], error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := bson.M{"programId": programID, "studentId": studentID}
	if f.ChecklistID != "" {
		q["checklistId"] = f.ChecklistID
	}
	if f.Status != "" {
		q["status"] = f.Status
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		window := bson.M{}
		if !f.From.IsZero() {
			window["$gte"] = f.From.UTC()
		}
		if !f.To.IsZero() {
			window["$lt"] = f.To.UTC()
		}
		q["requestedAt"] = window
	}
	if page.Cursor != "" {
		var k queueKey
		if err := decodeCursor("student-attempts", page.Cursor, &k); err != nil || k.ID == "" {
			return models.List[models.Attempt]{}, invalidCursor()
		}
		at := time.UnixMilli(k.At).UTC()
		q = withAnd(q, bson.M{"$or": bson.A{
			bson.M{"requestedAt": bson.M{"$lt": at}},
			bson.M{"requestedAt": at, "_id": bson.M{"$lt": k.ID}},
		}})
	}
	size := page.Size()
	cur, err := s.collection(colAttempts).Find(ctx, q, options.Find().
		SetSort(bson.D{{Key: "requestedAt", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(size)+1).
		SetProjection(hideEvents))
	if err != nil {
		return models.List[models.Attempt]{}, translate(err, "list attempts of "+studentID)
	}
	items := []models.Attempt{}
	if err := cur.All(ctx, &items); err != nil {
		return models.List[models.Attempt]{}, translate(err, "list attempts of "+studentID)
	}
	out := models.List[models.Attempt]{Items: items}
	if len(items) > size {
		out.Items = items[:size]
		last := items[size-1]
		out.NextCursor = encodeCursor("student-attempts", queueKey{At: last.RequestedAt.UnixMilli(), ID: last.ID})
	}
	return out, nil
}
