package chunkfile

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestAFileComesBackAsWritten(t *testing.T) {
	for _, size := range []int{0, 1, Size - 1, Size, Size + 1, 3*Size + 17} {
		var stored [][]byte
		w := NewWriter(func(n int, data []byte) error {
			if n != len(stored) {
				t.Fatalf("chunk %d stored after %d chunks", n, len(stored))
			}
			stored = append(stored, bytes.Clone(data))
			return nil
		})
		want := bytes.Repeat([]byte("abcdefg"), size/7+1)[:size]
		// Write in odd pieces, as a CSV writer would.
		for p := want; len(p) > 0; {
			k := min(len(p), 1000)
			if _, err := w.Write(p[:k]); err != nil {
				t.Fatal(err)
			}
			p = p[k:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if w.Size() != int64(size) || w.Chunks() != len(stored) || w.Chunks() != (size+Size-1)/Size {
			t.Fatalf("size %d: Size() = %d, Chunks() = %d (stored %d); want %d bytes in %d chunks",
				size, w.Size(), w.Chunks(), len(stored), size, (size+Size-1)/Size)
		}
		got, err := io.ReadAll(NewReader(len(stored), func(n int) ([]byte, error) { return stored[n], nil }))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("size %d: read back %d bytes, %v; want the %d written", size, len(got), err, len(want))
		}
		if _, err := w.Write([]byte("x")); err == nil {
			t.Fatalf("Write after Close succeeded")
		}
	}
}

func TestAFailedStoreStopsTheWriterAndAFailedLoadTheReader(t *testing.T) {
	boom := errors.New("boom")
	w := NewWriter(func(int, []byte) error { return boom })
	if _, err := w.Write(make([]byte, Size)); !errors.Is(err, boom) {
		t.Fatalf("Write = %v; want %v", err, boom)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close after a failed chunk = %v; want %v", err, boom)
	}
	if _, err := io.ReadAll(NewReader(2, func(int) ([]byte, error) { return nil, boom })); !errors.Is(err, boom) {
		t.Fatalf("ReadAll = %v; want %v", err, boom)
	}
}
