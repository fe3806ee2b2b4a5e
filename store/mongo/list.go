package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// listByID returns one page of the documents matching q, ordered by _id
// (ascending for dir 1, descending for -1). Ids are UUIDv7, so that is
// creation order; the cursor is the last id of the page, so pages stay
// stable while documents are added. The cursor names the collection, so
// one made up or taken from another list is refused (as on SQLite).
func listByID[T any](ctx context.Context, col *mongo.Collection, q bson.M, page models.Page, dir int, what string) (models.List[T], error) {
	if page.Cursor != "" {
		var after string
		if err := decodeCursor(col.Name(), page.Cursor, &after); err != nil || after == "" || len(after) > 64 {
			return models.List[T]{}, invalidCursor()
		}
		op := "$gt"
		if dir < 0 {
			op = "$lt"
		}
		q = withAnd(q, bson.M{"_id": bson.M{op: after}})
	}
	size := page.Size()
	cur, err := col.Find(ctx, q, options.Find().
		SetSort(bson.D{{Key: "_id", Value: dir}}).
		SetLimit(int64(size)+1).
		SetProjection(hideEvents))
	if err != nil {
		return models.List[T]{}, translate(err, what)
	}
	var raws []bson.Raw
	if err := cur.All(ctx, &raws); err != nil {
		return models.List[T]{}, translate(err, what)
	}
	out := models.List[T]{Items: make([]T, 0, min(len(raws), size))}
	for i, raw := range raws {
		if i == size {
			id, _ := raws[i-1].Lookup("_id").StringValueOK()
			out.NextCursor = encodeCursor(col.Name(), id)
			break
		}
		var v T
		if err := bson.Unmarshal(raw, &v); err != nil {
			return models.List[T]{}, fmt.Errorf("%s: decode: %w", what, err)
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// withAnd combines two filters without one's keys overwriting the other's.
func withAnd(a, b bson.M) bson.M {
	return bson.M{"$and": bson.A{a, b}}
}

func invalidCursor() error {
	v := &models.ValidationError{}
	v.Add("cursor", "is not a cursor this list returned")
	return v
}
