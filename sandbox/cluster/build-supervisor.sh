#!/usr/bin/env bash
# Compiles kubelab-supervisor (supervisor/, standard library only: no module download) and
# caches it outside the work tree in ~/.cache/kubelab/supervisor/<key>, key = its sources,
# this script and the Go version. A second run with the same key prints the directory and
# does nothing else. Separate from build-binaries.sh so that an edit of the supervisor
# costs a few seconds, not a rebuild of Kubernetes.
#
# Usage: build-supervisor.sh      # prints the output directory last
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=node/build-cache.sh
source "$here/node/build-cache.sh"
src="$here/supervisor"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[supervisor-build] %s\n' "$*" >&2; }
die() { printf '[supervisor-build] error: %s\n' "$*" >&2; exit 1; }
# As the set-up finds it (sandbox/host/setup.sh): on PATH, or where Go's tarball installs.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then export PATH="$PATH:/usr/local/go/bin"; fi
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer and put it on PATH."
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

key="$( { (cd "$src" && find . -type f \( -name '*.go' -o -name go.mod \) | LC_ALL=C sort | xargs sha256sum); cat "$here/build-supervisor.sh"; go env GOVERSION; } | sha256sum | cut -c1-16)"
out="$cache/supervisor/$key"
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi

mkdir -p "$cache/supervisor"
exec 9>"$cache/supervisor/.lock"; flock 9
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi
t0=$SECONDS
rm -rf "$out.partial"; mkdir -p "$out.partial"
(cd "$src" && go vet . && go build -trimpath -ldflags "-s -w" -o "$out.partial/kubelab-supervisor" .) || die "building kubelab-supervisor failed"
touch "$out.partial/.complete"
rm -rf "$out"; mv "$out.partial" "$out"
log "built in $((SECONDS - t0)) s -> $out"
cache_prune "$cache/supervisor" "$key"
echo "$out"
