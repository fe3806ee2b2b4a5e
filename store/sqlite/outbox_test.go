package sqlite

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"skillbook/models"
)

// noticeQueue queues one notification to each of users.
func noticeQueue(tb testing.TB, s *Store, users ...string) {
	tb.Helper()
	e := models.Event{ID: newID(), ProgramID: "p1"}
	for _, u := range users {
		e.Notify = append(e.Notify, noticeNote(u, "assignments"))
	}
	noticeRecord(tb, s, e)
}

// TestNoticeAReminderHasNoEvent: a reminder's notification row names no
// event (the contract suite checks it queues once).
func TestNoticeAReminderHasNoEvent(t *testing.T) {
	s, _ := openTest(t)
	r := models.Reminder{ID: "rem-asg-s1-due-soon", ProgramID: "p1", Notification: noticeNote("s1", "reminders")}
	if _, err := s.QueueReminders(t.Context(), []models.Reminder{r}); err != nil {
		t.Fatal(err)
	}
	var eventType, eventID string
	if err := s.reader.QueryRow(`SELECT event_type, event_id FROM notifications WHERE id = ?`, r.ID).Scan(&eventType, &eventID); err != nil ||
		eventType != "reminder" || eventID != "" {
		t.Errorf("reminder's event = %q %q, %v; want type reminder, no event", eventType, eventID, err)
	}
}

// BenchmarkNoticeClaim drains 3,000 queued pushes in batches of 50, as the
// worker claims them: "claim" leaves them leased, "claim+finish" records
// each push as sent (FinishPush, one transaction each) before the next
// claim: the worker's loop, minus FCM; "claim+finish-batch" records a
// batch's outcomes in one transaction (what a FinishPushes would do).
func BenchmarkNoticeClaim(b *testing.B) {
	const queued, batch = 3000, 50
	for _, name := range []string{"claim", "claim+finish", "claim+finish-batch"} {
		b.Run(name, func(b *testing.B) {
			s, _ := openTest(b)
			claimed := 0
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				// The last round's pushes are settled: each round drains
				// a queue of exactly 3,000.
				if _, err := s.writer.Exec(`UPDATE notifications SET state = 'sent' WHERE state = 'pending'`); err != nil {
					b.Fatal(err)
				}
				for range queued / 500 {
					users := make([]string, 500)
					for j := range users {
						users[j] = fmt.Sprintf("u%d-%d", i, j)
					}
					noticeQueue(b, s, users...)
				}
				b.StartTimer()
				owner := fmt.Sprintf("w%d", i)
				for n := 0; n < queued; {
					got, err := s.ClaimPushes(b.Context(), owner, batch, time.Minute)
					if err != nil || len(got) == 0 {
						b.Fatalf("ClaimPushes after %d = %d, %v", n, len(got), err)
					}
					n += len(got)
					claimed += len(got)
					sent := models.PushOutcome{State: models.PushSent, Attempts: 1, Delivered: []string{"tok"}}
					switch name {
					case "claim+finish":
						for _, p := range got {
							if err := s.FinishPush(b.Context(), owner, p.ID, sent); err != nil {
								b.Fatal(err)
							}
						}
					case "claim+finish-batch":
						if err := s.write(b.Context(), func(tx *sql.Tx) error {
							for _, p := range got {
								if err := finishPush(b.Context(), tx, owner, p.ID, sent); err != nil {
									return err
								}
							}
							return nil
						}); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "pushes/s")
		})
	}
}
