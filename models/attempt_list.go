package models

import "time"

// AttemptFilter narrows one student's attempts: to a checklist, a status,
// and a window of request time, From inclusive, To exclusive (zero: open).
type AttemptFilter struct {
	ChecklistID string
	Status      AttemptStatus
	From, To    time.Time
}

// AttemptDates turns the calendar dates of a list filter (from and to,
// both inclusive, in DateLayout, either empty) into the window of
// AttemptFilter: from's first instant to the instant after to's last, in
// UTC. Bad dates, or to before from, are problems of those fields.
func AttemptDates(from, to string) (start, end time.Time, err error) {
	var v ValidationError
	if from != "" {
		if start, err = time.Parse(DateLayout, from); err != nil || start.Format(DateLayout) != from {
			v.Add("from", "must be a date such as 2026-03-01")
		}
	}
	if to != "" {
		if end, err = time.Parse(DateLayout, to); err != nil || end.Format(DateLayout) != to {
			v.Add("to", "must be a date such as 2026-03-31")
		} else {
			end = end.AddDate(0, 0, 1)
		}
	}
	if v.Err() == nil && !start.IsZero() && !end.IsZero() && !end.After(start) {
		v.Add("to", "must not be before from")
	}
	if err := v.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return start, end, nil
}
