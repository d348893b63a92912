#!/usr/bin/env bash
# Lays out the storage of the node lab's registry (Debian's docker-registry, distribution v2,
# filesystem driver) for the image catalogue, and the containerd hosts files that send pulls of
# every catalogued registry host to it. Run in the node image's seed stage (build-image.sh),
# where the catalogue is in a containerd content store. No blob is copied: each blob's `data`
# is a symbolic link to the catalogue's read-only blob (the registry follows it), and the rest
# is the small link files distribution reads:
#
#   docker/registry/v2/blobs/sha256/<xx>/<hex>/data                      -> BLOB_DIR/<hex>
#   docker/registry/v2/repositories/<host>/<path>/_layers/sha256/<hex>/link   config and layers
#   .../_manifests/revisions/sha256/<hex>/link                            each manifest
#   .../_manifests/tags/<tag>/current/link, .../tags/<tag>/index/sha256/<hex>/link
#
# A repository is named with its registry host first (docker.io/library/nginx), so that two
# hosts' images of the same path never meet; each host's hosts.toml points at
# http://ADDR/v2/<host> as the API root (override_path).
#
# Usage: registry-storage.sh CATALOGUE_TSV CONTENT_DIR BLOB_DIR STORAGE_DIR HOSTS_DIR ADDR
#   CATALOGUE_TSV  reference, media type, manifest digest per line (ctr images ls)
#   CONTENT_DIR    where the blobs are now (to read manifests)
#   BLOB_DIR       where the blobs are in the lab (the links' target)
set -euo pipefail
tsv="$1" content="$2" blobdir="$3" storage="$4" hostsdir="$5" addr="$6"
v2="$storage/docker/registry/v2"
die() { printf 'registry-storage: error: %s\n' "$*" >&2; exit 1; }

link() { mkdir -p "$1"; printf 'sha256:%s' "$2" >"$1/link"; }
blob() {
  local d="$v2/blobs/sha256/${1:0:2}/$1"
  [[ -f "$content/$1" ]] || die "no blob $1 in $content"
  [[ -L "$d/data" ]] || { mkdir -p "$d"; ln -s "$blobdir/$1" "$d/data"; }
}
manifest() { # manifest <repository> <hex>: the manifest, and what it names (an index's children)
  local repo="$1" hex="$2" d
  blob "$hex"
  link "$v2/repositories/$repo/_manifests/revisions/sha256/$hex" "$hex"
  if jq -e '.manifests' "$content/$hex" >/dev/null; then
    # Only the children the catalogue holds (one platform); the others would be 404 anyway.
    for d in $(jq -r '.manifests[].digest | sub("^sha256:"; "")' "$content/$hex"); do
      [[ -f "$content/$d" ]] && manifest "$repo" "$d"
    done
  else
    for d in $(jq -r '(.config.digest, .layers[].digest) | sub("^sha256:"; "")' "$content/$hex"); do
      blob "$d"
      link "$v2/repositories/$repo/_layers/sha256/$d" "$d"
    done
  fi
}

declare -A hosts=()
n=0
while IFS=$'\t' read -r ref _ digest; do
  [[ -n "$ref" ]] || continue
  name="${ref%:*}" tag="${ref##*:}" hex="${digest#sha256:}"
  [[ "$name" == */* && "$tag" != */* ]] || die "not a host/path:tag reference: $ref"
  manifest "$name" "$hex"
  link "$v2/repositories/$name/_manifests/tags/$tag/current" "$hex"
  link "$v2/repositories/$name/_manifests/tags/$tag/index/sha256/$hex" "$hex"
  hosts["${name%%/*}"]=1
  n=$((n + 1))
done <"$tsv"
[[ $n -gt 0 ]] || die "no reference in $tsv"

for host in "${!hosts[@]}"; do
  server="https://$host"
  [[ "$host" == docker.io ]] && server="https://registry-1.docker.io"
  mkdir -p "$hostsdir/$host"
  # The registry first; a name it does not hold (404) goes on to the real registry, which the
  # lab cannot reach, so the pull fails as on a node without network.
  cat >"$hostsdir/$host/hosts.toml" <<EOF
server = "$server"

[host."http://$addr/v2/$host"]
  capabilities = ["pull", "resolve"]
  override_path = true
EOF
done
printf 'registry-storage: %d references, %d hosts (%s)\n' "$n" "${#hosts[@]}" "${!hosts[*]}" >&2
