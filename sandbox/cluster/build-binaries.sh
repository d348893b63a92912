#!/usr/bin/env bash
# Compiles the upstream cluster binaries from their Go modules and caches them outside
# the work tree, keyed by the pins in versions.env and by this script. A second run with
# the same key prints the cached directory and does nothing else.
#
# Usage: build-binaries.sh            # builds if needed, prints the output directory last
# Env:   KUBELAB_CACHE_DIR            # default ~/.cache/kubelab
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

# Bump when a change below alters the binaries (flags, ldflags, the list); a change to
# comments or messages then costs no rebuild.
recipe=2
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
key="$( { grep -v '^#' "$here/versions.env"; echo "recipe=$recipe"; } | sha256sum | cut -c1-16)"
out="$cache/bin/$key"

if [[ -f "$out/.complete" ]]; then
  echo "$out"
  exit 0
fi
# Two set-ups at once (a CI run beside a work tree's) once built into the same .partial
# directory and left a "complete" one holding only helm: the second now waits for the first.
mkdir -p "$cache/bin"
exec 9>"$cache/bin/.lock"; flock 9
if [[ -f "$out/.complete" && -x "$out/kube-apiserver" ]]; then echo "$out"; exit 0; fi

log() { printf '[cluster-build] %s\n' "$*" >&2; }
die() { printf '[cluster-build] error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer (https://go.dev/dl/) and put it on PATH, e.g. /usr/local/go/bin."
gover="$(go env GOVERSION | sed 's/^go//')"
major="${gover%%.*}"; rest="${gover#*.}"; minor="${rest%%.*}"
if (( major < 1 || (major == 1 && minor < 26) )); then
  die "Go $gover is too old; Kubernetes ${KUBERNETES_VERSION} needs Go 1.26 or newer."
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
proxy="$(go env GOPROXY)"
probe_url="${proxy%%,*}/k8s.io/kubernetes/@v/${KUBERNETES_VERSION}.info"
if [[ "$proxy" == http* ]] && command -v curl >/dev/null 2>&1; then
  curl -fsS --max-time 20 -o /dev/null "$probe_url" \
    || die "the Go module proxy ($proxy) does not answer. Set GOPROXY to a reachable proxy."
fi

work="$cache/src/$key"
mkdir -p "$work" "$out.partial"
started=$SECONDS
step=0; steps=9
build() { # build <module dir> <binary name> <package> [ldflags]
  local dir="$1" name="$2" pkg="$3" ldflags="${4:-}"
  step=$((step + 1))
  local t0=$SECONDS
  log "[$step/$steps] $name ($pkg)"
  (cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.partial/$name" "$pkg")
  log "[$step/$steps] $name done in $((SECONDS - t0))s"
}
new_module() { # new_module <dir> <module path>
  rm -rf "$1"; mkdir -p "$1"
  (cd "$1" && go mod init "$2" >/dev/null 2>&1)
}

# --- Kubernetes: the k8s.io/kubernetes module refers to its staging modules through
# relative replaces, which Go ignores outside the main module. A wrapper module replaces
# each of them with the published v0.X.Y of the same release.
k8s="$work/kubernetes"
new_module "$k8s" kubelab.local/build/kubernetes
log "resolving k8s.io/kubernetes@${KUBERNETES_VERSION}"
kmod="$(cd "$k8s" && go mod download -json "k8s.io/kubernetes@${KUBERNETES_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
[[ -f "$kmod" ]] || die "could not download k8s.io/kubernetes@${KUBERNETES_VERSION} from $proxy"
staging_version="v0.${KUBERNETES_VERSION#v1.}"
{
  echo "replace ("
  sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging_version"'#p' "$kmod"
  echo ")"
} >>"$k8s/go.mod"
(cd "$k8s" && go get "k8s.io/kubernetes@${KUBERNETES_VERSION}" >&2)
kminor="${KUBERNETES_VERSION#v1.}"; kminor="${kminor%%.*}"
kdate="$(cd "$k8s" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)"
kver=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kver+=" -X $p.gitVersion=${KUBERNETES_VERSION} -X $p.gitMajor=1 -X $p.gitMinor=${kminor}"
  kver+=" -X $p.gitTreeState=clean -X $p.buildDate=${kdate} -X $p.gitCommit=module-${KUBERNETES_VERSION}"
done
build "$k8s" kubectl k8s.io/kubernetes/cmd/kubectl "$kver"
build "$k8s" kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$kver"
build "$k8s" kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$kver"
build "$k8s" kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler "$kver"

# --- etcd: server, etcdctl (health, snapshot save) and etcdutl (snapshot restore).
etcd="$work/etcd"
new_module "$etcd" kubelab.local/build/etcd
(cd "$etcd" && go get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}" "go.etcd.io/etcd/etcdctl/v3@${ETCD_VERSION}" "go.etcd.io/etcd/etcdutl/v3@${ETCD_VERSION}" >&2)
build "$etcd" etcd go.etcd.io/etcd/server/v3 "-X go.etcd.io/etcd/api/v3/version.GitSHA=module"
build "$etcd" etcdctl go.etcd.io/etcd/etcdctl/v3
build "$etcd" etcdutl go.etcd.io/etcd/etcdutl/v3

# --- kwok: stands in for kubelets in profile sim. (Not kwokctl: it makes whole kwok clusters
# from outside, which a lab never does, and costs a link and its own packages.)
kwok="$work/kwok"
new_module "$kwok" kubelab.local/build/kwok
(cd "$kwok" && go get "sigs.k8s.io/kwok@${KWOK_VERSION}" >&2)
kwokver="-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}"
build "$kwok" kwok sigs.k8s.io/kwok/cmd/kwok "$kwokver"

# --- helm
helm="$work/helm"
new_module "$helm" kubelab.local/build/helm
(cd "$helm" && go get "helm.sh/helm/v3@${HELM_VERSION}" >&2)
build "$helm" helm helm.sh/helm/v3/cmd/helm "-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}"

# Go's build cache keeps the compiled packages; the wrapper modules are cheap to remake.
rm -rf "$work"
touch "$out.partial/.complete"
rm -rf "$out"; mv "$out.partial" "$out"
log "all binaries built in $((SECONDS - started))s -> $out"
echo "$out"
