#!/bin/sh
# Runs every fuzz target of the module for a bounded number of executions
# each (FUZZTIME, default 20000x), one after the other: `make test` calls it after
# the unit tests, inside the same auth emulator session. A crasher is
# written under the package's testdata/fuzz/<target>/ (commit it: it then
# runs as a regression case with the unit tests) and fails the run.
set -eu
cd "$(dirname "$0")/.."
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report its own deadline as a failure ("context deadline exceeded", no
# crasher) when a loaded machine starves the workers (golang/go#75804,
# fixed in Go 1.27). A count has no deadline to race.
fuzztime="${FUZZTIME:-20000x}"
# `go test -list` names each package's fuzz targets, then reports the
# package on an "ok" line.
targets=$(go test -run '^$' -list '^Fuzz' ./... | awk '
	/^Fuzz/ { names = names " " $1; next }
	/^ok/   { n = split(names, f, " "); for (i = 1; i <= n; i++) print $2 " " f[i]; names = "" }')
if [ -z "$targets" ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
# Fuzzing instruments every package in the binary, the stand-in store's
# SQLite included, which slows it to a crawl; the targets that need a store
# use the FerretDB stand-in served by a separate, uninstrumented process
# (test/ferretdb) instead.
dbdir=$(mktemp -d)
go build -o "$dbdir/ferretdb" ./test/ferretdb
"$dbdir/ferretdb" --dir "$dbdir/data" --addr 127.0.0.1:"${FUZZ_DB_PORT:-27219}" >"$dbdir/db.log" 2>&1 &
dbpid=$!
trap 'kill $dbpid 2>/dev/null; wait $dbpid 2>/dev/null; rm -rf "$dbdir"' EXIT
export TEST_MONGODB_URI="mongodb://127.0.0.1:${FUZZ_DB_PORT:-27219}/"
echo "$targets" | while read -r pkg name; do
	echo "fuzz: $name in $pkg for $fuzztime"
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg"; then
		echo "fuzz: $name found a failing input; it is under $pkg's testdata/fuzz/$name/ (module path $pkg)" >&2
		exit 1
	fi
done
