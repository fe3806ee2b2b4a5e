package mongo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"skillbook/models"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// An export file is a run of chunk documents {_id: "<fileId>/<n>", fileId,
// programId, n, data}, like GridFS but on operations FerretDB (the tests'
// stand-in) is known to support: inserts, finds by _id alone, and
// deletes. Memory holds one chunk at a time, writing or reading.

// ExportChunkSize is the size of a file chunk, as GridFS's default.
const ExportChunkSize = 255 << 10

type exportChunk struct {
	ID        string    `bson:"_id"`
	FileID    string    `bson:"fileId"`
	ProgramID string    `bson:"programId"`
	N         int       `bson:"n"`
	Data      []byte    `bson:"data"`
	CreatedAt time.Time `bson:"createdAt"`
}

func chunkID(fileID string, n int) string { return fmt.Sprintf("%s/%06d", fileID, n) }

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
	ctx, cancel := w.s.bound(w.ctx)
	defer cancel()
	c := exportChunk{ID: chunkID(w.fileID, w.chunks), FileID: w.fileID, ProgramID: w.programID, N: w.chunks, Data: w.buf, CreatedAt: w.s.now()}
	if _, err := w.s.collection(colExportChunks).InsertOne(ctx, c); err != nil {
		return translate(err, "write export chunk")
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
		ctx, cancel := r.s.bound(r.ctx)
		var c exportChunk
		err := r.s.collection(colExportChunks).FindOne(ctx, bson.M{"_id": chunkID(r.fileID, r.next)}).Decode(&c)
		cancel()
		if err != nil {
			return 0, translate(err, fmt.Sprintf("read export chunk %d", r.next))
		}
		if c.ProgramID != r.programID || c.FileID != r.fileID {
			return 0, fmt.Errorf("read export chunk %d: %w", r.next, io.ErrUnexpectedEOF)
		}
		r.data = c.Data
		r.next++
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *exportFileReader) Close() error { return nil }

// deleteExportFile removes every chunk of file fileID.
func (s *Store) deleteExportFile(ctx context.Context, fileID string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.collection(colExportChunks).DeleteMany(ctx, bson.M{"fileId": fileID})
	return translate(err, "delete export file "+fileID)
}

// DeleteExportFile removes file fileID; a worker that lost its lease
// removes what it wrote.
func (s *Store) DeleteExportFile(ctx context.Context, fileID string) error {
	return s.deleteExportFile(ctx, fileID)
}
