#!/usr/bin/env bash
# Compiles metrics-server from its Go module for `kubectl top` in a `node` lab (run there as a
# process of the lab by `kubelab-node metrics-server`), cached outside the work tree in
# ~/.cache/kubelab/node-metrics-server/<key>, key = the pin below, this script and the Go
# version. A second run with the same key prints the directory and does nothing else.
#
# The pin lives here, not in ../node-versions.env: build-node-binaries.sh keys its 13 binaries
# on every line of that file, and a metrics-server bump must not rebuild the kubelet.
# v0.8.0 (client libraries 0.33) speaks metrics.k8s.io/v1beta1 and the kubelet's
# /metrics/resource, which the pinned Kubernetes still serves; the Go proxy also serves v0.9.0,
# which is not an approved release.
#
# Usage: build-metrics-server.sh      # prints the output directory last
set -euo pipefail

METRICS_SERVER_VERSION=v0.8.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build-cache.sh
source "$here/build-cache.sh"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[node-metrics-server] %s\n' "$*" >&2; }
die() { printf '[node-metrics-server] error: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer and put it on PATH."
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

key="$( { echo "$METRICS_SERVER_VERSION"; cat "$here/build-metrics-server.sh"; go env GOVERSION; } | sha256sum | cut -c1-16)"
out="$cache/node-metrics-server/$key"
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi

mkdir -p "$cache/node-metrics-server"
exec 9>"$cache/node-metrics-server/.lock"; flock 9
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi
t0=$SECONDS
work="$cache/src/node-metrics-server-$key"
rm -rf "$work" "$out.partial"; mkdir -p "$work" "$out.partial"
(cd "$work" && go mod init kubelab.local/build/metrics-server >/dev/null 2>&1 \
  && nice -n 19 go get "sigs.k8s.io/metrics-server@${METRICS_SERVER_VERSION}" >&2) \
  || die "could not fetch sigs.k8s.io/metrics-server@${METRICS_SERVER_VERSION} from $(go env GOPROXY)"
# metrics-server reports client-go's version variables (its Makefile sets the same three).
date="$(cd "$work" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' sigs.k8s.io/metrics-server)"
ver="-X k8s.io/client-go/pkg/version.gitVersion=${METRICS_SERVER_VERSION} -X k8s.io/client-go/pkg/version.gitCommit=module-${METRICS_SERVER_VERSION}"
ver+=" -X k8s.io/client-go/pkg/version.buildDate=${date}"
log "metrics-server ${METRICS_SERVER_VERSION}"
(cd "$work" && nice -n 19 go build -trimpath -ldflags "-s -w $ver" -o "$out.partial/metrics-server" \
  sigs.k8s.io/metrics-server/cmd/metrics-server) || die "go build metrics-server failed"
rm -rf "$work"
printf 'total %d\n' "$((SECONDS - t0))" >>"$out.partial/.timings"
touch "$out.partial/.complete"
rm -rf "$out"; mv "$out.partial" "$out"
log "built in $((SECONDS - t0)) s -> $out"
cache_prune "$cache/node-metrics-server" "$key"
echo "$out"
