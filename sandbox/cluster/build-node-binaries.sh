#!/usr/bin/env bash
# Compiles the node binaries of profile `node` from their Go modules and caches them outside
# the work tree, keyed by the pins (versions.env + node-versions.env) and by this script's
# recipe number: kubelet, kube-proxy, containerd + containerd-shim-runc-v2 + ctr, runc (cgo,
# seccomp through Debian's libseccomp, linked statically), the CNI plugins bridge, host-local,
# loopback and portmap, crictl and CoreDNS. A second run with the same key prints the cached
# directory and does nothing else.
#
# Separate from build-binaries.sh on purpose: the `sim` binaries' cache key (and so CI's cache
# and the lab-sim image tag) must not change when a node pin does. Every compiler runs under
# `nice -n 19`, since this build is long and shares the machine with labs and tests.
#
# Usage: build-node-binaries.sh      # builds if needed, prints the output directory last
# Env:   KUBELAB_CACHE_DIR           # default ~/.cache/kubelab
#        KUBELAB_NODE_ONLY="kubelet containerd ..."  # build only these (for a spike; the
#                                    # result is then not marked complete)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=node-versions.env
source "$here/node-versions.env"
KUBELET_VERSION="${NODE_KUBERNETES_VERSION:-$KUBERNETES_VERSION}"

# Bump when a change below alters the binaries (flags, ldflags, the list).
recipe=1
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
key="$( { grep -v '^#' "$here/versions.env"; grep -v '^#' "$here/node-versions.env"; echo "node-recipe=$recipe"; } | sha256sum | cut -c1-16)"
out="$cache/node-bin/$key"

if [[ -f "$out/.complete" ]]; then
  echo "$out"
  exit 0
fi
# Two set-ups at once (a CI run beside a work tree's) must not build into the same
# .partial directory: the second waits for the first and then finds its result.
mkdir -p "$cache/node-bin"
exec 9>"$cache/node-bin/.lock"; flock 9
if [[ -f "$out/.complete" ]]; then echo "$out"; exit 0; fi

log() { printf '[node-build] %s\n' "$*" >&2; }
die() { printf '[node-build] error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer and put it on PATH."
gover="$(go env GOVERSION | sed 's/^go//')"
major="${gover%%.*}"; rest="${gover#*.}"; minor="${rest%%.*}"
if (( major < 1 || (major == 1 && minor < 26) )); then
  die "Go $gover is too old; Kubernetes ${KUBELET_VERSION} needs Go 1.26 or newer."
fi

# runc is the one cgo binary: its seccomp filter comes from libseccomp. Debian's static
# library is linked in, so runc runs in any image, whatever libseccomp it has.
if ! [[ -f /usr/lib/x86_64-linux-gnu/libseccomp.a || -n "$(find /usr/lib -name libseccomp.a -print -quit 2>/dev/null)" ]] \
   || ! command -v pkg-config >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
  [[ $EUID -eq 0 ]] || die "runc needs libseccomp-dev, pkg-config and gcc; install them (apt-get install libseccomp-dev pkg-config gcc) or run this script as root once"
  log "installing libseccomp-dev, pkg-config and gcc"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq libseccomp-dev pkg-config gcc >&2
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
proxy="$(go env GOPROXY)"
probe_url="${proxy%%,*}/github.com/containerd/containerd/v2/@v/${CONTAINERD_VERSION}.info"
if [[ "$proxy" == http* ]] && command -v curl >/dev/null 2>&1; then
  curl -fsS --max-time 20 -o /dev/null "$probe_url" \
    || die "the Go module proxy ($proxy) does not answer. Set GOPROXY to a reachable proxy."
fi

only=" ${KUBELAB_NODE_ONLY:-} "
wanted() { [[ "$only" == "  " || "$only" == *" $1 "* ]]; }

work="$cache/src/node-$key"
mkdir -p "$work" "$out.partial"
started=$SECONDS
timings="$out.partial/.timings"
: >"$timings"
step=0; steps=13
build() { # build <module dir> <binary name> <package> [ldflags] [extra go build args...]
  local dir="$1" name="$2" pkg="$3" ldflags="${4:-}"
  shift 4 2>/dev/null || shift $#
  step=$((step + 1))
  if ! wanted "$name"; then return 0; fi
  local t0=$SECONDS
  log "[$step/$steps] $name ($pkg)"
  (cd "$dir" && nice -n 19 go build -trimpath "$@" -ldflags "-s -w $ldflags" -o "$out.partial/$name" "$pkg")
  log "[$step/$steps] $name done in $((SECONDS - t0))s"
  printf '%s %d\n' "$name" "$((SECONDS - t0))" >>"$timings"
}
new_module() { # new_module <dir> <module path>
  rm -rf "$1"; mkdir -p "$1"
  (cd "$1" && go mod init "$2" >/dev/null 2>&1)
}
get() { # get <dir> <module@version>...  (nice: resolving also compiles nothing, but is cheap)
  local dir="$1"; shift
  (cd "$dir" && nice -n 19 go get "$@" >&2)
}

# --- kubelet and kube-proxy: the same wrapper-module trick as build-binaries.sh (the
# k8s.io/kubernetes module points at its staging modules through relative replaces, which Go
# ignores outside the main module, so each is replaced by its published v0.X.Y).
k8s="$work/kubernetes"
if wanted kubelet || wanted kube-proxy; then
  new_module "$k8s" kubelab.local/build/kubernetes
  log "resolving k8s.io/kubernetes@${KUBELET_VERSION}"
  kmod="$(cd "$k8s" && go mod download -json "k8s.io/kubernetes@${KUBELET_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  [[ -f "$kmod" ]] || die "could not download k8s.io/kubernetes@${KUBELET_VERSION} from $proxy"
  staging_version="v0.${KUBELET_VERSION#v1.}"
  {
    echo "replace ("
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging_version"'#p' "$kmod"
    echo ")"
  } >>"$k8s/go.mod"
  get "$k8s" "k8s.io/kubernetes@${KUBELET_VERSION}"
fi
kminor="${KUBELET_VERSION#v1.}"; kminor="${kminor%%.*}"
kver=""
if [[ -f "$k8s/go.mod" ]]; then
  kdate="$(cd "$k8s" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    kver+=" -X $p.gitVersion=${KUBELET_VERSION} -X $p.gitMajor=1 -X $p.gitMinor=${kminor}"
    kver+=" -X $p.gitTreeState=clean -X $p.buildDate=${kdate} -X $p.gitCommit=module-${KUBELET_VERSION}"
  done
fi
build "$k8s" kubelet k8s.io/kubernetes/cmd/kubelet "$kver"

# --- containerd 2.x, its runc shim and ctr. btrfs, devmapper and zfs snapshotters need C
# libraries and are never used here (overlayfs and native are).
ctrd="$work/containerd"
ctags=(-tags "no_btrfs no_devmapper no_zfs no_dynamic_plugins")
if wanted containerd || wanted containerd-shim-runc-v2 || wanted ctr; then
  new_module "$ctrd" kubelab.local/build/containerd
  get "$ctrd" "github.com/containerd/containerd/v2@${CONTAINERD_VERSION}"
fi
cver="-X github.com/containerd/containerd/v2/version.Version=${CONTAINERD_VERSION} -X github.com/containerd/containerd/v2/version.Revision=module"
cver+=" -X github.com/containerd/containerd/v2/version.Package=github.com/containerd/containerd/v2"
build "$ctrd" containerd github.com/containerd/containerd/v2/cmd/containerd "$cver" "${ctags[@]}"
build "$ctrd" containerd-shim-runc-v2 github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 "$cver" "${ctags[@]}"
build "$ctrd" ctr github.com/containerd/containerd/v2/cmd/ctr "$cver" "${ctags[@]}"

# --- runc: cgo + seccomp, static (netgo/osusergo keep glibc's NSS out of a static binary).
runc="$work/runc"
if wanted runc; then
  new_module "$runc" kubelab.local/build/runc
  get "$runc" "github.com/opencontainers/runc@${RUNC_VERSION}"
fi
CGO_ENABLED=1 build "$runc" runc github.com/opencontainers/runc \
  "-X main.version=${RUNC_VERSION#v} -X main.gitCommit=module -extldflags -static" \
  -tags "seccomp netgo osusergo" -buildmode=exe

# --- CNI plugins: a bridge with host-local IPAM gives each pod an IP; loopback gives it lo;
# portmap serves hostPort (minikube's hello-minikube lessons use NodePort, but hostPort exists).
cni="$work/cni"
if wanted bridge || wanted host-local || wanted loopback || wanted portmap; then
  new_module "$cni" kubelab.local/build/cni
  get "$cni" "github.com/containernetworking/plugins@${CNI_PLUGINS_VERSION}"
fi
cniver="-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${CNI_PLUGINS_VERSION}"
build "$cni" bridge github.com/containernetworking/plugins/plugins/main/bridge "$cniver"
build "$cni" host-local github.com/containernetworking/plugins/plugins/ipam/host-local "$cniver"
build "$cni" loopback github.com/containernetworking/plugins/plugins/main/loopback "$cniver"
build "$cni" portmap github.com/containernetworking/plugins/plugins/meta/portmap "$cniver"

# --- crictl: what `minikube ssh -- crictl ps` shows on a real node.
cri="$work/cri-tools"
if wanted crictl; then
  new_module "$cri" kubelab.local/build/cri-tools
  get "$cri" "sigs.k8s.io/cri-tools@${CRI_TOOLS_VERSION}"
fi
build "$cri" crictl sigs.k8s.io/cri-tools/cmd/crictl "-X sigs.k8s.io/cri-tools/pkg/version.Version=${CRI_TOOLS_VERSION}"

# --- kube-proxy (same module as the kubelet; after the runtime, which the spike needs first).
build "$k8s" kube-proxy k8s.io/kubernetes/cmd/kube-proxy "$kver"

# --- CoreDNS: the cluster's DNS server, with its default plugin set.
dns="$work/coredns"
if wanted coredns; then
  new_module "$dns" kubelab.local/build/coredns
  get "$dns" "github.com/coredns/coredns@${COREDNS_VERSION}"
fi
build "$dns" coredns github.com/coredns/coredns "-X github.com/coredns/coredns/coremain.GitCommit=module-${COREDNS_VERSION}"

rm -rf "$work"
if [[ "$only" != "  " ]]; then
  log "partial build (KUBELAB_NODE_ONLY) in $((SECONDS - started))s -> $out.partial (not marked complete)"
  echo "$out.partial"
  exit 0
fi
printf 'total %d\n' "$((SECONDS - started))" >>"$timings"
touch "$out.partial/.complete"
rm -rf "$out"; mv "$out.partial" "$out"
log "all node binaries built in $((SECONDS - started))s -> $out"
echo "$out"
