# The two commands a newcomer needs: `make run` and `make test`.
# Both start the Firebase Auth emulator (pinned in package-lock.json) and
# install it first when it is missing.

EMULATOR = npx --no-install firebase emulators:exec --only auth --project demo-skillbook
FIREBASE = node_modules/.bin/firebase
# staticcheck, pinned: go run fetches this version once into the module cache.
STATICCHECK = go run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test vet chromium

# Run the API on the embedded store with a seeded demo program.
run: $(FIREBASE)
	$(EMULATOR) 'go run ./cmd/skillbook serve --demo'

# Run the whole suite with the race detector (the HTTP scenarios on the
# SQLite engine, the real emulator for the end-to-end tests), the HTTP
# scenarios again on the MongoDB engine (its FerretDB stand-in, or
# TEST_MONGODB_URI), then every fuzz target for a few seconds each
# (scripts/fuzz.sh). First, the generated clients must be up to date,
# compile under tsc --strict, and the document pass redocly lint
# (scripts/clients.sh).
test: $(FIREBASE) chromium vet
	scripts/clients.sh
	$(EMULATOR) 'go test -race -count=1 -timeout 60m ./... && SKILLBOOK_TEST_ENGINE=mongo go test -race -count=1 -timeout 30m ./handlers/... && scripts/fuzz.sh'

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt: the files above need formatting'; exit 1; }
	go vet ./...
	$(STATICCHECK) ./...

$(FIREBASE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(FIREBASE)

# The /docs test loads the page in headless Chromium (Debian's package).
chromium:
	@command -v chromium >/dev/null || { s=; [ "$$(id -u)" = 0 ] || s=sudo; $$s apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$s apt-get install -y -qq --no-install-recommends chromium; }
