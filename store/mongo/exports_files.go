package mongo

import (
	"context"
	"fmt"
	"io"
	"skillbook/models"
	"skillbook/store/chunkfile"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// An export file is a run of chunk documents {_id: "<fileId>/<n>", fileId,
// programId, n, data}, like GridFS but on operations FerretDB (the tests'
// stand-in) is known to support: inserts, finds by _id alone, and
// deletes. Memory holds one chunk at a time, writing or reading.

// ExportChunkSize is the size of a file chunk, as GridFS's default.
const ExportChunkSize = chunkfile.Size

type exportChunk struct {
	ID        string    `bson:"_id"`
	FileID    string    `bson:"fileId"`
	ProgramID string    `bson:"programId"`
	N         int       `bson:"n"`
	Data      []byte    `bson:"data"`
	CreatedAt time.Time `bson:"createdAt"`
}

func chunkID(fileID string, n int) string { return fmt.Sprintf("%s/%06d", fileID, n) }

// CreateExportFile starts file fileID of programID; ctx bounds every
// write. Close writes the last chunk.
func (s *Store) CreateExportFile(ctx context.Context, programID, fileID string) models.ExportFileWriter {
	return chunkfile.NewWriter(func(n int, data []byte) error {
		ictx, cancel := s.bound(ctx)
		defer cancel()
		c := exportChunk{ID: chunkID(fileID, n), FileID: fileID, ProgramID: programID, N: n, Data: data, CreatedAt: s.now()}
		if _, err := s.collection(colExportChunks).InsertOne(ictx, c); err != nil {
			return translate(err, "write export chunk")
		}
		return nil
	})
}

// OpenExportFile reads file fileID of programID, of chunks chunks, one
// chunk at a time. ctx bounds every read, so a response streamed after
// its handler returned needs a context of its own.
func (s *Store) OpenExportFile(ctx context.Context, programID, fileID string, chunks int) io.ReadCloser {
	return chunkfile.NewReader(chunks, func(n int) ([]byte, error) {
		rctx, cancel := s.bound(ctx)
		defer cancel()
		var c exportChunk
		if err := s.collection(colExportChunks).FindOne(rctx, bson.M{"_id": chunkID(fileID, n)}).Decode(&c); err != nil {
			return nil, translate(err, fmt.Sprintf("read export chunk %d", n))
		}
		if c.ProgramID != programID || c.FileID != fileID {
			return nil, fmt.Errorf("read export chunk %d: %w", n, io.ErrUnexpectedEOF)
		}
		return c.Data, nil
	})
}

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
