#!/usr/bin/env bash
# Compiles Traefik from its Go module for the `ingress` addon of a `node` lab (the controller
# pod of `minikube addons enable ingress`, image traefik:v3.7 of the offline catalogue, run with
# Traefik's Kubernetes Ingress NGINX provider: it takes the Ingresses of IngressClass nginx,
# controller k8s.io/ingress-nginx, and reads their nginx.ingress.kubernetes.io annotations, as
# minikube's ingress-nginx does). Cached outside the work tree in
# ~/.cache/kubelab/node-traefik/<key>, key = the pin below, this script and the Go version. A
# second run with the same key prints the directory and does nothing else.
#
# The pin lives here, not in ../node-versions.env, for the reason build-metrics-server.sh gives:
# a Traefik bump must not rebuild the kubelet.
#
# Built as the main module (a copy of the module's source from the Go proxy), so that its own
# `replace` directives apply. Three things the module zip and the proxy do not give, each
# mended explicitly below:
#  - pkg/config/dynamic/ext is a nested module (its own go.mod), so the zip leaves it out, and
#    the proxy does not serve github.com/traefik/traefik/dynamic/ext; Traefik's go.mod replaces
#    it with that directory. In the open-source tree it is an extension point of two empty
#    structs (dynamic.HTTP and dynamic.Router embed them), written here.
#  - The proxy refuses (403, "This module version is not available") some versions Traefik or
#    lego (its ACME library) require: each is replaced by the nearest version it serves. All are
#    ACME DNS-challenge providers of lego or the basic/digest-auth fork, none of which a lab
#    uses (a lab has no network; the addon has no ACME and no auth middleware).
# And one thing left out on purpose: lego's ACME DNS-challenge providers. Traefik's ACME
# resolver reaches them through one call (dns.NewDNSChallengeProviderByName), and that package
# imports all 220 providers with their cloud SDKs: 953 of the 2,649 packages of
# ./cmd/traefik. A lab has no DNS to change, so the call is replaced by an error that says so
# (a resolver with a DNS challenge fails at start, naming the provider); the HTTP and TLS
# challenges are untouched. The edit is checked: the build stops if Traefik's code moved.
#
# Usage: build-traefik.sh      # prints the output directory last
set -euo pipefail

TRAEFIK_VERSION=v3.7.13

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build-cache.sh
source "$here/build-cache.sh"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[node-traefik] %s\n' "$*" >&2; }
die() { printf '[node-traefik] error: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer and put it on PATH."
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

key="$( { echo "$TRAEFIK_VERSION"; cat "$here/build-traefik.sh"; go env GOVERSION; } | sha256sum | cut -c1-16)"
out="$cache/node-traefik/$key"
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi

mkdir -p "$cache/node-traefik"
exec 9>"$cache/node-traefik/.lock"; flock 9
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi
t0=$SECONDS
work="$cache/src/node-traefik-$key"
rm -rf "$work" "$out.partial"; mkdir -p "$(dirname "$work")" "$out.partial"
src="$(nice -n 19 go mod download -json "github.com/traefik/traefik/v3@${TRAEFIK_VERSION}" | jq -r '.Dir // empty')" \
  && [[ -d "$src" ]] || die "could not fetch github.com/traefik/traefik/v3@${TRAEFIK_VERSION} from $(go env GOPROXY)"
cp -r "$src" "$work"; chmod -R u+w "$work"

# The nested module github.com/traefik/traefik/dynamic/ext (see above).
mkdir -p "$work/pkg/config/dynamic/ext"
printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"$work/pkg/config/dynamic/ext/go.mod"
cat >"$work/pkg/config/dynamic/ext/ext.go" <<'EOF'
// Package ext is where builds of Traefik with extensions add fields to the dynamic
// configuration; the open-source build has none (written by kubelab's build-traefik.sh: the
// module zip leaves this nested module out).
package ext

// HTTP is embedded in dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is embedded in dynamic.Router.
type Router struct{}
EOF

# Versions the proxy refuses, each with the nearest one it serves (checked 2026-12-06).
replaces=(
  # Traefik's own fork of abbot/go-http-auth at 2026-08-04: the proxy serves the fork's
  # earlier commit that Traefik v3.6 used.
  "github.com/abbot/go-http-auth=github.com/containous/go-http-auth@v0.4.1-0.20200324110947-a37a7636d23e"
  # lego's DNS providers (ACME DNS challenges).
  "github.com/akamai/AkamaiOPEN-edgegrid-golang/v13=github.com/akamai/AkamaiOPEN-edgegrid-golang/v13@v13.3.0"
  "github.com/huaweicloud/huaweicloud-sdk-go-v3=github.com/huaweicloud/huaweicloud-sdk-go-v3@v0.1.211"
  "github.com/nrdcg/oci-go-sdk/common/v1065=github.com/nrdcg/oci-go-sdk/common/v1065@v1065.120.0"
  "github.com/nrdcg/oci-go-sdk/dns/v1065=github.com/nrdcg/oci-go-sdk/dns/v1065@v1065.120.0"
  "github.com/sacloud/sacloud-sdk-go=github.com/sacloud/sacloud-sdk-go@v0.2.0"
  "github.com/ucloud/ucloud-sdk-go=github.com/ucloud/ucloud-sdk-go@v0.22.123"
  "github.com/yandex-cloud/go-sdk/services/dns=github.com/yandex-cloud/go-sdk/services/dns@v0.0.96"
  "github.com/yandex-cloud/go-sdk/v2=github.com/yandex-cloud/go-sdk/v2@v2.169.0"
)
args=()
for r in "${replaces[@]}"; do args+=("-replace=$r"); done
(cd "$work" && go mod edit "${args[@]}") || die "go mod edit failed"

# lego's DNS providers (see above).
acme="$work/pkg/provider/acme/provider.go"
sed -i -e '\#^\t"github.com/go-acme/lego/v5/providers/dns"$#d' \
  -e 's#dns\.NewDNSChallengeProviderByName(p\.DNSChallenge\.Provider)#nil, fmt.Errorf("ACME DNS challenge provider %q is not in this build: kubelab builds Traefik without lego'"'"'s DNS providers (a lab has no DNS to change)", p.DNSChallenge.Provider)#' \
  "$acme"
grep -q 'not in this build: kubelab' "$acme" && ! grep -q 'lego/v5/providers/dns"' "$acme" \
  || die "$acme no longer calls lego's DNS providers as this script expects: update the edit"

date="$(cd "$work" && go list -m -json "github.com/traefik/traefik/v3@${TRAEFIK_VERSION}" 2>/dev/null | jq -r '.Time // empty')"
ver="-X github.com/traefik/traefik/v3/pkg/version.Version=${TRAEFIK_VERSION}"
ver+=" -X github.com/traefik/traefik/v3/pkg/version.BuildDate=${date:-unknown}"
log "traefik ${TRAEFIK_VERSION}"
(cd "$work" && nice -n 19 go build -trimpath -ldflags "-s -w $ver" -o "$out.partial/traefik" ./cmd/traefik) \
  || die "go build traefik failed"
rm -rf "$work"
printf 'total %d\n' "$((SECONDS - t0))" >>"$out.partial/.timings"
touch "$out.partial/.complete"
rm -rf "$out"; mv "$out.partial" "$out"
log "built in $((SECONDS - t0)) s -> $out"
cache_prune "$cache/node-traefik" "$key"
echo "$out"
