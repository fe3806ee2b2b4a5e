package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"skillbook/models"
	"slices"
	"strings"
	"time"
)

// The archive is gzipped newline-delimited JSON. The first line is the
// header, every following line one record {"kind": K, "doc": D} where D
// is the stored document in MongoDB Extended JSON (canonical mode, so
// dates and number types survive), and the last line the trailer
// {"kind": "end", "counts": {K: n …}}, which lets a reader tell a complete
// archive from a truncated one.
const (
	ArchiveFormat  = "skillbook-archive"
	ArchiveVersion = 1
	archiveEnd     = "end"
	archiveHeader  = "header"
)

// MaxArchiveLine bounds one line of an archive (a document is at most 16
// MiB of BSON; its Extended JSON is larger).
const MaxArchiveLine = 64 << 20

// ArchiveHeader is the first line of an archive.
type ArchiveHeader struct {
	Kind        string    `json:"kind"`
	Format      string    `json:"format"`
	Version     int       `json:"version"`
	ProgramID   string    `json:"programId"`
	ProgramName string    `json:"programName"`
	ExportedAt  time.Time `json:"exportedAt"`
}

// ArchiveWriter writes an archive record by record.
type ArchiveWriter struct {
	gz     *gzip.Writer
	buf    *bufio.Writer
	counts map[string]int
	err    error
}

// NewArchiveWriter starts an archive on w with h as its header.
func NewArchiveWriter(w io.Writer, h ArchiveHeader) (*ArchiveWriter, error) {
	h.Kind, h.Format, h.Version = archiveHeader, ArchiveFormat, ArchiveVersion
	gz := gzip.NewWriter(w)
	a := &ArchiveWriter{gz: gz, buf: bufio.NewWriterSize(gz, 64<<10), counts: map[string]int{}}
	line, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	a.line(line)
	return a, a.err
}

func (a *ArchiveWriter) line(b []byte) {
	if a.err != nil {
		return
	}
	if _, err := a.buf.Write(b); err != nil {
		a.err = err
		return
	}
	a.err = a.buf.WriteByte('\n')
}

// Write adds one record of kind; doc is one JSON object on one line.
func (a *ArchiveWriter) Write(kind string, doc []byte) error {
	if a.err != nil {
		return a.err
	}
	if kind == "" || kind == archiveEnd || kind == archiveHeader || strings.ContainsAny(kind, "\"\\\n") {
		return fmt.Errorf("archive: bad record kind %q", kind)
	}
	if bytes.IndexByte(doc, '\n') >= 0 || !json.Valid(doc) {
		return fmt.Errorf("archive: a %s record is not one line of JSON", kind)
	}
	a.counts[kind]++
	if _, err := a.buf.WriteString(`{"kind":"` + kind + `","doc":`); err != nil {
		a.err = err
		return err
	}
	if _, err := a.buf.Write(doc); err != nil {
		a.err = err
		return err
	}
	_, a.err = a.buf.WriteString("}\n")
	return a.err
}

// Counts returns how many records of each kind were written.
func (a *ArchiveWriter) Counts() map[string]int { return maps.Clone(a.counts) }

// Close writes the trailer and ends the gzip stream (not w).
func (a *ArchiveWriter) Close() error {
	trailer, err := json.Marshal(struct {
		Kind   string         `json:"kind"`
		Counts map[string]int `json:"counts"`
	}{archiveEnd, a.counts})
	if err != nil {
		return err
	}
	a.line(trailer)
	if a.err == nil {
		a.err = a.buf.Flush()
	}
	if err := a.gz.Close(); a.err == nil {
		a.err = err
	}
	return a.err
}

// ErrTruncated is an archive that ends before its trailer, or whose
// trailer counts differ from the records read.
var ErrTruncated = errors.New("archive is incomplete")

// ArchiveReader reads an archive record by record.
type ArchiveReader struct {
	gz     *gzip.Reader
	sc     *bufio.Scanner
	header ArchiveHeader
	counts map[string]int
	done   bool
}

// NewArchiveReader opens an archive and reads its header.
func NewArchiveReader(r io.Reader) (*ArchiveReader, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("archive: not gzip: %w", err)
	}
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 0, 64<<10), MaxArchiveLine)
	a := &ArchiveReader{gz: gz, sc: sc, counts: map[string]int{}}
	if !sc.Scan() {
		return nil, fmt.Errorf("archive: no header: %w", errors.Join(sc.Err(), ErrTruncated))
	}
	if err := json.Unmarshal(sc.Bytes(), &a.header); err != nil || a.header.Kind != archiveHeader || a.header.Format != ArchiveFormat {
		return nil, errors.New("archive: the first line is not a Skillbook archive header")
	}
	if a.header.Version != ArchiveVersion {
		return nil, fmt.Errorf("archive: version %d is not supported (this Skillbook reads version %d)", a.header.Version, ArchiveVersion)
	}
	return a, nil
}

// Header is the archive's header.
func (a *ArchiveReader) Header() ArchiveHeader { return a.header }

// Next returns the next record. After the last one it checks the trailer
// and returns io.EOF, or ErrTruncated when the archive is incomplete. doc
// is valid until the next call.
func (a *ArchiveReader) Next() (kind string, doc json.RawMessage, err error) {
	if a.done {
		return "", nil, io.EOF
	}
	if !a.sc.Scan() {
		return "", nil, fmt.Errorf("archive: after %d records: %w", a.total(), errors.Join(a.sc.Err(), ErrTruncated))
	}
	var rec struct {
		Kind   string          `json:"kind"`
		Doc    json.RawMessage `json:"doc"`
		Counts map[string]int  `json:"counts"`
	}
	if err := json.Unmarshal(a.sc.Bytes(), &rec); err != nil {
		return "", nil, fmt.Errorf("archive: record %d: %w", a.total()+1, err)
	}
	if rec.Kind == archiveEnd {
		a.done = true
		if !maps.Equal(rec.Counts, a.counts) {
			return "", nil, fmt.Errorf("archive: trailer counts %v, read %v: %w", sorted(rec.Counts), sorted(a.counts), ErrTruncated)
		}
		return "", nil, io.EOF
	}
	if rec.Kind == "" || len(rec.Doc) == 0 {
		return "", nil, fmt.Errorf("archive: record %d has no kind or document", a.total()+1)
	}
	a.counts[rec.Kind]++
	return rec.Kind, rec.Doc, nil
}

// Counts returns how many records of each kind were read.
func (a *ArchiveReader) Counts() map[string]int { return maps.Clone(a.counts) }

func (a *ArchiveReader) total() int {
	n := 0
	for _, c := range a.counts {
		n += c
	}
	return n
}

func sorted(m map[string]int) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

// Import adds every record ar holds to im (not the signed-record lines,
// which are derived from the attempts) and commits it, returning how many
// records of each kind were imported. Every signature of every attempt is
// checked against keys first: an archive with a record that does not
// verify is refused, naming each such record. On any error the import is
// aborted and nothing is stored.
func Import(ctx context.Context, ar *ArchiveReader, im models.ArchiveImport, keys models.SignatureVerifier) (map[string]int, error) {
	var checked Verification
	for {
		kind, doc, err := ar.Next()
		if err == io.EOF {
			if !checked.OK() {
				im.Abort()
				return nil, &TamperedError{Failures: checked.Failures}
			}
			return im.Close(ctx)
		}
		if err == nil && kind == attemptKind {
			err = checked.checkAttempt(doc, keys)
		}
		if err == nil && kind != models.ArchiveSignedRecord {
			err = im.Add(ctx, kind, doc)
		}
		if err != nil {
			im.Abort()
			return nil, err
		}
	}
}

// TamperedError refuses an archive whose signed records do not verify.
type TamperedError struct {
	Failures []RecordFailure
}

func (e *TamperedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "archive: %d signed records do not verify against the published keys:", len(e.Failures))
	for i, f := range e.Failures {
		if i == 20 {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Failures)-i)
			break
		}
		b.WriteString("\n  " + f.String())
	}
	return b.String()
}
