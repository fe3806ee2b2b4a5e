// Package chunkfile keeps a file in a database as a run of fixed-size
// chunks, so neither writing nor reading one ever holds more than a chunk
// in memory. The engines supply how a chunk is stored and loaded; the
// buffering, counting and streaming are here, once.
package chunkfile

import (
	"errors"
	"io"
)

// Size is the size of a chunk (GridFS's default).
const Size = 255 << 10

var errClosed = errors.New("chunkfile: the file is closed")

// Writer buffers what is written and hands each full chunk, then the last
// one on Close, to store with its number (0, 1, …).
type Writer struct {
	store  func(n int, data []byte) error
	buf    []byte
	chunks int
	size   int64
	err    error
}

// NewWriter returns a writer that stores chunks through store. store must
// not keep data after it returns.
func NewWriter(store func(n int, data []byte) error) *Writer {
	return &Writer{store: store, buf: make([]byte, 0, Size)}
}

// Write implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), Size-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == Size {
			if w.err = w.flush(); w.err != nil {
				return n - len(p), w.err
			}
		}
	}
	return n, nil
}

func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	if err := w.store(w.chunks, w.buf); err != nil {
		return err
	}
	w.chunks++
	w.size += int64(len(w.buf))
	w.buf = w.buf[:0]
	return nil
}

// Close stores what is left; the writer takes no more after it.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.err = w.flush(); w.err != nil {
		return w.err
	}
	w.err = errClosed
	return nil
}

// Size is the number of bytes written so far.
func (w *Writer) Size() int64 { return w.size + int64(len(w.buf)) }

// Chunks is the number of chunks stored so far.
func (w *Writer) Chunks() int { return w.chunks }

// Reader streams a file of chunks chunks, loading one at a time.
type Reader struct {
	load   func(n int) ([]byte, error)
	chunks int
	next   int
	data   []byte
}

// NewReader returns a reader of chunks chunks loaded through load.
func NewReader(chunks int, load func(n int) ([]byte, error)) *Reader {
	return &Reader{load: load, chunks: chunks}
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.data) == 0 {
		if r.next >= r.chunks {
			return 0, io.EOF
		}
		data, err := r.load(r.next)
		if err != nil {
			return 0, err
		}
		r.data = data
		r.next++
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// Close implements io.Closer; a reader holds nothing open.
func (r *Reader) Close() error { return nil }
