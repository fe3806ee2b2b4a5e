package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"skillbook/models"
	"skillbook/store/chunkfile"
)

// An export file is a run of rows of export_chunks (file_id, n), each
// written in its own short transaction, so the writer is never held for a
// whole file. Memory holds one chunk at a time, writing or reading.

// ExportChunkSize is the size of a file chunk (as the MongoDB engine's).
const ExportChunkSize = chunkfile.Size

// CreateExportFile starts file fileID of programID; ctx bounds every
// write. Close writes the last chunk.
func (s *Store) CreateExportFile(ctx context.Context, programID, fileID string) models.ExportFileWriter {
	return chunkfile.NewWriter(func(n int, data []byte) error {
		err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO export_chunks (file_id, n, program_id, created_at, data) VALUES (?, ?, ?, ?, ?)`,
				fileID, n, programID, ms(s.now()), data)
			return err
		})
		if err != nil {
			return fmt.Errorf("write export chunk: %w", translate(err))
		}
		return nil
	})
}

// OpenExportFile reads file fileID of programID, of chunks chunks, one
// chunk at a time. ctx bounds every read, so a response streamed after
// its handler returned needs a context of its own.
func (s *Store) OpenExportFile(ctx context.Context, programID, fileID string, chunks int) io.ReadCloser {
	return chunkfile.NewReader(chunks, func(n int) ([]byte, error) {
		var owner string
		var data []byte
		err := s.reader.QueryRowContext(ctx, `SELECT program_id, data FROM export_chunks WHERE file_id = ? AND n = ?`, fileID, n).
			Scan(&owner, &data)
		if err != nil {
			return nil, fmt.Errorf("read export chunk %d: %w", n, translate(err))
		}
		if owner != programID {
			return nil, fmt.Errorf("read export chunk %d: %w", n, io.ErrUnexpectedEOF)
		}
		return data, nil
	})
}

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
