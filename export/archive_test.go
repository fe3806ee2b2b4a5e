package export_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"
	"time"

	"skillbook/export"
)

func TestArchiveRoundTrip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	w, err := export.NewArchiveWriter(&buf, export.ArchiveHeader{ProgramID: "p1", ProgramName: "Valley", ExportedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	records := []struct{ kind, doc string }{
		{"program", `{"_id":"p1","name":"Valley"}`},
		{"user", `{"_id":"u1","programId":"p1","createdAt":{"$date":{"$numberLong":"1700000000000"}}}`},
		{"user", `{"_id":"u2","programId":"p1","n":{"$numberInt":"3"}}`},
	}
	for _, r := range records {
		if err := w.Write(r.kind, []byte(r.doc)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write("user", []byte("{\"a\":\n1}")); err == nil {
		t.Errorf("Write of a multi-line document succeeded")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r, err := export.NewArchiveReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if h := r.Header(); h.ProgramID != "p1" || h.ProgramName != "Valley" || !h.ExportedAt.Equal(at) || h.Version != export.ArchiveVersion {
		t.Errorf("header = %+v", h)
	}
	for i, want := range records {
		kind, doc, err := r.Next()
		if err != nil || kind != want.kind || string(doc) != want.doc {
			t.Fatalf("record %d = %s %s, %v; want %s %s", i, kind, doc, err, want.kind, want.doc)
		}
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Errorf("Next after the last record = %v; want io.EOF", err)
	}
}

func TestArchiveReaderRefusesIncompleteArchives(t *testing.T) {
	t.Parallel()
	gz := func(lines string) []byte {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		z.Write([]byte(lines))
		z.Close()
		return b.Bytes()
	}
	header := `{"kind":"header","format":"skillbook-archive","version":1,"programId":"p1"}` + "\n"
	rec := `{"kind":"user","doc":{"_id":"u1"}}` + "\n"
	tests := []struct {
		name string
		data []byte
	}{
		{"no trailer", gz(header + rec)},
		{"trailer counts differ", gz(header + rec + `{"kind":"end","counts":{"user":2}}` + "\n")},
		{"cut gzip stream", gz(header + rec + `{"kind":"end","counts":{"user":1}}` + "\n")[:40]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := export.NewArchiveReader(bytes.NewReader(tt.data))
			for err == nil {
				_, _, err = r.Next()
			}
			if !errors.Is(err, export.ErrTruncated) {
				t.Errorf("reading = %v; want ErrTruncated", err)
			}
		})
	}
	if _, err := export.NewArchiveReader(bytes.NewReader(gz(`{"kind":"header","format":"other","version":1}` + "\n"))); err == nil {
		t.Errorf("a foreign header was accepted")
	}
}
