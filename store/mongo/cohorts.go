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
func cohortNameKey(name string) string { return models.CohortNameKey(name) }

func duplicateCohortName(what, name string) error {
	return fmt.Errorf("%s: %w: a cohort named %q already exists in this program; choose another name", what, models.ErrConflict, name)
}

// eventsWithIDs gives each event without an id a new one, and each
// without a time the store's.
func (s *Store) eventsWithIDs(events []models.Event) []models.Event {
	for i := range events {
		if events[i].ID == "" {
			events[i].ID = NewID()
		}
		if events[i].At.IsZero() {
			events[i].At = s.now()
		}
	}
	return events
}

// InsertCohort stores a new cohort with the events that record it. Its
// name must be new in the program (models.ErrConflict otherwise).
func (s *Store) InsertCohort(ctx context.Context, c models.Cohort, events ...models.Event) error {
	if c.ProgramID == "" {
		return fmt.Errorf("create cohort: %w", errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	doc, err := docWithEvents(cohortDoc{Cohort: c, NameKey: cohortNameKey(c.Name)}, s.eventsWithIDs(events)...)
	if err != nil {
		return fmt.Errorf("create cohort: %w", err)
	}
	_, err = s.collection(colCohorts).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return duplicateCohortName("create cohort", c.Name)
	}
	if err != nil {
		return translate(err, "create cohort")
	}
	s.relayAfter(ctx, colCohorts, c.ID)
	return nil
}

// CreateCohort stores a new cohort of c.ProgramID for bootstrap, seeding
// and tests, validated and audited as the CreateCohort use case stores one
// but without its access rules.
func (s *Store) CreateCohort(ctx context.Context, actor models.Actor, c models.Cohort) (models.Cohort, error) {
	c.Name = strings.TrimSpace(c.Name)
	if err := c.Validate(); err != nil {
		return models.Cohort{}, err
	}
	now := s.now()
	c.ID = NewID()
	c.Archived, c.ArchivedAt = false, nil
	c.Version = 1
	c.CreatedAt, c.UpdatedAt = now, now
	if err := s.InsertCohort(ctx, c, models.CohortCreatedEvent(actor, c, now)); err != nil {
		return models.Cohort{}, err
	}
	return c, nil
}

// Cohort returns the cohort with id in program.
func (s *Store) Cohort(ctx context.Context, programID, id string) (models.Cohort, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var c models.Cohort
	// By _id alone, then the program is checked here.
	err := s.collection(colCohorts).FindOne(ctx, bson.M{"_id": id}).Decode(&c)
	if err == nil && c.ProgramID != programID {
		err = mongo.ErrNoDocuments
	}
	return c, translate(err, fmt.Sprintf("find cohort %s", id))
}

// Cohorts returns one page of a program's cohorts in creation order.
func (s *Store) Cohorts(ctx context.Context, programID string, f models.CohortFilter, page models.Page) (models.List[models.Cohort], error) {
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

// SaveCohort writes after, a changed cohort (name, dates, archived), with
// the events that record the change, if the stored cohort is still at
// before.Version (models.ErrPreconditionFailed otherwise). A name taken in
// the program is models.ErrConflict. It returns the cohort as stored, its
// version one up.
func (s *Store) SaveCohort(ctx context.Context, before, after models.Cohort, events ...models.Event) (models.Cohort, error) {
	what := "update cohort " + before.ID
	set := bson.M{"name": after.Name, "nameKey": cohortNameKey(after.Name), "startDate": after.StartDate,
		"archived": after.Archived, "updatedAt": after.UpdatedAt}
	unset := bson.M{}
	if after.EndDate == "" {
		unset["endDate"] = ""
	} else {
		set["endDate"] = after.EndDate
	}
	if after.ArchivedAt == nil {
		unset["archivedAt"] = ""
	} else {
		set["archivedAt"] = *after.ArchivedAt
	}
	update := bson.M{"$set": set, "$inc": bson.M{"version": 1}}
	if len(unset) > 0 {
		update["$unset"] = unset
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	out, err := compareAndUpdate[models.Cohort](ctx, s.collection(colCohorts), before.ID, before.Version,
		withEvents(update, s.eventsWithIDs(events)...))
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return models.Cohort{}, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
	case isDuplicateKey(err):
		return models.Cohort{}, duplicateCohortName(what, after.Name)
	case err != nil:
		return models.Cohort{}, translate(err, what)
	}
	s.relayAfter(ctx, colCohorts, before.ID)
	return out, nil
}

// SetCohortArchived archives a cohort or brings it back, for seeding and
// tests, audited as the use cases do it but without their access rules.
// version, when not 0, must be current. Archiving an archived cohort
// changes nothing.
func (s *Store) SetCohortArchived(ctx context.Context, actor models.Actor, programID, id string, archived bool, version int64) (models.Cohort, error) {
	cur, err := s.Cohort(ctx, programID, id)
	if err != nil {
		return models.Cohort{}, err
	}
	if version != 0 && cur.Version != version {
		return models.Cohort{}, fmt.Errorf("archive cohort %s: %w", id, models.ErrPreconditionFailed)
	}
	if cur.Archived == archived {
		return cur, nil
	}
	now := s.now()
	next := cur
	next.SetArchived(archived, now)
	return s.SaveCohort(ctx, cur, next, models.CohortArchivedEvent(actor, cur, archived, now))
}

// raceRetries bounds how often a change without a client version is
// re-read and re-applied after another writer won the race.
const raceRetries = 3

// compareAndUpdate applies update to document id if its version is still
// version and returns the document after it, or mongo.ErrNoDocuments when
// the version moved. MongoDB checks the guard in the update itself.
func compareAndUpdate[T any](ctx context.Context, c *mongo.Collection, id string, version int64, update bson.M) (T, error) {
	var out T
	err := c.FindOneAndUpdate(ctx, bson.M{"_id": id, "version": version}, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&out)
	return out, err
}
