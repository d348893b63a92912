#!/usr/bin/env bash
# Builds the lab image of profile `node`, derived from the `sim` lab image
# (sandbox/image/build.sh): the node binaries (build-node-binaries.sh), metrics-server
# (build-metrics-server.sh), BuildKit
# (build-buildkit.sh) with the learner's `docker` (kubelab-docker), the CNI plugins,
# Debian's nftables for kube-proxy, the offline image catalogue (build-catalogue.sh),
# kubelab-node and the node's add-ons, and a pristine cluster snapshot made by
# `KUBELAB_PROFILE=node kubelab-cluster init`. No network inside the build.
# The tag is a content hash of all of that; a second run with the same inputs prints it at once.
#
# The catalogue is also served by a read-only registry inside the lab (Debian's docker-registry,
# registry-storage.sh), so that the pulls a real node would make succeed for catalogued images.
#
# Usage: build-image.sh [SIM_IMAGE]   # default: the tag sandbox/image/build.sh prints
#                                     # last line of stdout: kubelab/lab-node:<hash>
# Env:   KUBELAB_CACHE_DIR, KUBELAB_KEEP_OLD_IMAGES=1 (as sandbox/image/build.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
image_repo=kubelab/lab-node
log() { printf '[node-image] %s\n' "$*" >&2; }
die() { printf '[node-image] error: %s\n' "$*" >&2; exit 1; }
t0=$SECONDS

sim_image="${1:-$(bash "$root/sandbox/image/build.sh" | tail -n 1)}"
docker image inspect "$sim_image" >/dev/null 2>&1 || die "no image $sim_image"
sim_id="$(docker image inspect -f '{{.Id}}' "$sim_image")"
bindir="$(bash "$root/sandbox/cluster/build-node-binaries.sh" | tail -n 1)"
for b in kubelet kube-proxy containerd containerd-shim-runc-v2 ctr runc crictl bridge host-local loopback portmap coredns; do
  [[ -x "$bindir/$b" ]] || die "no $b in $bindir"
done
tooldir="$(bash "$here/build-tools.sh" | tail -n 1)"
[[ -x "$tooldir/storage-provisioner" ]] || die "no storage-provisioner in $tooldir"
catalogue="$(bash "$here/build-catalogue.sh" "$bindir" "$tooldir" | tail -n 1)"
bkdir="$(bash "$here/build-buildkit.sh" | tail -n 1)"
for b in buildkitd buildctl; do [[ -x "$bkdir/$b" ]] || die "no $b in $bkdir"; done
msdir="$(bash "$here/build-metrics-server.sh" | tail -n 1)"
[[ -x "$msdir/metrics-server" ]] || die "no metrics-server in $msdir"

# nftables for kube-proxy's nftables mode and the portmap plugin (the kernel has nf_tables
# built in); fetched with apt on the host, installed with dpkg in the offline build.
debs=(nftables libnftables1 libnftnl11 libjansson4 libxtables12 libedit2 libbsd0 libmd0 libmnl0 libgmp10)
# Debian's docker-registry (distribution 2.8): only its binary is used (kubelab-node registry);
# the package's service, user and config are for a host.
registry_deb=docker-registry
deb_versions="$(apt-cache policy "${debs[@]}" "$registry_deb" 2>/dev/null | awk '/^[a-z]/ {p=$1} /Candidate:/ {print p $2}' | tr '\n' ' ')"
deb_key="$(echo "$deb_versions" | sha256sum | cut -c1-16)"
debdir="$cache/node-debs/$deb_key"
if ! [[ -f "$debdir/.done" ]]; then
  mkdir -p "$debdir/registry"
  (cd "$debdir" && apt-get download "${debs[@]}" >/dev/null 2>&1) || die "apt-get download ${debs[*]} failed"
  (cd "$debdir/registry" && apt-get download "$registry_deb" >/dev/null 2>&1) || die "apt-get download $registry_deb failed"
  dpkg-deb --fsys-tarfile "$debdir"/registry/*.deb | tar -xO ./usr/bin/docker-registry >"$debdir/registry/docker-registry"
  chmod 0755 "$debdir/registry/docker-registry"
  touch "$debdir/.done"
fi

hash="$( {
  echo "sim=$sim_id"; echo "bin=$(basename "$bindir")"; echo "tools=$(basename "$tooldir")"; echo "catalogue=$(cat "$catalogue/digest")"; echo "debs=$deb_key"; echo "buildkit=$(basename "$bkdir")"; echo "metrics-server=$(basename "$msdir")"
  for f in build-image.sh registry-storage.sh kubelab-node kubelab-docker sudoers addons.yaml admission.yaml ingress.yaml; do printf '%s %s\n' "$f" "$(sha256sum <"$here/$f" | cut -c1-64)"; done
} | sha256sum | cut -c1-16)"
tag="$image_repo:$hash"
if docker image inspect "$tag" >/dev/null 2>&1; then
  docker tag "$tag" "$image_repo:latest"
  echo "$tag"; exit 0
fi

exec 9>"$cache/.node-image.lock"; flock 9
ctx="$(mktemp -d "$cache/node-image.XXXXXX")"
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/bin" "$ctx/cni" "$ctx/node" "$ctx/images" "$ctx/debs"
for b in kubelet kube-proxy containerd containerd-shim-runc-v2 ctr runc crictl; do ln "$bindir/$b" "$ctx/bin/" 2>/dev/null || cp "$bindir/$b" "$ctx/bin/"; done
for b in bridge host-local loopback portmap; do ln "$bindir/$b" "$ctx/cni/" 2>/dev/null || cp "$bindir/$b" "$ctx/cni/"; done
cp "$tooldir/storage-provisioner" "$ctx/bin/"
cp "$debdir/registry/docker-registry" "$ctx/bin/"
for b in buildkitd buildctl; do ln "$bkdir/$b" "$ctx/bin/" 2>/dev/null || cp "$bkdir/$b" "$ctx/bin/"; done
ln "$msdir/metrics-server" "$ctx/bin/" 2>/dev/null || cp "$msdir/metrics-server" "$ctx/bin/"
for f in "$catalogue"/*.tar "$catalogue/digest" "$catalogue/references.txt"; do ln "$f" "$ctx/images/" 2>/dev/null || cp "$f" "$ctx/images/"; done
cp "$debdir"/*.deb "$ctx/debs/"
install -m 0755 "$here/registry-storage.sh" "$ctx/images/registry-storage.sh"
install -m 0755 "$here/kubelab-node" "$ctx/node/kubelab-node"
install -m 0755 "$here/kubelab-docker" "$ctx/node/kubelab-docker"
install -m 0440 "$here/sudoers" "$ctx/node/sudoers"
install -m 0644 "$here/addons.yaml" "$ctx/node/addons.yaml"
install -m 0644 "$here/admission.yaml" "$ctx/node/admission.yaml"
install -m 0644 "$here/ingress.yaml" "$ctx/node/ingress.yaml"
cat >"$ctx/Dockerfile" <<'EOF'
ARG SIM_IMAGE
# Stage 1: the image catalogue goes into a containerd store, once, instead of in every lab.
# Content and image records only (nothing can be mounted in a build); the CRI plugin unpacks
# an image when a container first uses it. Pinned, so the kubelet's image GC never takes one.
# The archives stay in this stage, so the final image holds the catalogue once.
FROM ${SIM_IMAGE} AS seed
COPY bin/ /usr/local/bin/
COPY images/ /tmp/images/
RUN set -e; mkdir -p /run/containerd; \
    printf 'version = 4\nroot = "/var/lib/containerd"\nstate = "/run/containerd"\ndisabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images"]\n' >/tmp/seed.toml; \
    containerd --config /tmp/seed.toml >/tmp/seed.log 2>&1 & cpid=$!; \
    for i in $(seq 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done; \
    for f in /tmp/images/*.tar; do ctr -n k8s.io images import --no-unpack "$f" >/dev/null 2>&1; done; \
    for ref in $(ctr -n k8s.io images ls -q 2>/dev/null | grep -v '^sha256:'); do ctr -n k8s.io images label "$ref" io.cri-containerd.pinned=pinned >/dev/null 2>&1; done; \
    test "$(ctr -n k8s.io images ls -q 2>/dev/null | grep -vc '^sha256:')" -eq "$(sort -u /tmp/images/references.txt | wc -l)"; \
    mkdir -p /opt/kubelab/node; \
    ctr -n k8s.io images ls 2>/dev/null | awk 'NR > 1 && $1 !~ /^sha256:/ {print $1 "\t" $2 "\t" $3}' >/opt/kubelab/node/catalogue.tsv; \
    test "$(wc -l </opt/kubelab/node/catalogue.tsv)" -eq "$(sort -u /tmp/images/references.txt | wc -l)"; \
    kill "$cpid"; wait "$cpid" || true; \
    cp /tmp/images/digest /var/lib/containerd/.kubelab-images; \
    blobs=/var/lib/containerd/io.containerd.content.v1.content/blobs/sha256; \
    bash /tmp/images/registry-storage.sh /opt/kubelab/node/catalogue.tsv "$blobs" /opt/kubelab/node/content \
      /opt/kubelab/node/registry /etc/containerd/certs.d 127.0.0.1:10264; \
    mkdir -p /opt/kubelab/node/content; \
    for b in "$blobs"/*; do mv "$b" /opt/kubelab/node/content/; ln -s "/opt/kubelab/node/content/${b##*/}" "$b"; done
# Stage 2: the lab image. The catalogue's blobs stay in the image, read-only and shared by
# every lab through the image's layers; the lab's containerd volume, which Docker fills from
# /var/lib/containerd when a lab is created, gets only symbolic links to them and the small
# metadata database, so a new lab copies kilobytes, not the catalogue.
FROM ${SIM_IMAGE}
COPY debs/ /tmp/debs/
RUN dpkg -i /tmp/debs/*.deb >/dev/null && rm -rf /tmp/debs
COPY bin/ /usr/local/bin/
COPY cni/ /opt/cni/bin/
COPY node/ /opt/kubelab/node/
COPY images/digest images/references.txt /opt/kubelab/node/images/
COPY --from=seed /opt/kubelab/node/content/ /opt/kubelab/node/content/
COPY --from=seed /var/lib/containerd/ /var/lib/containerd/
# The lab's registry: link files and symbolic links to the same blobs (registry-storage.sh),
# and the hosts files that send containerd's pulls of the catalogued registries to it.
COPY --from=seed /opt/kubelab/node/registry/ /opt/kubelab/node/registry/
COPY --from=seed /etc/containerd/certs.d/ /etc/containerd/certs.d/
# What the learner's `docker build` may start FROM (reference, media type, digest), and the
# learner's `docker`, which builds into the node's containerd (kubelab-docker).
COPY --from=seed /opt/kubelab/node/catalogue.tsv /opt/kubelab/node/images/catalogue.tsv
RUN set -e; mv /opt/kubelab/node/sudoers /etc/sudoers.d/kubelab-node; visudo -cqf /etc/sudoers.d/kubelab-node; \
    ln -s /opt/kubelab/node/kubelab-docker /usr/local/bin/docker
# The snapshot of profile sim (kwok's node and pods) is replaced by one without a Node: the
# lab's kubelet registers `minikube` when the lab starts.
ENV KUBELAB_PROFILE=node
RUN set -e; rm -rf /var/lib/kubelab/pristine; kubelab-cluster init; \
    keys="$(grep -rlIE -e '-----BEGIN [A-Z ]*PRIVATE KEY-----' /var/lib /opt /etc /root 2>/dev/null || true)"; \
    if [ -n "$keys" ]; then echo "private keys left in the image:"; echo "$keys"; exit 1; fi; \
    rm -rf /tmp/* /var/log/kubelab/* /run/kubelab
EOF
log "docker build $tag"
DOCKER_BUILDKIT=0 docker build --network=none --force-rm -q --build-arg "SIM_IMAGE=$sim_image" \
  --label org.kubelab.profile=node --label "org.kubelab.version=$hash" \
  -t "$tag" -t "$image_repo:latest" "$ctx" >"$cache/node-image-build.log" 2>&1 \
  || { tail -n 40 "$cache/node-image-build.log" >&2; die "docker build failed (log: $cache/node-image-build.log)"; }
if [[ "${KUBELAB_KEEP_OLD_IMAGES:-0}" != 1 ]]; then
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$image_repo" | grep -vxF -e "$tag" -e "$image_repo:latest" |
    while read -r old; do docker rmi "$old" >/dev/null 2>&1 && log "removed the previous image $old"; done || true
fi
size=$(docker image inspect -f '{{.Size}}' "$tag")
printf '{"tag":"%s","totalMs":%d,"imageBytes":%d}\n' "$tag" "$(( (SECONDS - t0) * 1000 ))" "$size" >"$cache/node-image-last-build.json"
log "built $tag in $((SECONDS - t0)) s, $((size / 1024 / 1024)) MiB"
echo "$tag"
