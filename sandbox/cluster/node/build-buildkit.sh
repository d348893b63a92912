#!/usr/bin/env bash
# Compiles BuildKit (buildkitd with only its containerd worker, and buildctl) from its Go module
# for image builds inside a `node` lab (`docker build`, `minikube image build`), cached outside
# the work tree in ~/.cache/kubelab/node-buildkit/<key>, key = the pin below, this script and
# the Go version. A second run with the same key prints the directory and does nothing else.
#
# The pin lives here, not in ../node-versions.env: build-node-binaries.sh keys its 13 binaries
# on every line of that file, and a BuildKit bump must not rebuild the kubelet.
#
# Usage: build-buildkit.sh      # prints the output directory last
set -euo pipefail

BUILDKIT_VERSION=v0.34.2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build-cache.sh
source "$here/build-cache.sh"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[node-buildkit] %s\n' "$*" >&2; }
die() { printf '[node-buildkit] error: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer and put it on PATH."
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

key="$( { echo "$BUILDKIT_VERSION"; cat "$here/build-buildkit.sh"; go env GOVERSION; } | sha256sum | cut -c1-16)"
out="$cache/node-buildkit/$key"
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi

mkdir -p "$cache/node-buildkit"
exec 9>"$cache/node-buildkit/.lock"; flock 9
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi
t0=$SECONDS
work="$cache/src/node-buildkit-$key"
rm -rf "$work" "$out.partial"; mkdir -p "$work" "$out.partial"
(cd "$work" && go mod init kubelab.local/build/buildkit >/dev/null 2>&1 \
  && nice -n 19 go get "github.com/moby/buildkit@${BUILDKIT_VERSION}" >&2) \
  || die "could not fetch github.com/moby/buildkit@${BUILDKIT_VERSION} from $(go env GOPROXY)"
ver="-X github.com/moby/buildkit/version.Version=${BUILDKIT_VERSION} -X github.com/moby/buildkit/version.Revision=module"
# no_oci_worker: the lab's containerd (namespace k8s.io) is the one image store, so only the
# containerd worker is compiled in; netgo/osusergo keep the static binaries free of glibc's NSS.
for bin in buildkitd buildctl; do
  t1=$SECONDS
  log "$bin"
  (cd "$work" && nice -n 19 go build -trimpath -tags "no_oci_worker netgo osusergo" \
    -ldflags "-s -w $ver" -o "$out.partial/$bin" "github.com/moby/buildkit/cmd/$bin") || die "go build $bin failed"
  printf '%s %d\n' "$bin" "$((SECONDS - t1))" >>"$out.partial/.timings"
done
rm -rf "$work"
printf 'total %d\n' "$((SECONDS - t0))" >>"$out.partial/.timings"
touch "$out.partial/.complete"
rm -rf "$out"; mv "$out.partial" "$out"
log "built in $((SECONDS - t0)) s -> $out"
cache_prune "$cache/node-buildkit" "$key"
echo "$out"
