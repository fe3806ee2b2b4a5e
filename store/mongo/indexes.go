package mongo

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names.
const (
	colAudit = "audit"
	// colExportChunks holds the chunks of finished export files.
	colExportChunks = "exportChunks"
)

// Collections whose documents carry pending events.
var (
	// Programs carry the events of their settings' changes.
	colPrograms     = registerEventCollection("programs")
	colUsers        = registerEventCollection("users")
	colChecklists   = registerEventCollection("checklists")
	colCohorts      = registerEventCollection("cohorts")
	colAssignments  = registerEventCollection("assignments")
	colAttempts     = registerEventCollection("attempts")
	colRemediations = registerEventCollection("remediations")
	colProcedures   = registerEventCollection("procedures")
	// Exports: jobs and direct exports (store/exports.go); their files'
	// chunks live in colExportChunks, read by _id only.
	colExports = registerEventCollection("exports")
	// Practicum hours students log per day and site.
	colPracticum = registerEventCollection("practicum")
)

// indexes lists every index the store relies on. Creating an index that
// already exists with the same keys and options is a no-op, so start-up can
// run this every time. It builds the models anew on each call: the driver
// writes into an index's options while creating it, so two stores starting
// at once must not share them.
func indexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		colIdempotency: {
			{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expires")},
		},
		colChecklists: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "checklistId", Value: 1}, {Key: "version", Value: 1}}, Options: options.Index().SetUnique(true).SetName("program_checklist_version_unique")},
			{Keys: bson.D{{Key: "checklistId", Value: 1}, {Key: "version", Value: -1}}, Options: options.Index().SetName("checklist_version")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "status", Value: 1}, {Key: "checklistId", Value: 1}, {Key: "version", Value: -1}}, Options: options.Index().SetName("program_status_checklist_version")},
		},
		colCohorts: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "name", Value: 1}}, Options: options.Index().SetUnique(true).SetName("program_name_unique")},
			// Cohorts, users and roster: names unique whatever their case; lists in creation order.
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "nameKey", Value: 1}}, Options: options.Index().SetUnique(true).SetName("program_namekey_unique")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "archived", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("program_archived_id")},
		},
		colAssignments: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "cohortId", Value: 1}, {Key: "checklistId", Value: 1}}, Options: options.Index().SetName("program_cohort_checklist")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "studentId", Value: 1}, {Key: "checklistId", Value: 1}}, Options: options.Index().SetName("program_student_checklist")},
			// Devices and notifications: the reminder scan.
			{Keys: bson.D{{Key: "dueDate", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("due")},
		},
		colAttempts: {
			// One open evaluation request per student and skill (see Attempt.OpenSlot).
			{Keys: bson.D{{Key: "studentId", Value: 1}, {Key: "checklistId", Value: 1}, {Key: "openSlot", Value: 1}}, Options: options.Index().SetUnique(true).SetName("one_open_request")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "studentId", Value: 1}, {Key: "checklistId", Value: 1}}, Options: options.Index().SetName("program_student_checklist")},
			// The instructor queue: open requests of some cohorts, oldest
			// (requested) first. (A database made before keeps its index
			// "queue", keyed by _id, unused.)
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "status", Value: 1}, {Key: "cohortId", Value: 1}, {Key: "requestedAt", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("queue_requested")},
			{Keys: bson.D{{Key: "evaluation.id", Value: 1}}, Options: options.Index().SetName("evaluation_id")},
			// A student's attempts, newest first (StudentAttempts).
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "studentId", Value: 1}, {Key: "requestedAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("student_history")},
		},
		colRemediations: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "studentId", Value: 1}, {Key: "checklistId", Value: 1}}, Options: options.Index().SetName("program_student_checklist")},
		},
		// Exports: a program's exports newest first; the worker's claim scan; expiry.
		colExports: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("program_newest")},
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "leaseUntil", Value: 1}}, Options: options.Index().SetName("claimable")},
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expiring")},
		},
		colExportChunks: {
			{Keys: bson.D{{Key: "fileId", Value: 1}, {Key: "n", Value: 1}}, Options: options.Index().SetName("file_chunk")},
		},
		colProcedures: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "studentId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("program_student_newest")},
		},
		colPracticum: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "studentId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("program_student_newest")},
		},
		// Devices and notifications: a user's devices, stale ones; the feed in both orders; the
		// delivery queue (due pending notifications); reminder scans by due date.
		colDevices: {
			{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "refreshedAt", Value: -1}}, Options: options.Index().SetName("user_refreshed")},
			{Keys: bson.D{{Key: "refreshedAt", Value: 1}}, Options: options.Index().SetName("refreshed")},
		},
		colNotifications: {
			{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("feed_newest")},
			{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "read", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("feed_unread_first")},
			{Keys: bson.D{{Key: "state", Value: 1}, {Key: "nextAttemptAt", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("outbox_due")},
		},
		colAudit: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("program_newest")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "studentId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("program_student_newest")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "subjectId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("program_subject_newest")},
			// The audit chain: a walk in sequence order; entries not yet linked, oldest first.
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "seq", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("program_chain")},
		},
		colAuditCheckpoints: {
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "seq", Value: 1}}, Options: options.Index().SetUnique(true).SetName("program_seq_unique")},
		},
		colUsers: {
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true).SetName("email_unique")},
			{Keys: bson.D{{Key: "uid", Value: 1}}, Options: options.Index().SetUnique(true).SetName("uid_unique")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "role", Value: 1}, {Key: "name", Value: 1}}, Options: options.Index().SetName("program_role_name")},
			// Cohorts, users and roster: the admin's user list and the members of a cohort.
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("program_id")},
			{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "cohortIds", Value: 1}}, Options: options.Index().SetName("program_cohorts")},
		},
	}
}

// pendingIndex lets the relay sweep find documents with leftover events.
func pendingIndex() mongo.IndexModel {
	return mongo.IndexModel{Keys: bson.D{{Key: fieldHasPending, Value: 1}}, Options: options.Index().SetName("has_pending")}
}

// declaredIndexes is every index of every collection.
func declaredIndexes() map[string][]mongo.IndexModel {
	defined := indexes()
	all := make(map[string][]mongo.IndexModel, len(defined))
	for col, models := range defined {
		all[col] = slices.Clip(models)
	}
	for _, col := range eventCollections {
		all[col] = append(all[col], pendingIndex())
	}
	return all
}

// EnsureIndexes creates every index that does not exist yet, one per
// command: FerretDB 1.24, the tests' stand-in for MongoDB, panics when one
// createIndexes names two or more indexes that already exist.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for col, models := range declaredIndexes() {
		for _, m := range models {
			ictx, cancel := context.WithTimeout(ctx, 30*s.timeout)
			_, err := s.collection(col).Indexes().CreateOne(ictx, m)
			cancel()
			if err != nil {
				return translate(err, fmt.Sprintf("ensure indexes on %s", col))
			}
		}
	}
	return nil
}
