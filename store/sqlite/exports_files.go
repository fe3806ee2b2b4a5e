package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"skillbook/models"
)

// An export file is a run of rows of export_chunks (file_id, n), each
// written in its own short transaction, so the writer is never held for a
// whole file. Memory holds one chunk at a time, writing or reading.

// ExportChunkSize is the size of a file chunk (as the MongoDB engine's).
const ExportChunkSize = 255 << 10

// exportFileWriter writes an export file chunk by chunk.
type exportFileWriter struct {
	s         *Store
	ctx       context.Context
	fileID    string
	programID string
	buf       []byte
	chunks    int
	size      int64
	err       error
}

// CreateExportFile starts file fileID of programID; ctx bounds every
// write. Close writes the last chunk.
func (s *Store) CreateExportFile(ctx context.Context, programID, fileID string) models.ExportFileWriter {
	return &exportFileWriter{s: s, ctx: ctx, fileID: fileID, programID: programID, buf: make([]byte, 0, ExportChunkSize)}
}

// Write implements io.Writer.
func (w *exportFileWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), ExportChunkSize-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == ExportChunkSize {
			if w.err = w.flush(); w.err != nil {
				return n - len(p), w.err
			}
		}
	}
	return n, nil
}

func (w *exportFileWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.s.write(w.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(w.ctx, `INSERT INTO export_chunks (file_id, n, program_id, created_at, data) VALUES (?, ?, ?, ?, ?)`,
			w.fileID, w.chunks, w.programID, ms(w.s.now()), w.buf)
		return err
	})
	if err != nil {
		return fmt.Errorf("write export chunk: %w", translate(err))
	}
	w.chunks++
	w.size += int64(len(w.buf))
	w.buf = w.buf[:0]
	return nil
}

// Close writes what is left.
func (w *exportFileWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.flush()
	if w.err == nil {
		w.err = errors.New("export file is closed")
		return nil
	}
	return w.err
}

// Size is the number of bytes written so far.
func (w *exportFileWriter) Size() int64 { return w.size + int64(len(w.buf)) }

// Chunks is the number of chunks stored so far.
func (w *exportFileWriter) Chunks() int { return w.chunks }

// OpenExportFile reads file fileID of programID, of chunks chunks, one
// chunk at a time. ctx bounds every read, so a response streamed after
// its handler returned needs a context of its own.
func (s *Store) OpenExportFile(ctx context.Context, programID, fileID string, chunks int) io.ReadCloser {
	return &exportFileReader{s: s, ctx: ctx, programID: programID, fileID: fileID, chunks: chunks}
}

type exportFileReader struct {
	s         *Store
	ctx       context.Context
	programID string
	fileID    string
	chunks    int
	next      int
	data      []byte
}

func (r *exportFileReader) Read(p []byte) (int, error) {
	for len(r.data) == 0 {
		if r.next >= r.chunks {
			return 0, io.EOF
		}
		var owner string
		var data []byte
		err := r.s.reader.QueryRowContext(r.ctx, `SELECT program_id, data FROM export_chunks WHERE file_id = ? AND n = ?`, r.fileID, r.next).
			Scan(&owner, &data)
		if err != nil {
			return 0, fmt.Errorf("read export chunk %d: %w", r.next, translate(err))
		}
		if owner != r.programID {
			return 0, fmt.Errorf("read export chunk %d: %w", r.next, io.ErrUnexpectedEOF)
		}
		r.data = data
		r.next++
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *exportFileReader) Close() error { return nil }

// DeleteExportFile removes file fileID; a worker that lost its lease
// removes what it wrote.
func (s *Store) DeleteExportFile(ctx context.Context, fileID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM export_chunks WHERE file_id = ?`, fileID); err != nil {
			return fmt.Errorf("delete export file %s: %w", fileID, translate(err))
		}
		return nil
	})
}
