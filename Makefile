# The whole test suite: `make test` (README's second command).
# PostgreSQL tests run when MONBAN_TEST_POSTGRES_DSN is set (CI sets it;
# locally: eval "$$(scripts/pg-tmp start)").

GO ?= go

.PHONY: test vet build run clean

test: vet
	@scripts/go-test

vet:
	$(GO) vet ./...

build:
	$(GO) build -o bin/monban ./cmd/monban

run:
	$(GO) run ./cmd/monban serve

clean:
	rm -rf bin
