// Package bench measures what the API adds to the store: for the student
// dashboard, the instructor queue and sign-off it times the API over HTTP
// and the very commands it sent, replayed straight through the driver, and
// counts the database round trips each request costs as the data grows.
// It has only tests and benchmarks:
//
//	go test ./test/bench                                   # round trips stay constant
//	go test ./test/bench -run '^$' -bench . -benchtime 20x # API/store latency ratios
//
// Both need the auth emulator (make test starts it).
package bench
