package sqlite

import (
	"context"
	"fmt"

	"skillbook/models"
)

// attemptQueueList names the queue's cursors, so a cursor of another list
// is refused.
const attemptQueueList = "queue"

// attemptQueueKey is a queue cursor's keyset position: the request time
// (Unix ms) and id of the last request returned.
type attemptQueueKey struct {
	At int64  `json:"t"`
	ID string `json:"i"`
}

func (k attemptQueueKey) complete() bool { return k.ID != "" }

// Queue lists open evaluation requests of some cohorts, oldest first (by
// request time, then id), a page at a time, through the attempts_queue
// index (every cohort), attempts_area_queue (every cohort, one area) or
// attempts_cohort_queue (some cohorts).
func (s *Store) Queue(ctx context.Context, programID string, f models.QueueFilter, page models.Page) (models.List[models.Attempt], error) {
	if f.CohortIDs != nil && len(f.CohortIDs) == 0 {
		return models.List[models.Attempt]{Items: []models.Attempt{}}, nil
	}
	var after *attemptQueueKey
	if page.Cursor != "" {
		k, err := decodeCursor[attemptQueueKey](attemptQueueList, page.Cursor)
		if err != nil {
			return models.List[models.Attempt]{}, err
		}
		after = &k
	}
	size := page.Size()
	q, args := attemptQueueSQL(programID, f, after, size+1)
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return models.List[models.Attempt]{}, fmt.Errorf("list queue: %w", translate(err))
	}
	defer rows.Close()
	out := models.List[models.Attempt]{Items: []models.Attempt{}}
	for rows.Next() {
		if len(out.Items) == size {
			last := out.Items[size-1]
			out.NextCursor = encodeCursor(attemptQueueList, attemptQueueKey{At: ms(last.RequestedAt), ID: last.ID})
			break
		}
		a, err := attemptScan(rows)
		if err != nil {
			return models.List[models.Attempt]{}, fmt.Errorf("list queue: %w", translate(err))
		}
		out.Items = append(out.Items, a)
	}
	if err := rows.Err(); err != nil {
		return models.List[models.Attempt]{}, fmt.Errorf("list queue: %w", translate(err))
	}
	return out, nil
}

// attemptQueueSQL is the query of one page of the queue: limit requests
// after the position after (nil: from the start).
func attemptQueueSQL(programID string, f models.QueueFilter, after *attemptQueueKey, limit int) (string, []any) {
	// The status is written in the query, not bound, so that the partial
	// index attempts_area_queue (waiting requests only) can serve it.
	q := attemptSelect + `WHERE program_id = ? AND status = '` + string(models.StatusRequested) + `'`
	args := []any{programID}
	if f.CohortIDs != nil {
		// An instructor's few cohorts: read their requests only, then
		// sort them, rather than walk the whole program's queue (which
		// the planner prefers for several cohorts on small tables).
		q = `SELECT doc, open_slot FROM attempts INDEXED BY attempts_cohort_queue WHERE program_id = ? AND status = '` + string(models.StatusRequested) + `'`
		q += ` AND cohort_id IN (` + attemptPlaceholders(len(f.CohortIDs)) + `)`
		args = attemptArgs(args, f.CohortIDs)
	}
	if f.Area != "" {
		q += ` AND area = ?`
		args = append(args, string(f.Area))
	}
	if after != nil {
		q += ` AND (requested_at, id) > (?, ?)`
		args = append(args, after.At, after.ID)
	}
	q += ` ORDER BY requested_at, id LIMIT ?`
	return q, append(args, limit)
}
