# The whole test suite: `make test` (README's second command): installs the
# SDK clients the real-client tests use (once), then go vet and go test -race.
# PostgreSQL tests run when MONBAN_TEST_POSTGRES_DSN is set (CI sets it;
# locally: eval "$$(scripts/pg-tmp start)").

GO ?= go

.PHONY: test vet build run clean deps

test: deps vet
	@scripts/go-test

vet:
	$(GO) vet ./...

build:
	$(GO) build -o bin/monban ./cmd/monban

run:
	$(GO) run ./cmd/monban serve

clean:
	rm -rf bin

# The real-client tests (tests/clients) need Logto's Node SDK and Python SDK:
# node_modules from tests/node/package-lock.json and a virtualenv with
# tests/python/requirements.txt. Without them those tests skip (fail under CI=true).
# Each is redone only when its lock file changed.
deps: tests/node/node_modules/.package-lock.json tests/python/.venv/.installed

tests/node/node_modules/.package-lock.json: tests/node/package-lock.json
	cd tests/node && npm ci --no-audit --no-fund
	touch $@

tests/python/.venv/.installed: tests/python/requirements.txt
	python3 -m venv tests/python/.venv
	tests/python/.venv/bin/pip install -q --disable-pip-version-check -r tests/python/requirements.txt
	touch $@
