package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// cohortDoc is the stored form of a cohort. NameKey makes names unique per
// program whatever their case and spacing ("Fall 2026" and "fall  2026"
// are one name), through a unique index.
type cohortDoc struct {
	models.Cohort `bson:",inline"`
	NameKey       string `bson:"nameKey"`
}

// cohortNameKey is the unique form of a cohort name.
func cohortNameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

func duplicateCohortName(what, name string) error {
	return fmt.Errorf("%s: %w: a cohort named %q already exists in this program; choose another name", what, models.ErrConflict, name)
}

// CreateCohort stores a new cohort of c.ProgramID. Its name must be new in
// the program (models.ErrConflict otherwise).
func (s *Store) CreateCohort(ctx context.Context, actor models.Actor, c models.Cohort) (models.Cohort, error) {
	if c.ProgramID == "" {
		return models.Cohort{}, fmt.Errorf("create cohort: %w", errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	c.Name = strings.TrimSpace(c.Name)
	if err := c.Validate(); err != nil {
		return models.Cohort{}, err
	}
	now := s.now()
	c.ID = NewID()
	c.Archived, c.ArchivedAt = false, nil
	c.Version = 1
	c.CreatedAt, c.UpdatedAt = now, now
	ev := s.newEvent(models.Event{
		Type: "cohort.created", ProgramID: c.ProgramID, Actor: actor, Subject: "cohort", SubjectID: c.ID,
		Summary: fmt.Sprintf("created cohort %q", c.Name),
		Data:    map[string]string{"name": c.Name, "startDate": c.StartDate, "endDate": c.EndDate},
	})
	doc, err := docWithEvents(cohortDoc{Cohort: c, NameKey: cohortNameKey(c.Name)}, ev)
	if err != nil {
		return models.Cohort{}, fmt.Errorf("create cohort: %w", err)
	}
	_, err = s.collection(colCohorts).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return models.Cohort{}, duplicateCohortName("create cohort", c.Name)
	}
	if err != nil {
		return models.Cohort{}, translate(err, "create cohort")
	}
	s.relayAfter(ctx, colCohorts, c.ID)
	return c, nil
}

// Cohort returns the cohort with id in program.
func (s *Store) Cohort(ctx context.Context, programID, id string) (models.Cohort, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var c models.Cohort
	// By _id alone (the embedded engine scans for any other filter), then
	// the program is checked here.
	err := s.collection(colCohorts).FindOne(ctx, bson.M{"_id": id}).Decode(&c)
	if err == nil && c.ProgramID != programID {
		err = mongo.ErrNoDocuments
	}
	return c, translate(err, fmt.Sprintf("find cohort %s", id))
}

// CohortFilter selects cohorts of a program.
type CohortFilter struct {
	// Archived keeps archived cohorts (true) or active ones (false).
	Archived bool
	// IDs, when not nil, keeps only these cohorts (a member's own).
	IDs []string
}

// Cohorts returns one page of a program's cohorts in creation order.
func (s *Store) Cohorts(ctx context.Context, programID string, f CohortFilter, page models.Page) (models.List[models.Cohort], error) {
	if programID == "" {
		return models.List[models.Cohort]{}, errEmptyProgram
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := bson.M{"programId": programID, "archived": f.Archived}
	if f.IDs != nil {
		q["_id"] = bson.M{"$in": f.IDs}
	}
	return listByID[models.Cohort](ctx, s.collection(colCohorts), q, page, 1, "list cohorts of "+programID)
}

// maxProgramCohorts bounds ProgramCohorts; a program keeps a few cohorts a
// year.
const maxProgramCohorts = 10000

// ProgramCohorts returns every cohort of a program, archived ones too, in
// creation order; a roster import resolves cohort names against them.
func (s *Store) ProgramCohorts(ctx context.Context, programID string) ([]models.Cohort, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colCohorts).Find(ctx, bson.M{"programId": programID}, options.Find().
		SetSort(bson.D{{Key: "_id", Value: 1}}).
		SetLimit(maxProgramCohorts).
		SetProjection(hideEvents))
	if err != nil {
		return nil, translate(err, "list cohorts of "+programID)
	}
	out := []models.Cohort{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "list cohorts of "+programID)
	}
	return out, nil
}

// CohortChange lists the fields of a cohort to change; nil fields stay.
type CohortChange struct {
	Name      *string
	StartDate *string
	// EndDate "" removes the end date.
	EndDate *string
}

// UpdateCohort renames a cohort or changes its dates. version, when not 0,
// must be the cohort's current version (models.ErrPreconditionFailed
// otherwise). A change that changes nothing writes nothing.
func (s *Store) UpdateCohort(ctx context.Context, actor models.Actor, programID, id string, version int64, ch CohortChange) (models.Cohort, error) {
	what := "update cohort " + id
	return s.changeCohort(ctx, programID, id, version, what, func(cur models.Cohort) (bson.M, error) {
		next := cur
		if ch.Name != nil {
			next.Name = strings.TrimSpace(*ch.Name)
		}
		if ch.StartDate != nil {
			next.StartDate = *ch.StartDate
		}
		if ch.EndDate != nil {
			next.EndDate = *ch.EndDate
		}
		if err := next.Validate(); err != nil {
			return nil, err
		}
		data := map[string]string{}
		set := bson.M{}
		if next.Name != cur.Name {
			recordChange(data, "name", cur.Name, next.Name)
			set["name"], set["nameKey"] = next.Name, cohortNameKey(next.Name)
		}
		if next.StartDate != cur.StartDate {
			recordChange(data, "startDate", cur.StartDate, next.StartDate)
			set["startDate"] = next.StartDate
		}
		update := bson.M{}
		if next.EndDate != cur.EndDate {
			recordChange(data, "endDate", cur.EndDate, next.EndDate)
			if next.EndDate == "" {
				update["$unset"] = bson.M{"endDate": ""}
			} else {
				set["endDate"] = next.EndDate
			}
		}
		if len(data) == 0 {
			return nil, nil
		}
		set["updatedAt"] = s.now()
		update["$set"] = set
		ev := s.newEvent(models.Event{
			Type: "cohort.updated", ProgramID: programID, Actor: actor, Subject: "cohort", SubjectID: id,
			Summary: fmt.Sprintf("changed cohort %q", next.Name), Data: data,
		})
		if next.Name != cur.Name {
			ev.Summary = fmt.Sprintf("renamed cohort %q to %q", cur.Name, next.Name)
		}
		return withEvents(update, ev), nil
	}, func() error {
		name := ""
		if ch.Name != nil {
			name = strings.TrimSpace(*ch.Name)
		}
		return duplicateCohortName(what, name)
	})
}

// SetCohortArchived archives a cohort (its records stay, it leaves the
// default lists and takes no new members) or brings it back. version, when
// not 0, must be current. Archiving an archived cohort changes nothing.
func (s *Store) SetCohortArchived(ctx context.Context, actor models.Actor, programID, id string, archived bool, version int64) (models.Cohort, error) {
	verb, typ := "archived", models.EventCohortArchived
	if !archived {
		verb, typ = "unarchived", models.EventCohortUnarchived
	}
	what := fmt.Sprintf("%s cohort %s", strings.TrimSuffix(verb, "d"), id)
	return s.changeCohort(ctx, programID, id, version, what, func(cur models.Cohort) (bson.M, error) {
		if cur.Archived == archived {
			return nil, nil
		}
		now := s.now()
		update := bson.M{"$set": bson.M{"archived": archived, "updatedAt": now}}
		if archived {
			update["$set"].(bson.M)["archivedAt"] = now
		} else {
			update["$unset"] = bson.M{"archivedAt": ""}
		}
		ev := s.newEvent(models.Event{
			Type: typ, ProgramID: programID, Actor: actor, Subject: "cohort", SubjectID: id,
			Summary: fmt.Sprintf("%s cohort %q", verb, cur.Name),
			Data:    map[string]string{"oldArchived": fmt.Sprint(cur.Archived), "newArchived": fmt.Sprint(archived)},
		})
		return withEvents(update, ev), nil
	}, nil)
}

// changeCohort reads the cohort, lets edit build the update and writes it
// guarded by the version read (see guardedUpdate), then relays its event;
// duplicate explains a duplicate-key error.
func (s *Store) changeCohort(ctx context.Context, programID, id string, version int64, what string,
	edit func(models.Cohort) (bson.M, error), duplicate func() error) (models.Cohort, error) {
	before, after, err := guardedUpdate(ctx, s, colCohorts, programID, id, version, what,
		func(c models.Cohort) (string, int64) { return c.ProgramID, c.Version }, edit)
	if errors.Is(err, errDuplicateKey) && duplicate != nil {
		return models.Cohort{}, duplicate()
	}
	if err == nil && after.Version != before.Version {
		s.relayAfter(ctx, colCohorts, id)
	}
	return after, err
}

// raceRetries bounds how often a change without a client version is
// re-read and re-applied after another writer won the race.
const raceRetries = 3

// errDuplicateKey is a guarded update that broke a unique index.
var errDuplicateKey = fmt.Errorf("%w: duplicate key", models.ErrConflict)

// guardedUpdate reads document id of col, which must belong to programID
// (models.ErrNotFound otherwise), lets edit build the update (nil: nothing
// to change) and writes it with compareAndUpdate, incrementing the
// version. It returns the document before and after (the same when nothing
// changed) and leaves relaying the update's events to the caller. With a
// client version (not 0) a different or changed version is
// models.ErrPreconditionFailed; without one a lost race is retried on the
// new state, then models.ErrConflict.
func guardedUpdate[T any](ctx context.Context, s *Store, col, programID, id string, version int64, what string,
	meta func(T) (programID string, version int64), edit func(T) (bson.M, error)) (before, after T, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	c := s.collection(col)
	var zero T
	for range raceRetries {
		// By _id alone: the embedded engine finds only such a filter by index.
		var cur T
		err := c.FindOne(ctx, bson.M{"_id": id}).Decode(&cur)
		if err != nil {
			return zero, zero, translate(err, what)
		}
		curProgram, curVersion := meta(cur)
		if curProgram != programID {
			return zero, zero, fmt.Errorf("%s: %w", what, models.ErrNotFound)
		}
		if version != 0 && curVersion != version {
			return zero, zero, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
		}
		update, err := edit(cur)
		if err != nil || update == nil {
			return cur, cur, err
		}
		update["$inc"] = bson.M{"version": 1}
		out, err := compareAndUpdate[T](ctx, c, id, curVersion, update)
		switch {
		case err == nil:
			return cur, out, nil
		case errors.Is(err, mongo.ErrNoDocuments) && version != 0:
			return zero, zero, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
		case errors.Is(err, mongo.ErrNoDocuments):
			continue
		case isDuplicateKey(err):
			return zero, zero, fmt.Errorf("%s: %w", what, errDuplicateKey)
		}
		return zero, zero, translate(err, what)
	}
	return zero, zero, fmt.Errorf("%s: %w: it is being changed by someone else; retry", what, models.ErrConflict)
}

// compareAndUpdate applies update to document id if its version is still
// version and returns the document after it, or mongo.ErrNoDocuments when
// the version moved. MongoDB checks the guard in the update itself. The
// embedded engine checks nothing atomically and scans the collection for
// any filter but {_id}, so there the engine's write lock is held from a
// version read by _id to the write by _id, which is as atomic (every write
// on that engine takes the lock) and costs no scan.
func compareAndUpdate[T any](ctx context.Context, c collection, id string, version int64, update bson.M) (T, error) {
	var out T
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return out, err
	}
	defer end()
	filter := bson.M{"_id": id, "version": version}
	if c.serialize {
		var now struct {
			Version int64 `bson:"version"`
		}
		err := c.Collection.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"version": 1})).Decode(&now)
		if err != nil {
			return out, err
		}
		if now.Version != version {
			return out, mongo.ErrNoDocuments
		}
		filter = bson.M{"_id": id}
	}
	err = c.Collection.FindOneAndUpdate(ctx, filter, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&out)
	return out, err
}

// recordChange records a field's old and new values in an event's data.
func recordChange(data map[string]string, field, from, to string) {
	title := strings.ToUpper(field[:1]) + field[1:]
	data["old"+title] = from
	data["new"+title] = to
}
