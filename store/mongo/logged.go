package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// The records students log and instructors then confirm or reject once
// (models.Logged: procedures, practicum hours) are kept by one mechanism,
// over the kind's collection: createLogged, loggedIn, listLogged and
// reviewLogged.

// createLogged stores p in col with its events in one insert. A
// client-chosen id makes an offline retry safe: when the program already
// holds a record with p's id, that stored record is returned with created
// false (the caller decides whether it is the same entry), and p's events
// are dropped; an id another program uses is models.ErrConflict. A p
// without an id gets a new one.
func createLogged[T any, P models.Logged[T]](ctx context.Context, s *Store, col string, p T, events []models.Event) (_ T, created bool, _ error) {
	var zero T
	f := P(&p).Log()
	if *f.ProgramID == "" {
		return zero, false, errEmptyProgram
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if *f.ID == "" {
		*f.ID = NewID()
	}
	*f.CreatedAt, *f.UpdatedAt = storedTime(*f.CreatedAt), storedTime(*f.UpdatedAt)
	doc, err := docWithEvents(p, events...)
	if err != nil {
		return zero, false, err
	}
	_, err = s.collection(col).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		stored, ferr := loggedIn[T, P](ctx, s, col, *f.ProgramID, *f.ID)
		if errors.Is(ferr, models.ErrNotFound) {
			return zero, false, f.Kind.IDTaken(*f.ID)
		}
		return stored, false, ferr
	}
	if err != nil {
		return zero, false, translate(err, f.Kind.Logging)
	}
	s.relayAfter(ctx, col, *f.ID)
	return p, true, nil
}

// loggedIn returns the record with id in program from col.
func loggedIn[T any, P models.Logged[T]](ctx context.Context, s *Store, col, programID, id string) (T, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var p T
	err := s.collection(col).FindOne(ctx, bson.M{"_id": id, "programId": programID}).Decode(&p)
	return p, translate(err, fmt.Sprintf("find %s %s", P(&p).Log().Kind.Noun, id))
}

// listLogged lists a program's records in col, newest logged first: those
// of studentIDs (nil: every student's, empty: none), of one status unless
// it is empty.
func listLogged[T any, P models.Logged[T]](ctx context.Context, s *Store, col, programID string, studentIDs []string, status models.ProcedureStatus,
	page models.Page) (models.List[T], error) {
	if programID == "" {
		return models.List[T]{}, errEmptyProgram
	}
	if studentIDs != nil && len(studentIDs) == 0 {
		return models.List[T]{Items: []T{}}, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := bson.M{"programId": programID}
	switch len(studentIDs) {
	case 0:
	case 1:
		q["studentId"] = studentIDs[0]
	default:
		q["studentId"] = bson.M{"$in": studentIDs}
	}
	if status != "" {
		q["status"] = status
	}
	var p T
	return listByID[T](ctx, s.collection(col), q, page, -1, fmt.Sprintf("list %s of %s", P(&p).Log().Kind.Noun, programID))
}

// reviewLogged records decided, the review of a pending record in col,
// with its events, in one write guarded by the version it was read at
// (version) and by its pending status, so it is decided exactly once: a
// second decision, or one racing another, is models.ErrConflict.
func reviewLogged[T any, P models.Logged[T]](ctx context.Context, s *Store, col string, decided T, version int64, events []models.Event) (T, error) {
	var zero T
	d := P(&decided).Log()
	if *d.ProgramID == "" {
		return zero, errEmptyProgram
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	update := withEvents(bson.M{
		"$set": bson.M{"status": *d.Status, "review": d.Review, "updatedAt": *d.UpdatedAt, "version": *d.Version},
	}, events...)
	var p T
	err := s.collection(col).FindOneAndUpdate(ctx,
		bson.M{"_id": *d.ID, "programId": *d.ProgramID, "status": models.ProcedurePending, "version": version},
		update,
		// No projection: FerretDB (the tests' stand-in) does not support one on
		// findAndModify; decoding drops the pending events.
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Why it matched nothing.
		stored, err := loggedIn[T, P](ctx, s, col, *d.ProgramID, *d.ID)
		if err != nil {
			return zero, err
		}
		f := P(&stored).Log()
		if *f.Status != models.ProcedurePending {
			return zero, f.Kind.Decided(*f.ID, *f.Status)
		}
		return zero, f.Kind.Changed(*f.ID, version, *f.Version)
	}
	if err != nil {
		return zero, translate(err, fmt.Sprintf("review %s %s", d.Kind.Noun, *d.ID))
	}
	s.relayAfter(ctx, col, *d.ID)
	return p, nil
}
