package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// LockFile is the file in the data directory that its owner holds an
// exclusive OS lock on while the store is open; it also names the owner.
const LockFile = "LOCK"

// ErrLocked is the error of opening a directory another process holds.
var ErrLocked = errors.New("the data directory is in use")

// dirLock is an exclusive flock on the data directory's LOCK file. The OS
// drops it when the process dies, so a crash never leaves a stale lock.
type dirLock struct{ f *os.File }

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is held by %s", ErrLocked, dir, describeHolder(holder))
		}
		return nil, fmt.Errorf("sqlite: lock %s: %w", path, err)
	}
	host, _ := os.Hostname()
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(fmt.Sprintf("pid %d on %s: %s\n", os.Getpid(), host, strings.Join(os.Args, " "))), 0)
	}
	return &dirLock{f: f}, nil
}

func describeHolder(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "another process"
	}
	return s
}

// release drops the lock (closing the file releases the flock).
func (l *dirLock) release() {
	if l != nil && l.f != nil {
		l.f.Close()
		l.f = nil
	}
}
