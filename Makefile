# quetzal: `make test` is the one command that checks everything.
GO ?= go
FUZZTIME ?= 20s

.PHONY: test unit fuzz spec-tests
test: unit fuzz spec-tests

unit:
	$(GO) vet ./...
	$(GO) test ./...

# A bounded run of each decoding fuzz target from its committed seed corpus.
# A short minimize time keeps the fuzzer from stalling on minimizing
# multi-kilobyte states and blocks.
fuzz:
	$(GO) test ./spec -run '^$$' -fuzz '^FuzzDecodeBeaconState$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s
	$(GO) test ./spec -run '^$$' -fuzz '^FuzzDecodeBeaconBlock$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s
	$(GO) test ./ssz -run '^$$' -fuzz '^FuzzSampleDecode$$' -fuzztime $(FUZZTIME)

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
