#!/usr/bin/env bash
# Compiles the small Go programs of profile `node` that kubelab writes itself (go/): the
# storage provisioner of node labs and the demo servers of the image catalogue. Their
# dependencies come from the Go module proxy, pinned by go/go.sum. Cached outside the work
# tree in ~/.cache/kubelab/node-tools/<key>, key = the sources, go.sum and the Go version;
# a second run with the same key prints the directory and does nothing else.
#
# Usage: build-tools.sh      # prints the output directory last
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build-cache.sh
source "$here/build-cache.sh"
src="$here/go"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[node-tools] %s\n' "$*" >&2; }
die() { printf '[node-tools] error: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer and put it on PATH."
export GOTOOLCHAIN=local CGO_ENABLED=0

key="$( { (cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort | xargs sha256sum); cat "$here/build-tools.sh"; go env GOVERSION; } | sha256sum | cut -c1-16)"
out="$cache/node-tools/$key"
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi

mkdir -p "$cache/node-tools"
exec 9>"$cache/node-tools/.lock"; flock 9
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi
t0=$SECONDS
rm -rf "$out.partial"; mkdir -p "$out.partial"
for dir in "$src"/*/; do
  name="$(basename "$dir")"
  [[ -f "$dir/main.go" ]] || continue
  log "$name"
  (cd "$src" && nice -n 19 go build -trimpath -ldflags "-s -w" -o "$out.partial/$name" "./$name") || die "go build ./$name failed"
done
touch "$out.partial/.complete"
rm -rf "$out"; mv "$out.partial" "$out"
log "built in $((SECONDS - t0)) s -> $out"
cache_prune "$cache/node-tools" "$key"
echo "$out"
