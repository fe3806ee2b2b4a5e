// Package fault holds the fault tests: they build the skillbook binary, run
// it as child processes on a seeded program with the auth emulator, and
// break things while requests are in flight — SIGKILL the server in the
// middle of sign-offs, stop the store under a running server, lower the
// server's file size limit so the SQLite database cannot grow (a full
// disk: writes answer 503, reads go on) — then check that nothing
// acknowledged is lost or doubled and that service comes back by itself. It has only tests: `go test ./test/fault` (make test runs it).
package fault
