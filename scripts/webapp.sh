#!/bin/sh
# Checks the web app (webapp/), as `make test` runs it, under the auth
# emulator: installs its pinned packages (npm ci in webapp/), builds it,
# fails when the build differs from the committed webapp/dist (the server
# embeds that directory: commit the build after changing webapp/src), then
# runs the Playwright suite in Debian's chromium against the real server
# binary (`serve --demo` on a free port with a temporary data directory).
# With --build it only installs and builds (after changing the app).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
cd webapp
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
npm run --silent build
if [ "${1:-}" = "--build" ]; then
	exit 0
fi
if [ -n "$(git status --porcelain -- dist)" ]; then
	git status --short -- dist >&2
	echo "webapp: webapp/dist differs from the build of webapp/src: run scripts/webapp.sh --build and commit webapp/dist" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/skillbook" ./cmd/skillbook)
SKILLBOOK_BIN="$tmp/skillbook" npx --no-install playwright test
