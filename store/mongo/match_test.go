package mongo

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

type status string

func TestMatchDoc(t *testing.T) {
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	raw, err := bson.Marshal(bson.M{
		"_id": "a", "programId": "p", "version": int64(3), "status": "requested", "done": false,
		"leaseUntil": at, "pinFailures": int32(2), "pendingIds": bson.A{"e1"}, "evaluation": bson.M{"id": "ev"},
		"cohortIds": bson.A{"c1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		rest          bson.M
		matched, know bool
	}{
		{"equal", bson.M{"programId": "p", "version": int64(3)}, true, true},
		{"named string type", bson.M{"status": status("requested")}, true, true},
		{"int vs int64", bson.M{"version": 3}, true, true},
		{"other version", bson.M{"version": int64(2)}, false, true},
		{"bool", bson.M{"done": false}, true, true},
		{"bool differs", bson.M{"done": true}, false, true},
		{"time equal", bson.M{"leaseUntil": at}, true, true},
		{"lt", bson.M{"pinFailures": bson.M{"$lt": 5}}, true, true},
		{"lt fails", bson.M{"pinFailures": bson.M{"$lt": 2}}, false, true},
		{"gte time", bson.M{"leaseUntil": bson.M{"$gte": at}}, true, true},
		{"exists nested", bson.M{"evaluation": bson.M{"$exists": true}}, true, true},
		{"not exists", bson.M{"evaluation.signature": bson.M{"$exists": false}}, true, true},
		{"array index exists", bson.M{"pendingIds.0": bson.M{"$exists": true}}, true, true},
		{"array index absent", bson.M{"pendingIds.1": bson.M{"$exists": false}}, true, true},
		{"missing field equality", bson.M{"nope": "x"}, false, true},
		{"ne", bson.M{"status": bson.M{"$ne": "passed"}}, true, true},
		{"array element equality", bson.M{"cohortIds": "c1"}, true, true},
		{"array element differs", bson.M{"cohortIds": "c2"}, false, true},
		{"in", bson.M{"status": bson.M{"$in": []string{"passed", "requested"}}}, true, true},
		{"in on array", bson.M{"cohortIds": bson.M{"$in": bson.A{"c9", "c1"}}}, true, true},
		{"in none", bson.M{"status": bson.M{"$in": []string{}}}, false, true},
		{"nin", bson.M{"status": bson.M{"$nin": []string{"passed"}}}, true, true},
		{"or", bson.M{"$or": bson.A{bson.M{"status": "x"}, bson.M{"done": false}}}, true, true},
		{"or none", bson.M{"$or": bson.A{bson.M{"status": "x"}, bson.M{"done": true}}}, false, true},
		{"and", bson.M{"$and": bson.A{bson.M{"status": "requested"}, bson.M{"version": bson.M{"$gt": 2}}}}, true, true},
		{"nil matches missing", bson.M{"archivedAt": nil}, true, true},
		{"nil does not match a value", bson.M{"status": nil}, false, true},
		{"eq operator", bson.M{"status": bson.M{"$eq": "requested"}}, true, true},
		{"nested equality", bson.M{"evaluation.id": "ev"}, true, true},
		{"type mismatch", bson.M{"version": "3"}, false, true},
		{"unknown operator", bson.M{"status": bson.M{"$regex": "^r"}}, false, false},
		{"path through an array", bson.M{"steps.id": "s1"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, k := matchDoc(raw, tt.rest)
			if m != tt.matched || k != tt.know {
				t.Errorf("matchDoc(%v) = %v, %v; want %v, %v", tt.rest, m, k, tt.matched, tt.know)
			}
		})
	}
}

func TestByIDRefusesWhatItCannotCheck(t *testing.T) {
	for _, f := range []any{
		bson.M{"programId": "p"},
		bson.M{"_id": "a", "$or": bson.A{}},
		bson.M{"_id": "a", "x": bson.M{"$in": bson.A{"y"}}},
		bson.M{"_id": bson.M{"$in": bson.A{"a"}}},
		bson.D{{Key: "_id", Value: "a"}},
	} {
		if _, _, ok := byID(f); ok {
			t.Errorf("byID(%v) took a filter it cannot check", f)
		}
	}
}
