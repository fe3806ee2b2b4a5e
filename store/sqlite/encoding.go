package sqlite

import (
	"encoding/json"
	"fmt"
	"time"
)

// Times are kept as INTEGER milliseconds since the Unix epoch (UTC): they
// sort and index as numbers, and the records keep milliseconds anyway.

// ms is t as stored; the zero time is 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is a stored time; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// A record's columns hold what queries filter and sort on; the record as
// the API reads it whole is kept beside them as JSON (doc), written from
// the same struct in the same statement, so the two never disagree.

// encode is v as a JSON column.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(b), nil
}

// decode reads a JSON column into v.
func decode(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode %T: %w", v, err)
	}
	return nil
}
