# quetzal: `make test` is the one command that checks everything.
GO ?= go

.PHONY: test unit spec-tests
test: unit spec-tests

unit:
	$(GO) vet ./...
	$(GO) test ./...

# The official consensus-spec-tests vectors: scripts/vectors.sh finds, downloads
# or generates them and prints their root directory last.
spec-tests:
	@out=$$(bash scripts/vectors.sh) || { echo "spec-tests: cannot obtain the consensus-spec-tests vectors" >&2; exit 1; }; \
	vectors=$$(printf '%s\n' "$$out" | tail -n 1); \
	echo "spec-tests: vectors in $$vectors"; \
	$(GO) run ./cmd/spectest -vectors "$$vectors"
