package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/models"
)

// CreateProgram stores a new program with the default grading rule.
func (s *Store) CreateProgram(ctx context.Context, name string) (models.Program, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	p := models.Program{ID: NewID(), Name: name, Grading: models.DefaultGrading,
		ProcedureTargets: models.DefaultProcedureTargets, CreatedAt: s.now()}
	if _, err := s.collection(colPrograms).InsertOne(ctx, p); err != nil {
		return models.Program{}, translate(err, "create program")
	}
	return p, nil
}

// Program returns the program with id.
func (s *Store) Program(ctx context.Context, id string) (models.Program, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var p models.Program
	err := s.collection(colPrograms).FindOne(ctx, bson.M{"_id": id}).Decode(&p)
	return p, translate(err, fmt.Sprintf("find program %s", id))
}

// SetPINVoidWindow sets a program's PIN void window, in hours, with its
// event, in one update.
func (s *Store) SetPINVoidWindow(ctx context.Context, programID string, hours int, ev models.Event) (models.Program, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var p models.Program
	err := s.collection(colPrograms).FindOneAndUpdate(ctx, bson.M{"_id": programID},
		withEvents(bson.M{"$set": bson.M{"pinVoidWindowHours": hours}}, s.newEvent(ev)), returnAfter()).Decode(&p)
	if err != nil {
		return models.Program{}, translate(err, "set PIN void window of "+programID)
	}
	s.relayAfter(ctx, colPrograms, programID)
	return p, nil
}

// UpdateProgramSettings makes patch's changes to a program, with its
// event, in one update that sets only the fields the patch names (two
// admins changing different settings at once both keep theirs).
func (s *Store) UpdateProgramSettings(ctx context.Context, programID string, patch models.SettingsPatch, ev models.Event) (models.Program, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	set, unset := bson.M{}, bson.M{}
	if patch.PINVoidHours != nil {
		set["pinVoidWindowHours"] = *patch.PINVoidHours
	}
	if patch.TimeZone != nil {
		set["timeZone"] = *patch.TimeZone
	}
	if patch.PracticumHours != nil {
		set["practicumHoursRequired"] = *patch.PracticumHours
	}
	if c := patch.Competencies; c != nil {
		set["frameworks"], set["evidenceRules"] = c.Frameworks, c.EvidenceRules
	}
	for id, pol := range patch.Policies {
		// Checklist ids are slugs: no '.' or '$' to escape in the path.
		if pol.IsZero() {
			unset["checklistPolicies."+id] = ""
		} else {
			set["checklistPolicies."+id] = pol
		}
	}
	update := bson.M{}
	if len(set) > 0 {
		update["$set"] = set
	}
	if len(unset) > 0 {
		update["$unset"] = unset
	}
	var p models.Program
	err := s.collection(colPrograms).FindOneAndUpdate(ctx, bson.M{"_id": programID},
		withEvents(update, s.newEvent(ev)), returnAfter()).Decode(&p)
	if err != nil {
		return models.Program{}, translate(err, "update settings of "+programID)
	}
	s.relayAfter(ctx, colPrograms, programID)
	return p, nil
}
