#!/usr/bin/env bash
# vectors.sh: make sure the official consensus-spec-tests vectors of the pinned
# version (testdata/spec-tests.version) are on this machine, and print their
# root (the directory that contains tests/) as the last line of stdout.
# Progress and diagnostics go to stderr.
#
# Where they come from, first match wins:
#   1. $QUETZAL_SPEC_TESTS, if set (it must contain tests/);
#   2. ../shared/consensus-spec-tests/<version>/ beside the repository;
#   3. the release tarballs (general, minimal, mainnet) of consensus-spec-tests,
#      downloaded once into $CACHE/consensus-spec-tests/<version>-release/
#      (short connect timeout: an offline machine falls through at once;
#      QUETZAL_SPEC_TESTS_NO_DOWNLOAD=1 skips this step);
#   4. generated with the official generator of the pinned pyspec (see
#      scripts/pyspec-env.sh and scripts/pyspec/generate.py) into
#      $CACHE/consensus-spec-tests/<version>/, where CACHE is
#      ${XDG_CACHE_HOME:-$HOME/.cache}/quetzal.
#
# Generation is cached per (preset, fork, runner): the marker
# .complete/<preset>/<fork>/<runner> is written only after that runner's
# vectors were completely generated and moved into tests/, so a rerun
# generates only what is missing, and an interrupted run leaves nothing marked
# that is not complete (work in progress lives in .staging/, removed on the
# next run). Per-group logs and timings are kept in .logs/.
#
# Settings (environment):
#   QUETZAL_SPEC_RUNNERS  runners to generate (default: $DEFAULT_RUNNERS below)
#   QUETZAL_SPEC_MINIMAL_RUNNERS  runners generated for the minimal preset
#                         only (default: $DEFAULT_MINIMAL_RUNNERS below, or
#                         none when QUETZAL_SPEC_RUNNERS is set)
#   QUETZAL_SPEC_FORKS    forks (default: phase0 ... fulu)
#   QUETZAL_SPEC_PRESETS  presets (default: minimal mainnet; preset-independent
#                         runners always go to "general")
#   QUETZAL_SPEC_JOBS     generator processes run in parallel (default: nproc)
set -euo pipefail

# Runners generated with the pyspec. Add a runner by adding its name here.
# The pyspec's generator also knows: operations epoch_processing sanity
# finality random rewards fork transition genesis networking fork_choice sync
# light_client fast_confirmation (runner names, as in tests/<preset>/<fork>/).
DEFAULT_RUNNERS="ssz_static shuffling merkle_proof bls"
# Runners generated for the minimal preset only, by default: the
# state-transition runners take about 70-110 s per minimal fork here, but
# 11 minutes for mainnet phase0 on an idle machine and more for later forks,
# which a fresh machine cannot afford in CI for every fork. Mainnet
# state-transition vectors are used whenever they are in the cache or the
# tarballs (generate them with QUETZAL_SPEC_PRESETS=mainnet
# QUETZAL_SPEC_RUNNERS="$DEFAULT_MINIMAL_RUNNERS").
DEFAULT_MINIMAL_RUNNERS="operations epoch_processing sanity finality random rewards fork transition genesis networking"
# Runners whose vectors are preset-independent (tests/general/...).
GENERAL_RUNNERS="bls kzg ssz_generic"
DEFAULT_FORKS="phase0 altair bellatrix capella deneb electra fulu"
DEFAULT_PRESETS="minimal mainnet"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
VERSION=$(tr -d '[:space:]' <"$REPO_ROOT/testdata/spec-tests.version")
export QUETZAL_CACHE=${QUETZAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quetzal}
RELEASE_URL=https://github.com/ethereum/consensus-spec-tests/releases/download/$VERSION

RUNNERS=${QUETZAL_SPEC_RUNNERS:-$DEFAULT_RUNNERS}
# Explicit runners replace both default lists.
if [ -n "${QUETZAL_SPEC_RUNNERS:-}" ]; then
	MINIMAL_RUNNERS=${QUETZAL_SPEC_MINIMAL_RUNNERS:-}
else
	MINIMAL_RUNNERS=${QUETZAL_SPEC_MINIMAL_RUNNERS:-$DEFAULT_MINIMAL_RUNNERS}
fi
FORKS=${QUETZAL_SPEC_FORKS:-$DEFAULT_FORKS}
PRESETS=${QUETZAL_SPEC_PRESETS:-$DEFAULT_PRESETS}
JOBS=${QUETZAL_SPEC_JOBS:-$(nproc 2>/dev/null || echo 2)}

log() { echo "vectors: $*" >&2; }
die() { log "error: $*"; exit 1; }
found() { log "using $1"; echo "$1"; exit 0; }

[ -n "$VERSION" ] || die "testdata/spec-tests.version is empty"

# 1. Explicit location.
if [ -n "${QUETZAL_SPEC_TESTS:-}" ]; then
	[ -d "$QUETZAL_SPEC_TESTS/tests" ] || die "QUETZAL_SPEC_TESTS=$QUETZAL_SPEC_TESTS has no tests/ directory"
	found "$(cd "$QUETZAL_SPEC_TESTS" && pwd)"
fi

# 2. Shared copy beside the repository.
SHARED="$REPO_ROOT/../shared/consensus-spec-tests/$VERSION"
if [ -d "$SHARED/tests" ]; then
	found "$(cd "$SHARED" && pwd)"
fi

# 3. Release tarballs.
RELEASE_DIR="$QUETZAL_CACHE/consensus-spec-tests/$VERSION-release"
if [ -e "$RELEASE_DIR/.complete" ]; then
	found "$RELEASE_DIR"
fi
download_release() {
	command -v curl >/dev/null 2>&1 || return 1
	local tmp="$RELEASE_DIR.tmp.$$" name
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for name in general minimal mainnet; do
		log "downloading $RELEASE_URL/$name.tar.gz"
		if ! curl -fsSL --connect-timeout 5 --speed-limit 10240 --speed-time 60 \
			-o "$tmp/$name.tar.gz" "$RELEASE_URL/$name.tar.gz" ||
			! tar -xzf "$tmp/$name.tar.gz" -C "$tmp"; then
			rm -rf "$tmp"
			return 1
		fi
		rm -f "$tmp/$name.tar.gz"
	done
	[ -d "$tmp/tests" ] || { rm -rf "$tmp"; return 1; }
	touch "$tmp/.complete"
	rm -rf "$RELEASE_DIR"
	mv "$tmp" "$RELEASE_DIR"
}
if [ "${QUETZAL_SPEC_TESTS_NO_DOWNLOAD:-0}" != 1 ]; then
	if download_release; then
		found "$RELEASE_DIR"
	fi
	log "release tarballs not reachable; generating with the pyspec instead"
fi

# 4. Generation with the pyspec.
GEN_ROOT="$QUETZAL_CACHE/consensus-spec-tests/$VERSION"

is_general() { case " $GENERAL_RUNNERS " in *" $1 "*) return 0 ;; esac; return 1; }

# Groups of work, one per (preset, fork): "preset fork runner,runner,...".
# Ordered roughly largest first (later forks have more containers), so the
# parallel slots finish together.
groups=()
add_group() { # preset fork runner...
	local preset=$1 fork=$2 missing=() r
	shift 2
	for r in "$@"; do
		[ -e "$GEN_ROOT/.complete/$preset/$fork/$r" ] || missing+=("$r")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		groups+=("$preset $fork $(IFS=,; echo "${missing[*]}")")
	fi
}
rev_forks=$(echo "$FORKS" | tr ' ' '\n' | sed '/^$/d' | tac | tr '\n' ' ')
preset_runners=() general_runners=()
for r in $RUNNERS; do
	if is_general "$r"; then general_runners+=("$r"); else preset_runners+=("$r"); fi
done
add_all_groups() {
	local fork preset
	for fork in $rev_forks; do
		for preset in $PRESETS; do
			local runners=("${preset_runners[@]}")
			if [ "$preset" = minimal ]; then
				runners+=($MINIMAL_RUNNERS)
			fi
			[ ${#runners[@]} -eq 0 ] || add_group "$preset" "$fork" "${runners[@]}"
		done
	done
	for fork in $rev_forks; do
		[ ${#general_runners[@]} -eq 0 ] || add_group general "$fork" "${general_runners[@]}"
	done
}
add_all_groups

if [ ${#groups[@]} -eq 0 ]; then
	found "$GEN_ROOT"
fi

mkdir -p "$GEN_ROOT"
exec 8>>"$GEN_ROOT/.lock"
if ! flock -n 8; then
	log "another vectors.sh is generating into $GEN_ROOT; waiting for it"
	flock 8
	exec bash "$0" "$@" # it may have done our work: start over
fi

log "generating ${#groups[@]} (preset, fork) groups into $GEN_ROOT (runners: $RUNNERS; $JOBS in parallel)"
t0=$SECONDS
"$SCRIPT_DIR/pyspec-env.sh" ensure
log "pyspec environment ready after $((SECONDS - t0))s"

rm -rf "$GEN_ROOT/.staging"
mkdir -p "$GEN_ROOT/.staging" "$GEN_ROOT/.logs" "$GEN_ROOT/.complete" "$GEN_ROOT/tests"
export PYSPEC_BIND="$GEN_ROOT"

# With fewer groups than slots, give each group xdist workers instead.
WORKERS=1
if [ ${#groups[@]} -lt "$JOBS" ]; then
	WORKERS=$((JOBS / ${#groups[@]}))
fi

run_group() { # preset fork runners-csv
	local preset=$1 fork=$2 runners=$3 start=$SECONDS r src dst n cpu summary=""
	local stage="$GEN_ROOT/.staging/$preset-$fork" logf="$GEN_ROOT/.logs/$preset-$fork.log"
	rm -rf "$stage"
	mkdir -p "$stage"
	if ! "$SCRIPT_DIR/pyspec-env.sh" run python "$SCRIPT_DIR/pyspec/generate.py" \
		--preset "$preset" --fork "$fork" --runners "$runners" --workers "$WORKERS" \
		--out "$stage/tests" >"$logf" 2>&1; then
		tail -n 30 "$logf" >&2
		log "FAILED $preset/$fork ($runners) after $((SECONDS - start))s; log: $logf"
		return 1
	fi
	for r in ${runners//,/ }; do
		src="$stage/tests/$preset/$fork/$r"
		dst="$GEN_ROOT/tests/$preset/$fork/$r"
		rm -rf "$dst"
		n=0
		if [ -d "$src" ]; then
			mkdir -p "$(dirname "$dst")"
			mv "$src" "$dst"
			n=$(find "$dst" -mindepth 3 -maxdepth 3 -type d | wc -l)
		fi
		mkdir -p "$GEN_ROOT/.complete/$preset/$fork"
		printf 'cases: %s\nversion: %s\ngenerated: %s\n' "$n" "$VERSION" "$(date -u +%FT%TZ)" \
			>"$GEN_ROOT/.complete/$preset/$fork/.$r.tmp"
		mv "$GEN_ROOT/.complete/$preset/$fork/.$r.tmp" "$GEN_ROOT/.complete/$preset/$fork/$r"
		summary+=" $r=$n"
	done
	rm -rf "$stage"
	cpu=$(sed -n 's/.*generate: cpu \([0-9]*\)s$/\1/p' "$logf" | tail -n 1)
	# preset fork runners wall-seconds cpu-seconds
	printf '%s\t%s\t%s\t%s\t%s\n' "$preset" "$fork" "$runners" "$((SECONDS - start))" "${cpu:-0}" \
		>>"$GEN_ROOT/.logs/timings.tsv"
	log "done $preset/$fork in $((SECONDS - start))s (cpu ${cpu:-0}s): cases$summary"
}

kill_tree() {
	local child
	for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
	kill "$1" 2>/dev/null || true
}
on_signal() {
	local p
	for p in $(jobs -p); do kill_tree "$p"; done
	log "interrupted; incomplete groups stay unmarked"
	exit 130
}
trap on_signal INT TERM

running=0
for g in "${groups[@]}"; do
	if [ "$running" -ge "$JOBS" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	# shellcheck disable=SC2086
	run_group $g &
	running=$((running + 1))
done
wait || true
rm -rf "$GEN_ROOT/.staging"

# The markers are the truth: whatever is still unmarked failed.
groups=()
add_all_groups
[ ${#groups[@]} -eq 0 ] || die "not generated: ${groups[*]} (see $GEN_ROOT/.logs); rerun to retry only what is missing"
log "generated in $((SECONDS - t0))s"
found "$GEN_ROOT"
