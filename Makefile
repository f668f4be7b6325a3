# quetzal: `make test` is the one command that checks everything.
GO ?= go
FUZZ_EXECS ?= 250000

.PHONY: test unit fuzz spec-tests
test: unit fuzz spec-tests

unit:
	$(GO) vet ./...
	$(GO) test ./...

# A bounded run of each decoding fuzz target from its committed seed corpus.
# Budgets are execution counts, not durations: Go 1.26's fuzz coordinator can
# report a spurious "context deadline exceeded" when a duration runs out
# (golang/go#75804). A small minimization budget keeps the fuzzer from
# stalling on minimizing multi-kilobyte states and blocks.
FUZZ = -run '^$$' -fuzztime $(FUZZ_EXECS)x -fuzzminimizetime 200x
# The process_block targets run whole blocks (and sign some), so they get
# fewer executions for about the same time.
FUZZ_BLOCK_EXECS ?= 50000
FUZZ_BLOCK = -run '^$$' -fuzztime $(FUZZ_BLOCK_EXECS)x -fuzzminimizetime 100x
fuzz:
	$(GO) test ./spec $(FUZZ) -fuzz '^FuzzDecodeBeaconState$$'
	$(GO) test ./spec $(FUZZ) -fuzz '^FuzzDecodeBeaconBlock$$'
	$(GO) test ./ssz $(FUZZ) -fuzz '^FuzzSampleDecode$$'
	$(GO) test ./spec $(FUZZ_BLOCK) -fuzz '^FuzzProcessBlockFulu$$'
	$(GO) test ./spec $(FUZZ_BLOCK) -fuzz '^FuzzProcessBlockPhase0$$'

# The official consensus-spec-tests vectors: scripts/vectors.sh finds, downloads
# or generates them and prints their root directory last. The runners whose
# generators the pyspec package does not ship (ssz_generic, kzg, phase0 bls)
# are checked on cases that scripts/reference-vectors.sh generates from the
# pyspec's reference functions, reported as the "pyspec-reference" source.
spec-tests:
	@out=$$(bash scripts/vectors.sh) || { echo "spec-tests: cannot obtain the consensus-spec-tests vectors" >&2; exit 1; }; \
	vectors=$$(printf '%s\n' "$$out" | tail -n 1); \
	ref=$$(bash scripts/reference-vectors.sh) || { echo "spec-tests: cannot generate the pyspec-reference vectors" >&2; exit 1; }; \
	reference=$$(printf '%s\n' "$$ref" | tail -n 1); \
	echo "spec-tests: vectors in $$vectors, reference cases in $$reference"; \
	$(GO) run ./cmd/spectest -vectors "$$vectors" -reference "$$reference"
