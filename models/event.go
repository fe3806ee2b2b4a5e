package models

import (
	"time"
)

// Actor is who causes a change: the signed-in user and the request that
// carried it, so every audit entry can be traced to both.
type Actor struct {
	UserID    string `json:"userId" bson:"userId"`
	Name      string `json:"name" bson:"name"`
	Role      Role   `json:"role" bson:"role"`
	RequestID string `json:"requestId,omitempty" bson:"requestId,omitempty"`
}

// SystemActor is the actor of changes made by Skillbook itself (start-up,
// background jobs, command-line tasks).
var SystemActor = Actor{UserID: "system", Name: "Skillbook", Role: "system"}

// ActorOf returns the actor for a user acting in request requestID.
func ActorOf(u User, requestID string) Actor {
	return Actor{UserID: u.ID, Name: u.Name, Role: u.Role, RequestID: requestID}
}

// Event is one change of state. It is written in the same single-document
// update as the change itself and later relayed, idempotently on its ID,
// into the append-only audit trail (and, for events that notify someone,
// the delivery queue). A crash between the two loses nothing.
type Event struct {
	ID        string    `json:"id" bson:"id"`
	Type      EventType `json:"type" bson:"type"`
	ProgramID string    `json:"programId" bson:"programId"`
	Actor     Actor     `json:"actor" bson:"actor"`
	At        time.Time `json:"at" bson:"at"`
	// Subject is the kind and id of the record that changed.
	Subject   string `json:"subject" bson:"subject"`
	SubjectID string `json:"subjectId" bson:"subjectId"`
	// StudentID is set when the change concerns one student's records, so
	// the trail can be filtered by student (FERPA disclosure requests).
	StudentID string `json:"studentId,omitempty" bson:"studentId,omitempty"`
	Summary   string `json:"summary" bson:"summary"`
	// Data holds the facts of the change (old and new values, ids).
	Data map[string]string `json:"data,omitempty" bson:"data,omitempty"`
	// Notify lists the pushes this event causes.
	Notify []Notification `json:"-" bson:"notify,omitempty"`
	// Seq, PrevHash and Hash link the entry into its program's audit chain
	// (models.ChainHash); the store sets them as it appends the entry.
	Seq      int64  `json:"seq,omitempty" bson:"seq,omitempty"`
	PrevHash string `json:"prevHash,omitempty" bson:"prevHash,omitempty"`
	Hash     string `json:"hash,omitempty" bson:"hash,omitempty"`
}

// Notification is one message to one user, carried by an event until it is
// relayed into the delivery queue.
type Notification struct {
	UserID   string            `json:"userId" bson:"userId"`
	Category string            `json:"category" bson:"category"`
	Title    string            `json:"title" bson:"title"`
	Body     string            `json:"body" bson:"body"`
	Data     map[string]string `json:"data,omitempty" bson:"data,omitempty"`
}
