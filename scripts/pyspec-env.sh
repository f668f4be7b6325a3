#!/usr/bin/env bash
# pyspec-env.sh: the Python environment that runs the official consensus-specs
# pyspec (PyPI `eth-consensus-specs`, pinned in scripts/pyspec-requirements.txt).
#
# The pinned pyspec needs Python >= 3.12, which the Debian bookworm base of our
# machines does not have. So this script keeps, in a cache directory outside
# the repository, a minimal Debian trixie root file system (made with
# debootstrap, Python 3.13) holding a virtual environment with the pinned
# packages, and runs commands in it with chroot.
#
# Usage:
#   scripts/pyspec-env.sh [ensure]      create/verify the environment (idempotent)
#   scripts/pyspec-env.sh run CMD ARG.. run CMD inside it (`python`, `pip`,
#                                       `pytest` resolve to the venv's)
#   scripts/pyspec-env.sh shell         interactive shell inside it
#   scripts/pyspec-env.sh root          print the root file system's path
#
# `run` works in a private mount namespace (unshare), so its mounts disappear
# when the command exits, also on interruption, and parallel runs do not
# interfere. Inside the chroot, these host directories are bind-mounted at the
# SAME absolute path, so host paths can be passed unchanged as arguments:
#   - the repository root,
#   - the current working directory (the command starts there),
#   - $QUETZAL_CACHE (the quetzal cache; vectors are generated under it),
#   - every directory in $PYSPEC_BIND (colon-separated; created if missing).
# Also mounted: /proc, /dev, /dev/shm (pytest-xdist needs them), and
# /etc/resolv.conf is refreshed from the host. The command runs as root with
# a clean environment (PATH, HOME, LANG, TERM, PIP_*, *_proxy, plus the
# variables named in $PYSPEC_PASS_ENV, space-separated).
#
# Requirements: root (chroot and mount), network access to the Debian mirror
# and to PyPI on the first run. debootstrap is installed with apt-get if
# missing. Progress goes to stderr.
#
# Environment:
#   XDG_CACHE_HOME        cache base (default ~/.cache); the cache is
#                         $XDG_CACHE_HOME/quetzal (override: QUETZAL_CACHE)
#   PYSPEC_DEBIAN_MIRROR  Debian mirror (default: debootstrap's default mirror)
#   PYSPEC_SUITE          Debian suite (default trixie)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
REQUIREMENTS="$SCRIPT_DIR/pyspec-requirements.txt"

QUETZAL_CACHE=${QUETZAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quetzal}
SUITE=${PYSPEC_SUITE:-trixie}
MIRROR=${PYSPEC_DEBIAN_MIRROR:-}
ENV_DIR="$QUETZAL_CACHE/pyspec-env"
ROOTFS="$ENV_DIR/$SUITE-root"
ROOTFS_MARKER="$ROOTFS/.quetzal-rootfs-complete"
# The venv is keyed by the requirements and the post-install fix-ups: changing
# either makes a new one.
REQ_KEY=$({
	grep -v '^[[:space:]]*#' "$REQUIREMENTS" | sed '/^[[:space:]]*$/d'
	cat "$SCRIPT_DIR/pyspec/fix_imports.py"
} | sha256sum | cut -c1-12)
VENV="/opt/pyspec-$REQ_KEY"
VENV_MARKER="$ROOTFS$VENV/.quetzal-venv-complete"
# Host CA bundle, copied into the root so that pip trusts what the host trusts.
HOST_CA=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}

log() { echo "pyspec-env: $*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() {
	[ "$(id -u)" = 0 ] || die "must run as root (needs chroot and mount)"
}

ensure_debootstrap() {
	command -v debootstrap >/dev/null 2>&1 && return
	log "installing debootstrap with apt-get"
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
}

ensure_rootfs() {
	[ -e "$ROOTFS_MARKER" ] && return
	ensure_debootstrap
	local tmp="$ROOTFS.tmp"
	rm -rf "$tmp"
	mkdir -p "$ENV_DIR"
	log "debootstrap $SUITE into $ROOTFS (about 1 minute)"
	local start=$SECONDS
	if ! debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
		"$SUITE" "$tmp" ${MIRROR:+"$MIRROR"} >"$ENV_DIR/debootstrap.log" 2>&1; then
		tail -n 20 "$ENV_DIR/debootstrap.log" >&2
		die "debootstrap failed (full log: $ENV_DIR/debootstrap.log)"
	fi
	rm -rf "$ROOTFS"
	mv "$tmp" "$ROOTFS"
	touch "$ROOTFS_MARKER"
	log "root file system ready in $((SECONDS - start))s"
}

# sync_file SRC DST: copy SRC over DST if they differ, atomically (parallel
# runs may be reading DST).
sync_file() {
	cmp -s "$1" "$2" && return
	cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
}

# in_root CMD...: run CMD chrooted in a private mount namespace, with the
# mounts described at the top of this file.
in_root() {
	local cwd binds=() b
	cwd=$(pwd -P)
	binds+=("$REPO_ROOT" "$cwd")
	mkdir -p "$QUETZAL_CACHE"
	binds+=("$(cd "$QUETZAL_CACHE" && pwd -P)")
	if [ -n "${PYSPEC_BIND:-}" ]; then
		local IFS=:
		for b in $PYSPEC_BIND; do
			[ -n "$b" ] || continue
			mkdir -p "$b"
			binds+=("$(cd "$b" && pwd -P)")
		done
		unset IFS
	fi
	local root_home
	root_home=$(awk -F: '$1 == "root" { print $6 }' "$ROOTFS/etc/passwd")
	local envs=(PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="${root_home:-/}" LANG=C.UTF-8
		PIP_CERT=/etc/ssl/quetzal-host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1)
	local v
	for v in TERM PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_DEFAULT_TIMEOUT http_proxy https_proxy \
		HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY ${PYSPEC_PASS_ENV:-}; do
		[ -n "${!v+x}" ] && envs+=("$v=${!v}")
	done
	[ -r "$HOST_CA" ] && sync_file "$HOST_CA" "$ROOTFS/etc/ssl/quetzal-host-ca.crt"
	[ -r /etc/resolv.conf ] && sync_file /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
	# The mount script gets the root, the bind list and the working directory as
	# arguments, then the command after "--".
	unshare --mount --propagation private -- bash -euc '
		root=$1; cwd=$2; shift 2
		mount --bind /proc "$root/proc"
		mount --bind /dev "$root/dev"
		mount --bind /dev/shm "$root/dev/shm"
		if [ -d /dev/pts ]; then mkdir -p "$root/dev/pts"; mount --bind /dev/pts "$root/dev/pts"; fi
		while [ "$1" != "--" ]; do
			mkdir -p "$root$1"
			mount --bind "$1" "$root$1"
			shift
		done
		shift
		exec chroot "$root" /usr/bin/env -i "$@"
	' bash "$ROOTFS" "$cwd" "${binds[@]}" -- "${envs[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$cwd" "$@"
}

ensure_venv() {
	[ -e "$VENV_MARKER" ] && return
	log "creating venv $VENV in the root and installing scripts/pyspec-requirements.txt"
	local start=$SECONDS
	rm -rf "${ROOTFS:?}$VENV"
	in_root /usr/bin/python3 -m venv "$VENV" || die "venv creation failed"
	in_root "$VENV/bin/pip" install -q -r "$REQUIREMENTS" >&2 || die "pip install failed"
	in_root "$VENV/bin/pip" check >&2 || die "pip check failed"
	in_root "$VENV/bin/python" "$SCRIPT_DIR/pyspec/fix_imports.py" >&2 || die "fix_imports failed"
	in_root "$VENV/bin/python" -c 'import eth_consensus_specs.test.helpers.deposits, pytest, xdist' ||
		die "pyspec import check failed"
	touch "$VENV_MARKER"
	log "venv ready in $((SECONDS - start))s"
}

ensure() {
	need_root
	mkdir -p "$QUETZAL_CACHE"
	exec 9>>"$QUETZAL_CACHE/.pyspec-env.lock"
	# Serialise concurrent first-time setups.
	flock 9
	ensure_rootfs
	ensure_venv
	flock -u 9
}

cmd=${1:-ensure}
[ $# -gt 0 ] && shift
case "$cmd" in
ensure)
	ensure
	log "ready: $ROOTFS (venv $VENV)"
	;;
run)
	[ $# -gt 0 ] || die "usage: $0 run CMD [ARG...]"
	ensure
	in_root "$@"
	;;
shell)
	ensure
	in_root /bin/bash
	;;
root)
	echo "$ROOTFS"
	;;
*)
	die "unknown command '$cmd' (ensure|run|shell|root)"
	;;
esac
