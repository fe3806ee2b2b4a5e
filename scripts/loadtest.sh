#!/bin/sh
# Reproduces the load figures of BENCHMARKS.md on this machine: builds
# skillbook and skillbook-load, seeds a program of STUDENTS students in
# COHORTS cohorts into a fresh embedded store, measures time to ready, then
# serves it and runs skillbook-load with USERS virtual users for DURATION.
# The report goes to stdout and, as JSON, to $OUT (default
# ./loadtest-<students>.json). Run it inside an auth emulator session:
#
#	npx firebase emulators:exec --only auth --project demo-skillbook 'scripts/loadtest.sh 2000 8 50 60s'
set -eu
students="${1:-2000}"
cohorts="${2:-8}"
users="${3:-50}"
duration="${4:-60s}"
out="${OUT:-$PWD/loadtest-$students.json}"
port="${PORT:-18080}"
: "${FIREBASE_AUTH_EMULATOR_HOST:?run this inside firebase emulators:exec (see the comment above)}"
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $serve 2>/dev/null; wait $serve 2>/dev/null; rm -rf "$work"' EXIT
serve=""
go build -o "$work/skillbook" ./cmd/skillbook
go build -o "$work/skillbook-load" ./cmd/skillbook-load
export SKILLBOOK_DATA_DIR="$work/data"
echo "== machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== seed: $students students in $cohorts cohorts"
timed=""
[ -x /usr/bin/time ] && timed="/usr/bin/time -f seed:_%e_s_wall,_%U_s_user,_%S_s_system,_%M_KiB_peak"
$timed "$work/skillbook" seed --students "$students" --cohorts "$cohorts" --out "$work/manifest.json"
echo "== time to ready"
"$work/skillbook-load" ready -runs 3 -- "$work/skillbook" serve
echo "== load: $users users for $duration"
PORT="$port" "$work/skillbook" serve >"$work/serve.log" 2>&1 &
serve=$!
sleep 3
status=0
"$work/skillbook-load" -target "http://127.0.0.1:$port" -manifest "$work/manifest.json" \
	-users "$users" -duration "$duration" -json "$out" || status=$?
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); report: $out"
grep -c '"status":5' "$work/serve.log" | sed 's/^/server log lines with a 5xx status: /' || true
exit $status
