# quetzal: `make test` is the one command that checks everything.
GO ?= go

.PHONY: test unit spec-tests
test: unit spec-tests

unit:
	$(GO) vet ./...
	$(GO) test ./...

spec-tests:
	$(GO) run ./cmd/spectest
