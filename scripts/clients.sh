#!/bin/sh
# Checks the clients generated from the API's OpenAPI document, as
# `make test` runs it: the committed clients/typescript/openapi.json and
# schema.d.ts are what the API and openapi-typescript make now (else: out
# of date), the TypeScript client compiles under tsc --strict, and
# redocly lint finds no error in the document. With --write it regenerates
# the committed files instead of comparing them (run it after changing the
# API). The tools are the pinned devDependencies of package.json.
set -eu
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH"
# No telemetry or update checks: the check runs offline too.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
dir=clients/typescript
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go run ./cmd/skillbook-openapi > "$tmp/openapi.json"
openapi-typescript "$tmp/openapi.json" --output "$tmp/schema.d.ts" --silent
if [ "${1:-}" = "--write" ]; then
	cp "$tmp/openapi.json" "$tmp/schema.d.ts" "$dir/"
	echo "clients: wrote $dir/openapi.json and $dir/schema.d.ts"
else
	for f in openapi.json schema.d.ts; do
		if ! cmp -s "$tmp/$f" "$dir/$f"; then
			diff -u "$dir/$f" "$tmp/$f" | head -40 >&2 || true
			echo "clients: $dir/$f is out of date with the API: run scripts/clients.sh --write and commit it" >&2
			exit 1
		fi
	done
fi
tsc --strict -p "$dir"
redocly lint --format=stylish "$dir/openapi.json"
echo "clients: up to date, compiles under tsc --strict, redocly lint has no errors"
