# The two commands a newcomer needs: `make run` and `make test`.
# Both start the Firebase Auth emulator (pinned in package-lock.json) and
# install it first when it is missing.

FIREBASE = node_modules/.bin/firebase
# Ports come from the environment: the API's PORT (8080 when unset; the
# server reads it) and the emulator's FIREBASE_AUTH_EMULATOR_HOST
# (firebase.json's 127.0.0.1:9099 when unset). The emulator reads
# firebase.json with that address, written to a temporary file.
AUTH_EMULATOR_HOST = $(or $(FIREBASE_AUTH_EMULATOR_HOST),127.0.0.1:9099)
EMULATOR_CONFIG = node -e 'const c = require("./firebase.json"), a = process.argv[1], i = a.lastIndexOf(":"); \
	c.emulators.auth = {host: a.slice(0, i), port: Number(a.slice(i + 1))}; \
	if (!a.slice(0, i) || !(c.emulators.auth.port > 0)) { console.error("FIREBASE_AUTH_EMULATOR_HOST must be host:port, not " + a); process.exit(2); } \
	console.log(JSON.stringify(c))' '$(AUTH_EMULATOR_HOST)'
# emulator 'COMMAND' runs COMMAND with the auth emulator, then removes the
# temporary configuration, keeping COMMAND's exit status.
EMULATOR = emulator() { d=$$(mktemp -d) && $(EMULATOR_CONFIG) > "$$d/firebase.json" && \
	$(FIREBASE) --config "$$d/firebase.json" emulators:exec --only auth --project demo-skillbook "$$1"; s=$$?; rm -rf "$$d"; return $$s; }; emulator
# staticcheck, pinned: go run fetches this version once into the module cache.
STATICCHECK = go run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test vet skillbook chromium

# Run the API on the embedded store with a seeded demo program. The server
# builds while npm installs the emulator.
run:
	@$(MAKE) --no-print-directory -j2 skillbook $(FIREBASE)
	$(EMULATOR) './skillbook serve --demo'

# skillbook is the server's binary (git ignores it); go build redoes only
# what changed.
skillbook:
	go build -o skillbook ./cmd/skillbook

# Run the whole suite with the race detector (the HTTP scenarios on the
# SQLite engine, the real emulator for the end-to-end tests), the HTTP
# scenarios again on the MongoDB engine (its FerretDB stand-in, or
# TEST_MONGODB_URI), then every fuzz target for 20,000 executions each
# (scripts/fuzz.sh). First, the generated clients must be up to date,
# compile under tsc --strict, and the document pass redocly lint
# (scripts/clients.sh); then the web app's committed build must match its
# source and its Playwright suite pass in Debian's chromium against the
# real server (scripts/webapp.sh).
test: $(FIREBASE) chromium vet
	scripts/clients.sh
	$(EMULATOR) 'scripts/webapp.sh && go test -race -count=1 -timeout 60m ./... && SKILLBOOK_TEST_ENGINE=mongo go test -race -count=1 -timeout 60m ./handlers/... && scripts/fuzz.sh'

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt: the files above need formatting'; exit 1; }
	go vet ./...
	$(STATICCHECK) ./...

# --omit=optional: the only package with a build step is re2, an optional
# dependency of the hosting emulator's superstatic (which falls back to
# JavaScript regular expressions without it); where its prebuilt binary
# cannot be downloaded it compiles from source, minutes of the set-up. The
# auth emulator never loads it.
$(FIREBASE): package.json package-lock.json
	npm ci --omit=optional --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $(FIREBASE)

# The /docs test loads the page in headless Chromium (Debian's package).
chromium:
	@command -v chromium >/dev/null || { s=; [ "$$(id -u)" = 0 ] || s=sudo; $$s apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$s apt-get install -y -qq --no-install-recommends chromium; }
