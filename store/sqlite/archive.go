package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"skillbook/models"
)

// The archive holds every record of a program: the program, users,
// cohorts, its own checklist versions, assignments, attempts (with
// evaluations, signatures and amendments), remediations, procedures,
// practicum hours, the audit trail, then the shipped checklist versions its assignments and
// attempts name. Each record is written as the MongoDB engine stores it,
// in canonical Extended JSON (export/archive.go), so an archive moves
// between the two engines both ways, and from the FerretDB engine of
// earlier releases to this one. Left out on purpose, as there: signing-PIN
// hashes (pinSet is written false, so instructors set a PIN again after an
// import), and the notification feed, devices and idempotency keys, which
// are delivery state rather than records.

// Archive record kinds.
const (
	ArchiveProgram          = "program"
	ArchiveLibraryChecklist = "libraryChecklist"
)

// errArchiveNoProgram is an archive of no program.
var errArchiveNoProgram = errors.New("program id is required")

// archiveUnboundUID is how the MongoDB engine marks the uid of a user not
// bound to an account yet (uid NULL here).
const archiveUnboundUID = "invited:"

// archiveCohort, archiveChecklist and archiveAudit are the stored forms of
// the MongoDB engine the archive carries.
type archiveCohort struct {
	models.Cohort `bson:",inline"`
	NameKey       string `bson:"nameKey"`
}

type archiveChecklist struct {
	Key              string `bson:"_id"`
	models.Checklist `bson:",inline"`
}

type archiveAudit struct {
	ID           string `bson:"_id"`
	models.Event `bson:",inline"`
}

// archiveChecklistKey is a checklist version's key in the archive, as the
// MongoDB engine's _id.
func archiveChecklistKey(programID, id string, version int) string {
	owner := programID
	if owner == "" {
		owner = "library"
	}
	return fmt.Sprintf("%s/%s/%d", owner, id, version)
}

// archiveRow is a row as text, as read; converting it (decoding, encoding
// as Extended JSON) is the costly part of an archive, done off the
// reading goroutine (see EachArchiveRecord).
type archiveRow []sql.NullString

func (r archiveRow) int(i int) int64 {
	n, _ := strconv.ParseInt(r[i].String, 10, 64)
	return n
}

// archiveSource reads one kind of record of a program, in an index's
// order; convert turns a row into the archived document and, for
// assignments and attempts, the checklist version it names.
type archiveSource struct {
	kind, table string
	query       string
	convert     func(row archiveRow) (doc any, ref *models.ChecklistRef, err error)
}

var archiveSources = []archiveSource{
	{ArchiveProgram, "programs", `SELECT doc FROM programs WHERE id = ?`, func(row archiveRow) (any, *models.ChecklistRef, error) {
		var p models.Program
		if err := decode(row[0].String, &p); err != nil {
			return nil, nil, err
		}
		return archiveSortedMap(p, "procedureTargets")
	}},
	{"user", "users", `SELECT id, uid, doc FROM users WHERE program_id = ? ORDER BY created_at, id`, archiveUser},
	{"cohort", "cohorts", `SELECT name_key, doc FROM cohorts WHERE program_id = ? ORDER BY archived, created_at, id`,
		func(row archiveRow) (any, *models.ChecklistRef, error) {
			c := archiveCohort{NameKey: row[0].String}
			return &c, nil, decode(row[1].String, &c.Cohort)
		}},
	{"checklist", "checklists", `SELECT program_id, status, revision, doc, checklist_id, version FROM checklists
		WHERE program_id = ? ORDER BY checklist_id, version`, archiveChecklistOf},
	{"assignment", "assignments", `SELECT doc FROM assignments WHERE program_id = ? ORDER BY id`,
		func(row archiveRow) (any, *models.ChecklistRef, error) {
			var a models.Assignment
			if err := decode(row[0].String, &a); err != nil {
				return nil, nil, err
			}
			return &a, &models.ChecklistRef{ID: a.ChecklistID, Version: a.ChecklistVersion}, nil
		}},
	{"attempt", "attempts", `SELECT open_slot, doc FROM attempts WHERE program_id = ? ORDER BY student_id, checklist_id, requested_at`,
		func(row archiveRow) (any, *models.ChecklistRef, error) {
			var a models.Attempt
			if err := decode(row[1].String, &a); err != nil {
				return nil, nil, err
			}
			a.OpenSlot = row[0].String
			return &a, &models.ChecklistRef{ID: a.ChecklistID, Version: a.ChecklistVersion}, nil
		}},
	{"remediation", "remediations", `SELECT doc FROM remediations WHERE program_id = ? ORDER BY student_id, created_at`,
		func(row archiveRow) (any, *models.ChecklistRef, error) {
			var m models.Remediation
			return &m, nil, decode(row[0].String, &m)
		}},
	{"procedure", "procedures", `SELECT doc FROM procedures WHERE program_id = ? ORDER BY student_id, created_at, id`,
		func(row archiveRow) (any, *models.ChecklistRef, error) {
			var p models.Procedure
			return &p, nil, decode(row[0].String, &p)
		}},
	{"practicum", "practicum", `SELECT doc FROM practicum WHERE program_id = ? ORDER BY student_id, created_at, id`,
		func(row archiveRow) (any, *models.ChecklistRef, error) {
			var p models.PracticumEntry
			return &p, nil, decode(row[0].String, &p)
		}},
	// In chain order: an import links them again in the order read.
	{"audit", "events", `SELECT doc FROM events WHERE program_id = ? AND seq > 0 ORDER BY seq`,
		func(row archiveRow) (any, *models.ChecklistRef, error) {
			var e models.Event
			if err := decode(row[0].String, &e); err != nil {
				return nil, nil, err
			}
			return archiveAuditDoc(e)
		}},
}

// A map's keys come out of Go in any order; an archive writes them
// sorted, so the same records always make the same archive.

// archiveAuditDoc is e as archived: its data, sorted, after its other
// fields.
func archiveAuditDoc(e models.Event) (any, *models.ChecklistRef, error) {
	data := e.Data
	e.Data = nil
	raw, err := bson.Marshal(archiveAudit{ID: e.ID, Event: e})
	if err != nil {
		return nil, nil, err
	}
	if len(data) == 0 {
		return bson.Raw(raw), nil, nil
	}
	doc := slices.Clone(raw[:len(raw)-1])
	idx, doc := bsoncore.AppendDocumentElementStart(doc, "data")
	keys := slices.Sorted(maps.Keys(data))
	for _, k := range keys {
		doc = bsoncore.AppendStringElement(doc, k, data[k])
	}
	doc, err = bsoncore.AppendDocumentEnd(doc, idx)
	if err != nil {
		return nil, nil, err
	}
	doc = append(doc, 0)
	doc = bsoncore.UpdateLength(doc, 0, int32(len(doc)))
	return bson.Raw(doc), nil, nil
}

// archiveSortedMap is v as a document whose field key, a map, has its
// keys sorted.
func archiveSortedMap(v any, key string) (any, *models.ChecklistRef, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, nil, err
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, nil, err
	}
	for _, e := range d {
		if m, ok := e.Value.(bson.D); ok && e.Key == key {
			slices.SortFunc(m, func(a, b bson.E) int { return strings.Compare(a.Key, b.Key) })
		}
	}
	return d, nil, nil
}

// archiveUser is a user as archived: no PIN secrets, pinSet false, an
// unbound user's uid as the MongoDB engine writes it.
func archiveUser(row archiveRow) (any, *models.ChecklistRef, error) {
	var u models.User
	if err := decode(row[2].String, &u); err != nil {
		return nil, nil, err
	}
	id, uid := row[0].String, row[1]
	u.ID, u.UID, u.PINHash, u.PINFailures, u.PINSet = id, uid.String, "", 0, false
	if !uid.Valid || uid.String == "" {
		u.UID = archiveUnboundUID + id
	}
	return &u, nil, nil
}

// archiveChecklistOf is a checklist version (program_id, status, revision,
// doc, checklist_id, version) as archived, keyed as the MongoDB engine
// keys it.
func archiveChecklistOf(row archiveRow) (any, *models.ChecklistRef, error) {
	owner, id, version := row[0].String, row[4].String, int(row.int(5))
	c := archiveChecklist{Key: archiveChecklistKey(owner, id, version)}
	if err := decode(row[3].String, &c.Checklist); err != nil {
		return nil, nil, err
	}
	c.ProgramID, c.ID, c.Version, c.Status, c.Revision = owner, id, version, models.ChecklistStatus(row[1].String), row.int(2)
	return &c, nil, nil
}

// CountArchive counts the records an archive of programID holds, besides
// shipped checklist versions.
func (s *Store) CountArchive(ctx context.Context, programID string) (int, error) {
	total := 0
	for _, src := range archiveSources {
		where := "program_id"
		if src.kind == ArchiveProgram {
			where = "id"
		}
		var n int
		if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM `+src.table+` WHERE `+where+` = ?`, programID).Scan(&n); err != nil {
			return 0, fmt.Errorf("count %s: %w", src.table, translate(err))
		}
		total += n
	}
	return total, nil
}

// archiveUnbound reports whether uid marks a user not bound to an account.
func archiveUnbound(uid string) bool { return uid == "" || strings.HasPrefix(uid, archiveUnboundUID) }
