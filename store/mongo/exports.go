package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// Exports are documents of colExports. A direct export (answered in the
// response that asked for it) is stored done, with no file, to carry its
// audit event. A job is queued; a worker of any server instance claims it
// with a lease, reports progress (which renews the lease) and writes the
// file as chunks (store/exports_files.go); a worker that dies leaves a
// lease that expires, and the next claim starts the job again with a new
// file, listing the old one as stale for removal. Every write of a
// worker is conditional on still holding the lease.

// MaxExportAttempts is how many times a job is started before it is
// failed for good.
const MaxExportAttempts = 3

// exportDoc is the stored form of an export.
type exportDoc struct {
	models.ExportJob `bson:",inline"`
	LeaseOwner       string    `bson:"leaseOwner"`
	LeaseUntil       time.Time `bson:"leaseUntil"`
	// FileID names the chunks of the running attempt's or the finished
	// file; StaleFiles those of abandoned attempts, still to be removed.
	FileID     string   `bson:"fileId"`
	Chunks     int      `bson:"chunks"`
	StaleFiles []string `bson:"staleFiles"`
}

// exportEvent is event typ of export j caused by Skillbook itself (a
// worker or the sweep), stamped now.
func (s *Store) exportEvent(typ models.EventType, j models.ExportJob) models.Event {
	e := models.ExportEvent(typ, models.SystemActor, j, s.now())
	e.ID = NewID()
	return e
}

// CreateExport records export j as given (a direct export done, or a job
// queued) with its events, in one insert; a repeated id is ErrConflict.
func (s *Store) CreateExport(ctx context.Context, j models.ExportJob, events ...models.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	doc, err := docWithEvents(exportDoc{ExportJob: j, StaleFiles: []string{}}, s.stamped(events)...)
	if err != nil {
		return err
	}
	if _, err := s.collection(colExports).InsertOne(ctx, doc); err != nil {
		return translate(err, "record export")
	}
	s.relayAfter(ctx, colExports, j.ID)
	return nil
}

// QueueExport records queued job j with its events, as CreateExport does,
// unless its requester already has maxPending jobs queued or running
// (queued false). The count and the insert are two operations: requests
// racing on several servers can pass the cap by as many as race.
func (s *Store) QueueExport(ctx context.Context, j models.ExportJob, maxPending int, events ...models.Event) (bool, error) {
	bctx, cancel := s.bound(ctx)
	pending, err := s.collection(colExports).CountDocuments(bctx, bson.M{"programId": j.ProgramID,
		"status": bson.M{"$in": bson.A{models.ExportQueued, models.ExportRunning}}, "requestedBy.userId": j.RequestedBy.UserID})
	cancel()
	if err != nil {
		return false, translate(err, "count pending exports")
	}
	if pending >= int64(maxPending) {
		return false, nil
	}
	return true, s.CreateExport(ctx, j, events...)
}

// RecordDirectExport records an export taken by actor outside the API
// (the command line) and answered directly, with its audit entry. j.Total
// is the number of students it covers.
func (s *Store) RecordDirectExport(ctx context.Context, actor models.Actor, j models.ExportJob) (models.ExportJob, error) {
	j = models.DirectExportJob(NewID(), j.ProgramID, j.Request, j.Subject, j.Total, actor, s.now())
	return j, s.CreateExport(ctx, j, models.ExportEvent(models.EventExportDownloaded, actor, j, j.CreatedAt))
}

// CreateExportJob queues an export job for actor outside the API (tests
// and tools; the API asks workflow.Exports).
func (s *Store) CreateExportJob(ctx context.Context, actor models.Actor, j models.ExportJob) (models.ExportJob, error) {
	j = models.QueuedExportJob(NewID(), j.ProgramID, j.Request, j.Subject, j.Total, actor, s.now())
	return j, s.CreateExport(ctx, j, models.ExportEvent(models.EventExportRequested, actor, j, j.CreatedAt))
}

// ExportJob returns export id of program.
func (s *Store) ExportJob(ctx context.Context, programID, id string) (models.ExportJob, error) {
	d, err := s.exportDoc(ctx, id)
	if err != nil {
		return models.ExportJob{}, err
	}
	if d.ProgramID != programID {
		return models.ExportJob{}, fmt.Errorf("find export %s: %w", id, models.ErrNotFound)
	}
	return d.ExportJob, nil
}

// exportDoc reads an export by id alone.
func (s *Store) exportDoc(ctx context.Context, id string) (exportDoc, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var d exportDoc
	err := s.collection(colExports).FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(hideEvents)).Decode(&d)
	return d, translate(err, "find export "+id)
}

// ClaimExport leases the oldest job that is queued, or running under a
// lease that expired (its worker died), to owner for lease, and starts
// its next attempt with a new file id. It returns false when there is
// none.
func (s *Store) ClaimExport(ctx context.Context, owner string, lease time.Duration) (models.ClaimedExport, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colExports)
	for range raceRetries {
		now := s.now()
		var d exportDoc
		err := col.FindOne(ctx, bson.M{
			"status": bson.M{"$in": bson.A{models.ExportQueued, models.ExportRunning}}, "leaseUntil": bson.M{"$lte": now},
			"attempts": bson.M{"$lt": MaxExportAttempts}, "direct": false,
		}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(hideEvents)).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return models.ClaimedExport{}, false, nil
		}
		if err != nil {
			return models.ClaimedExport{}, false, translate(err, "find export job to claim")
		}
		fileID := NewID()
		update := bson.M{
			"$set": bson.M{"status": models.ExportRunning, "leaseOwner": owner, "leaseUntil": now.Add(lease),
				"fileId": fileID, "chunks": 0, "startedAt": now, "done": 0, "percent": 0},
			"$inc": bson.M{"attempts": 1, "version": 1},
		}
		if d.FileID != "" {
			update["$push"] = bson.M{"staleFiles": d.FileID}
		}
		res, err := col.UpdateOne(ctx, bson.M{"_id": d.ID, "version": d.Version}, update)
		if err != nil {
			return models.ClaimedExport{}, false, translate(err, "claim export job "+d.ID)
		}
		if res.ModifiedCount == 0 {
			continue // another worker took it first
		}
		j := d.ExportJob
		j.Status, j.Attempts, j.Version, j.StartedAt, j.Done, j.Percent = models.ExportRunning, j.Attempts+1, j.Version+1, &now, 0, 0
		return models.ClaimedExport{Job: j, FileID: fileID}, true, nil
	}
	return models.ClaimedExport{}, false, nil
}

// errLeaseLost is a worker write after its lease passed to another.
func errLeaseLost(id string) error {
	return fmt.Errorf("export job %s: %w: the lease was lost to another worker", id, models.ErrConflict)
}

// ExportProgress records that owner has done done of total units of job
// id and renews its lease; ErrConflict when owner lost the lease.
func (s *Store) ExportProgress(ctx context.Context, owner, id string, done, total int, lease time.Duration) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colExports).UpdateOne(ctx,
		bson.M{"_id": id, "leaseOwner": owner, "status": models.ExportRunning},
		bson.M{"$set": bson.M{"done": done, "total": total, "percent": models.PercentOf(done, total), "leaseUntil": s.now().Add(lease)},
			"$inc": bson.M{"version": 1}})
	if err != nil {
		return translate(err, "export progress "+id)
	}
	if res.MatchedCount == 0 {
		return errLeaseLost(id)
	}
	return nil
}

// FinishExport marks job id done with its file, kept until expiresAt;
// ErrConflict when owner lost the lease (the caller then removes its
// file).
func (s *Store) FinishExport(ctx context.Context, owner string, c models.ClaimedExport, f models.FinishedFile, expiresAt time.Time) (models.ExportJob, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	now := s.now()
	j := c.Job
	j.Status, j.FinishedAt, j.ExpiresAt = models.ExportDone, &now, &expiresAt
	j.FileName, j.ContentType, j.Size = f.Name, f.ContentType, f.Size
	j.Done, j.Total = f.Units, f.Units
	ev := s.exportEvent(models.EventExportCompleted, j)
	update := withEvents(bson.M{
		"$set": bson.M{"status": models.ExportDone, "finishedAt": now, "expiresAt": expiresAt, "fileName": f.Name,
			"contentType": f.ContentType, "size": f.Size, "chunks": f.Chunks, "fileId": c.FileID,
			"done": f.Units, "total": f.Units, "percent": 100, "leaseOwner": "", "leaseUntil": now},
		"$unset": bson.M{"error": ""},
		"$inc":   bson.M{"version": 1},
	}, ev)
	res, err := s.collection(colExports).UpdateOne(ctx, bson.M{"_id": j.ID, "leaseOwner": owner, "status": models.ExportRunning, "fileId": c.FileID}, update)
	if err != nil {
		return models.ExportJob{}, translate(err, "finish export "+j.ID)
	}
	if res.MatchedCount == 0 {
		return models.ExportJob{}, errLeaseLost(j.ID)
	}
	s.relayAfter(ctx, colExports, j.ID)
	return s.ExportJob(ctx, j.ProgramID, j.ID)
}

// FailExport records that owner's attempt at job id failed with msg. With
// retry, and attempts left, the job is queued again (its file becomes
// stale); otherwise it fails for good.
func (s *Store) FailExport(ctx context.Context, owner string, c models.ClaimedExport, msg string, retry bool) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	now := s.now()
	set := bson.M{"leaseOwner": "", "leaseUntil": now, "error": msg, "fileId": ""}
	update := bson.M{"$set": set, "$inc": bson.M{"version": 1}, "$push": bson.M{"staleFiles": c.FileID}}
	if retry && c.Job.Attempts < MaxExportAttempts {
		set["status"] = models.ExportQueued
	} else {
		set["status"], set["finishedAt"] = models.ExportFailed, now
		j := c.Job
		ev := s.exportEvent(models.EventExportFailed, j)
		update = withEvents(update, ev)
	}
	res, err := s.collection(colExports).UpdateOne(ctx, bson.M{"_id": c.Job.ID, "leaseOwner": owner, "status": models.ExportRunning}, update)
	if err != nil {
		return translate(err, "fail export "+c.Job.ID)
	}
	if res.MatchedCount == 0 {
		return errLeaseLost(c.Job.ID)
	}
	s.relayAfter(ctx, colExports, c.Job.ID)
	return nil
}

// RecordExportDownload counts a download of job j's file with its events
// (the audit of who took whose records), if the job is still done; else
// ErrNotFound.
func (s *Store) RecordExportDownload(ctx context.Context, j models.ExportJob, events ...models.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colExports).UpdateOne(ctx, bson.M{"_id": j.ID, "status": models.ExportDone},
		withEvents(bson.M{"$inc": bson.M{"downloads": 1, "version": 1}}, s.stamped(events)...))
	if err != nil {
		return translate(err, "record export download "+j.ID)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("download export %s: %w", j.ID, models.ErrNotFound)
	}
	s.relayAfter(ctx, colExports, j.ID)
	return nil
}

// maxSweep bounds the exports one sweep handles.
const maxSweep = 200

// SweepExports expires finished files whose time has come, fails jobs
// that used up their attempts, and removes the chunks of expired and
// abandoned files. It is idempotent, so any instance may run it any time.
func (s *Store) SweepExports(ctx context.Context) (expired int, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colExports)
	now := s.now()
	var docs []exportDoc
	cur, err := col.Find(ctx, bson.M{"$or": bson.A{
		bson.M{"status": models.ExportDone, "direct": false, "expiresAt": bson.M{"$lte": now}},
		bson.M{"status": models.ExportRunning, "leaseUntil": bson.M{"$lte": now}, "attempts": bson.M{"$gte": MaxExportAttempts}},
		bson.M{"staleFiles.0": bson.M{"$exists": true}},
	}}, options.Find().SetLimit(maxSweep).SetProjection(hideEvents))
	if err != nil {
		return 0, translate(err, "sweep exports")
	}
	if err := cur.All(ctx, &docs); err != nil {
		return 0, translate(err, "sweep exports")
	}
	for _, d := range docs {
		switch {
		case d.Status == models.ExportDone && d.ExpiresAt != nil && !d.ExpiresAt.After(now):
			ev := s.exportEvent(models.EventExportExpired, d.ExportJob)
			res, err := col.UpdateOne(ctx, bson.M{"_id": d.ID, "version": d.Version}, withEvents(bson.M{
				"$set":  bson.M{"status": models.ExportExpired, "fileId": ""},
				"$push": bson.M{"staleFiles": d.FileID},
				"$inc":  bson.M{"version": 1},
			}, ev))
			if err != nil {
				return expired, translate(err, "expire export "+d.ID)
			}
			if res.ModifiedCount == 1 {
				expired++
				s.relayAfter(ctx, colExports, d.ID)
				d.StaleFiles = append(d.StaleFiles, d.FileID)
			}
		case d.Status == models.ExportRunning && d.Attempts >= MaxExportAttempts && !d.LeaseUntil.After(now):
			ev := s.exportEvent(models.EventExportFailed, d.ExportJob)
			res, err := col.UpdateOne(ctx, bson.M{"_id": d.ID, "version": d.Version}, withEvents(bson.M{
				"$set":  bson.M{"status": models.ExportFailed, "fileId": "", "finishedAt": now, "error": "the export was started " + fmt.Sprint(d.Attempts) + " times and never finished"},
				"$push": bson.M{"staleFiles": d.FileID},
				"$inc":  bson.M{"version": 1},
			}, ev))
			if err != nil {
				return expired, translate(err, "fail export "+d.ID)
			}
			if res.ModifiedCount == 1 {
				s.relayAfter(ctx, colExports, d.ID)
				d.StaleFiles = append(d.StaleFiles, d.FileID)
			}
		}
		if err := s.removeStaleFiles(ctx, d.ID, d.StaleFiles); err != nil {
			return expired, err
		}
	}
	return expired, nil
}

// RemoveStaleExportFiles removes the chunks of job id's abandoned files;
// a worker calls it right after a claim.
func (s *Store) RemoveStaleExportFiles(ctx context.Context, id string) error {
	d, err := s.exportDoc(ctx, id)
	if err != nil {
		return err
	}
	return s.removeStaleFiles(ctx, id, d.StaleFiles)
}

func (s *Store) removeStaleFiles(ctx context.Context, id string, files []string) error {
	var gone bson.A
	for _, f := range files {
		if f == "" {
			gone = append(gone, f)
			continue
		}
		if err := s.deleteExportFile(ctx, f); err != nil {
			return err
		}
		gone = append(gone, f)
	}
	if len(gone) == 0 {
		return nil
	}
	_, err := s.collection(colExports).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$pullAll": bson.M{"staleFiles": gone}, "$inc": bson.M{"version": 1}})
	return translate(err, "forget stale export files of "+id)
}

// ExportFileOf returns the finished file of job j for reading.
func (s *Store) ExportFileOf(ctx context.Context, j models.ExportJob) (fileID string, chunks int, err error) {
	d, err := s.exportDoc(ctx, j.ID)
	if err != nil {
		return "", 0, err
	}
	if d.ProgramID != j.ProgramID || d.Status != models.ExportDone || d.FileID == "" {
		return "", 0, fmt.Errorf("export file of %s: %w", j.ID, models.ErrNotFound)
	}
	return d.FileID, d.Chunks, nil
}
