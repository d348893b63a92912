#!/usr/bin/env bash
# Spike of profile `node`: builds an image derived from the lab-sim image that adds the node
# binaries (sandbox/cluster/build-node-binaries.sh), the CNI plugins, two offline images for
# the node's containerd (a pause image from pause.c, a busybox image from Debian's
# busybox-static) and the in-lab script kubelab-node-up. Nothing is pulled: the two small
# images are `docker import`ed from tarballs made here and `docker save`d as archives that
# `ctr -n k8s.io images import` reads inside the lab.
#
# Usage: build-spike-image.sh LAB_IMAGE     # prints the derived image's tag last
# Env:   KUBELAB_CACHE_DIR (default ~/.cache/kubelab), KUBELAB_NODE_BIN_DIR (default: run
#        build-node-binaries.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[node-image] %s\n' "$*" >&2; }
die() { printf '[node-image] error: %s\n' "$*" >&2; exit 1; }

lab_image="${1:-}"
[[ -n "$lab_image" ]] || die "usage: $0 LAB_IMAGE (e.g. the last line of sandbox/image/build.sh)"
docker image inspect "$lab_image" >/dev/null 2>&1 || die "no image $lab_image"
bindir="${KUBELAB_NODE_BIN_DIR:-$(bash "$root/sandbox/cluster/build-node-binaries.sh" | tail -n 1)}"
for b in kubelet containerd containerd-shim-runc-v2 ctr runc bridge host-local loopback portmap; do
  [[ -x "$bindir/$b" ]] || die "no $b in $bindir"
done
[[ -x /bin/busybox ]] && file -b /bin/busybox | grep -q 'statically linked' \
  || die "the busybox image is made from Debian's busybox-static: apt-get install busybox-static"
command -v gcc >/dev/null 2>&1 && [[ -f "$(gcc -print-file-name=libc.a)" ]] \
  || die "the pause binary needs gcc and a static libc: apt-get install gcc libc6-dev"

ctx="$(mktemp -d "$cache/node-image.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/bin" "$ctx/cni" "$ctx/images" "$ctx/tmp"

# --- offline images -----------------------------------------------------------------------
# pause: one static binary. Tagged with the name containerd's CRI plugin is told to use.
pause_ref=registry.k8s.io/pause:3.10.1
gcc -static -Os -s -o "$ctx/tmp/pause" "$here/pause.c"
mkdir -p "$ctx/tmp/pause-root"; install -m 0755 "$ctx/tmp/pause" "$ctx/tmp/pause-root/pause"
tar --numeric-owner --owner=0 --group=0 -C "$ctx/tmp/pause-root" -cf "$ctx/tmp/pause.tar" .
docker import --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535' "$ctx/tmp/pause.tar" "$pause_ref" >/dev/null
# busybox: Debian's static busybox with its applet links, a passwd/group for `id`, /tmp.
bb_ref=docker.io/library/busybox:1.36
bbr="$ctx/tmp/bb-root"
mkdir -p "$bbr/bin" "$bbr/etc" "$bbr/tmp" "$bbr/root" "$bbr/home"
chmod 1777 "$bbr/tmp"
install -m 0755 /bin/busybox "$bbr/bin/busybox"
for a in $(/bin/busybox --list); do [[ "$a" == busybox ]] || ln -sf busybox "$bbr/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$bbr/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$bbr/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$bbr" -cf "$ctx/tmp/bb.tar" .
docker import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' "$ctx/tmp/bb.tar" "$bb_ref" >/dev/null
docker save -o "$ctx/images/pause.tar" "$pause_ref"
docker save -o "$ctx/images/busybox.tar" "$bb_ref"
# Only the saved archives are needed; the engine's copies would just take space.
docker rmi "$pause_ref" "$bb_ref" >/dev/null

# --- binaries and the in-lab script ---------------------------------------------------------
for b in kubelet kube-proxy containerd containerd-shim-runc-v2 ctr runc crictl coredns; do
  [[ -x "$bindir/$b" ]] && cp "$bindir/$b" "$ctx/bin/"
done
for b in bridge host-local loopback portmap; do cp "$bindir/$b" "$ctx/cni/"; done
cp "$here/kubelab-node-up" "$ctx/kubelab-node-up"
cat >"$ctx/Dockerfile" <<'EOF'
ARG LAB_IMAGE
FROM ${LAB_IMAGE}
COPY bin/ /usr/local/bin/
COPY cni/ /opt/cni/bin/
COPY images/ /opt/kubelab/node/images/
COPY kubelab-node-up /usr/local/sbin/kubelab-node-up
EOF
hash="$( { echo "$lab_image"; (cd "$ctx" && find . -path ./tmp -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); } | sha256sum | cut -c1-16)"
tag="kubelab/lab-node-spike:$hash"
if ! docker image inspect "$tag" >/dev/null 2>&1; then
  rm -rf "$ctx/tmp"
  log "docker build $tag"
  DOCKER_BUILDKIT=0 docker build --network=none --force-rm -q --build-arg "LAB_IMAGE=$lab_image" \
    --label org.kubelab.profile=node-spike -t "$tag" "$ctx" >&2
fi
echo "$tag"
