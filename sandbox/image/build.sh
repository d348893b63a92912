#!/usr/bin/env bash
# Builds the lab image for profile `sim` without any registry: a Debian root filesystem made
# with debootstrap, `docker import`ed as a base, then `docker build` on top with the cluster
# binaries and the in-lab runtime. Cached at every stage, so a second run with unchanged
# inputs prints the existing tag at once.
#
# Usage: build.sh               # builds if needed; the last line of stdout is the image tag
#        build.sh --print-tag   # prints the tag the current inputs would produce, builds no image
#                               # (the cluster binaries are still compiled if not cached yet)
#        build.sh --base-only   # only the root filesystem and base image (can run while the
#                               # Go binaries are still compiling); prints the base tag
# Env:   KUBELAB_CACHE_DIR      # default ~/.cache/kubelab (rootfs tarballs, logs, timings)
#        KUBELAB_BIN_DIR        # use these binaries instead of sandbox/cluster/build-binaries.sh
#        KUBELAB_DEBIAN_MIRROR, KUBELAB_DEBIAN_SECURITY_MIRROR
#                               # override the mirrors read from /etc/apt/sources.list*
#        KUBELAB_NO_CACHE=1     # docker build --no-cache (to time a build from scratch)
#        KUBELAB_KEEP_OLD_IMAGES=1  # keep earlier kubelab/lab-sim tags (removed by default
#                               # once a new one is built, unless a container uses them)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
suite=bookworm
# Bump when the rootfs recipe below changes in a way the package list does not show.
rootfs_recipe=2
image_repo=kubelab/lab-sim

log() { printf '[image] %s\n' "$*" >&2; }
die() { printf '[image] error: %s\n' "$*" >&2; exit 1; }
now_ns() { date +%s%N; }
elapsed_ms() { echo $(( ($(now_ns) - $1) / 1000000 )); }

mode=all
case "${1:-}" in
  "") ;;
  --print-tag) mode=print ;;
  --base-only) mode=base ;;
  *) die "unknown argument '$1' (see the header of $0)" ;;
esac

mkdir -p "$cache/image" "$cache/rootfs"
started_ns=$(now_ns)

# --- inputs --------------------------------------------------------------------------------------
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/base-packages.txt" | grep -v '^$' | LC_ALL=C sort -u)
rootfs_key="$(printf '%s\n' "suite=$suite" "variant=minbase" "recipe=$rootfs_recipe" "${packages[@]}" | sha256sum | cut -c1-16)"
rootfs_tar="$cache/rootfs/$rootfs_key.tar"
base="kubelab/base:$rootfs_key"

resolve_binaries() {
  if [[ -n "${KUBELAB_BIN_DIR:-}" ]]; then
    bindir="$KUBELAB_BIN_DIR"
  else
    # Prints the cached directory at once, or compiles (with its own progress) first.
    bindir="$(bash "$root/sandbox/cluster/build-binaries.sh" | tail -n 1)"
  fi
  [[ -d "$bindir" && -x "$bindir/kube-apiserver" ]] || die "no cluster binaries in '$bindir'"
  supdir="$(bash "$root/sandbox/cluster/build-supervisor.sh" | tail -n 1)"
  [[ -x "$supdir/kubelab-supervisor" ]] || die "no kubelab-supervisor in '$supdir'"
}
labdir="$root/sandbox/cluster/lab"

# Content hash of everything that ends up in the image. Paths and modes count as well as
# bytes, since a lost executable bit breaks the image just as surely as an edit.
tree_digest() { # tree_digest <dir> <name prefix>
  (cd "$1" && find . -type f ! -name '*.log' -printf '%P\t%m\n' | LC_ALL=C sort | while IFS=$'\t' read -r f m; do
    printf '%s/%s %s %s\n' "$2" "$f" "$m" "$(sha256sum <"$f" | cut -c1-64)"
  done)
}
compute_image_hash() {
  {
    echo "rootfs=$rootfs_key"
    echo "binaries=$(basename "$bindir")"
    echo "supervisor=$(basename "$supdir")"
    tree_digest "$labdir" lab
    for f in Dockerfile build.sh base-packages.txt; do
      printf 'image/%s %s\n' "$f" "$(sha256sum <"$here/$f" | cut -c1-64)"
    done
    if [[ -d "$here/files" ]]; then tree_digest "$here/files" files; fi
  } | sha256sum | cut -c1-16
}

# --- 1. base root filesystem ---------------------------------------------------------------------
# The mirror is whatever this host's apt uses, so the build works wherever apt does.
find_mirror() { # find_mirror <suite> -> URIs serving that suite, first one first
  local want="$1" f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    awk -v s="$want" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1)==s) print $i }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    # deb822 stanzas are separated by blank lines; their fields may come in any order.
    awk -v s="$want" 'BEGIN{RS=""; FS="\n"} {
        uri=""; ok=0; deb=0
        for (i=1; i<=NF; i++) {
          if ($i ~ /^URIs:/)  { split($i, a, /[ \t]+/); uri=a[2] }
          if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb=1
          if ($i ~ /^Suites:/) { n=split($i, a, /[ \t]+/); for (j=2; j<=n; j++) if (a[j]==s) ok=1 }
        }
        if (ok && deb && uri!="") print uri
      }' "$f"
  done
}

rootfs_ms=0
build_rootfs() {
  if [[ -f "$rootfs_tar" ]]; then
    log "[1/4] root filesystem cached ($rootfs_tar)"
    return
  fi
  [[ $EUID -eq 0 ]] || die "building the base root filesystem needs root (debootstrap); run this script as root once"
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap >&2
  fi
  local mirror security_mirror
  mirror="${KUBELAB_DEBIAN_MIRROR:-$(find_mirror "$suite" | head -n 1)}"
  security_mirror="${KUBELAB_DEBIAN_SECURITY_MIRROR:-$(find_mirror "$suite-security" | head -n 1)}"
  [[ -n "$mirror" ]] || die "no Debian $suite mirror found in /etc/apt/sources.list*; set KUBELAB_DEBIAN_MIRROR"

  local t0 rlog; t0=$(now_ns)
  rlog="$cache/rootfs/$rootfs_key.log"
  work="$cache/rootfs/tmp.$$"
  trap cleanup_rootfs EXIT
  rm -rf "$work"; mkdir -p "$work"
  log "[1/4] debootstrap $suite minbase + ${#packages[@]} packages from $mirror (log: $rlog)"
  debootstrap --variant=minbase --components=main --include="$(IFS=,; echo "${packages[*]}")" \
    "$suite" "$work" "$mirror" >"$rlog" 2>&1 \
    || { tail -n 30 "$rlog" >&2; die "debootstrap failed (full log: $rlog)"; }

  # Security fixes matter here more than usual: sudo is setuid inside every lab.
  {
    echo "deb $mirror $suite main"
    echo "deb $mirror $suite-updates main"
    if [[ -n "$security_mirror" ]]; then echo "deb $security_mirror $suite-security main"; fi
  } >"$work/etc/apt/sources.list"
  cp /etc/resolv.conf "$work/etc/resolv.conf"
  mount -t proc proc "$work/proc"
  mount --bind /dev "$work/dev"
  log "[1/4] applying $suite-updates and $suite-security"
  chroot "$work" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get -y -qq upgrade && apt-get clean' >>"$rlog" 2>&1 \
    || { tail -n 30 "$rlog" >&2; die "package upgrade in the chroot failed (full log: $rlog)"; }
  # Korean lessons: both locales are compiled here so the image needs no localedef later.
  printf '%s\n' 'en_US.UTF-8 UTF-8' 'ko_KR.UTF-8 UTF-8' >"$work/etc/locale.gen"
  chroot "$work" locale-gen >>"$rlog" 2>&1 || { tail -n 30 "$rlog" >&2; die "locale-gen failed (full log: $rlog)"; }
  umount -l "$work/dev"; umount -l "$work/proc"

  # Nobody reads manuals or changelogs in a lab, and nothing installs packages later (no
  # network), so apt's lists and caches are dead weight. Copyright files stay.
  rm -rf "$work"/var/lib/apt/lists/* "$work"/var/cache/apt/*.bin "$work"/var/cache/debconf/*-old \
         "$work"/usr/share/man/* "$work"/usr/share/info/* "$work"/usr/share/lintian \
         "$work"/var/log/* "$work"/tmp/* "$work"/etc/resolv.conf
  # Message catalogues only for the two languages the course is taught in.
  find "$work/usr/share/locale" -mindepth 1 -maxdepth 1 -type d ! -name 'ko*' ! -name 'en*' -exec rm -rf {} +
  find "$work/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$work/usr/share/doc" -mindepth 1 -type d -empty -delete
  : >"$work/etc/machine-id"

  tar --numeric-owner --xattrs --xattrs-include='*' -C "$work" -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  cleanup_rootfs; trap - EXIT
  rootfs_ms=$(elapsed_ms "$t0")
  printf '{"key":"%s","ms":%d,"bytes":%d,"packages":"%s","mirror":"%s"}\n' \
    "$rootfs_key" "$rootfs_ms" "$(stat -c %s "$rootfs_tar")" "${packages[*]}" "$mirror" \
    >"$cache/rootfs/$rootfs_key.json"
  log "[1/4] root filesystem ready in $((rootfs_ms / 1000))s ($(du -h "$rootfs_tar" | cut -f1))"
  # Tarballs of earlier package lists are 170 MB each and never used again.
  find "$cache/rootfs" -maxdepth 1 -name '*.tar' ! -name "$rootfs_key.tar" -delete
}
cleanup_rootfs() {
  local m
  for m in proc dev; do
    if mountpoint -q "$work/$m" 2>/dev/null; then umount -l "$work/$m"; fi
  done
  rm -rf "$work"
}

# --- 2. base image -------------------------------------------------------------------------------
import_ms=0
import_base() {
  if docker image inspect "$base" >/dev/null 2>&1; then
    log "[2/4] base image cached ($base)"
    return
  fi
  local t0; t0=$(now_ns)
  log "[2/4] docker import -> $base"
  docker import --message "debootstrap $suite minbase, kubelab rootfs $rootfs_key" \
    "$rootfs_tar" "$base" >/dev/null
  import_ms=$(elapsed_ms "$t0")
}

# Two callers (say, a setup script and a test run) building at once would race on the same
# tags and temp dirs; the second simply waits and then finds everything cached.
exec 9>"$cache/image/.lock"
flock 9

if [[ $mode == base ]]; then
  # 9>&-: a dockerd that ensure-docker.sh starts must not inherit the lock and hold it for
  # its whole life (every later build.sh then waited on flock for good).
  bash "$root/sandbox/host/ensure-docker.sh" 9>&-
  build_rootfs
  import_base
  echo "$base"
  exit 0
fi

resolve_binaries
[[ -x "$labdir/kubelab-cluster" ]] || die "sandbox/cluster/lab/ is missing: the in-lab cluster runtime must be there before the image can be built"
image_hash="$(compute_image_hash)"
tag="$image_repo:$image_hash"
if [[ $mode == print ]]; then echo "$tag"; exit 0; fi

bash "$root/sandbox/host/ensure-docker.sh" 9>&-
if docker image inspect "$tag" >/dev/null 2>&1; then
  docker tag "$tag" "$image_repo:latest"
  echo "$tag"
  exit 0
fi
log "building $tag"
build_rootfs
import_base

# --- 3. build context ----------------------------------------------------------------------------
# A context of only what the Dockerfile copies keeps the upload to the daemon small and the
# hash above honest: nothing outside it can leak into the image.
ctx="$cache/image/ctx.$$"
trap 'rm -rf "$ctx"' EXIT
rm -rf "$ctx"; mkdir -p "$ctx/bin"
log "[3/4] build context"
for b in "$bindir"/*; do
  [[ -f "$b" && -x "$b" ]] || continue
  # Hard links when the cache and the context share a file system: no 500 MB copy.
  ln "$b" "$ctx/bin/" 2>/dev/null || cp "$b" "$ctx/bin/"
done
mkdir "$ctx/supervisor"; cp "$supdir/kubelab-supervisor" "$ctx/supervisor/"
cp -a "$labdir" "$ctx/lab"
find "$ctx/lab" -name '*.log' -delete
if [[ -d "$here/files" ]]; then cp -a "$here/files" "$ctx/files"; else mkdir "$ctx/files"; fi
cp "$here/Dockerfile" "$ctx/Dockerfile"

# --- 4. docker build -----------------------------------------------------------------------------
buildlog="$cache/image/build-$image_hash.log"
t0=$(now_ns)
log "[4/4] docker build, no network (log: $buildlog)"
# The classic builder on purpose: BuildKit needs the buildx plugin, which Debian's docker.io
# does not ship, and nothing here needs BuildKit's features.
set +e
nocache=()
if [[ "${KUBELAB_NO_CACHE:-0}" == 1 ]]; then nocache=(--no-cache); fi
DOCKER_BUILDKIT=0 docker build --network=none --force-rm "${nocache[@]}" \
  --build-arg "BASE_IMAGE=$base" \
  --label org.kubelab.profile=sim --label "org.kubelab.version=$image_hash" \
  -t "$tag" -t "$image_repo:latest" "$ctx" >"$buildlog" 2>&1 &
build_pid=$!
# Step headers are enough progress for a human; the full output stays in the log.
tail -n +1 -f --pid="$build_pid" "$buildlog" 2>/dev/null | grep --line-buffered -E '^Step [0-9]+/[0-9]+ :' | cut -c1-120 >&2
wait "$build_pid"; rc=$?
set -e
if [[ $rc -ne 0 ]] || ! docker image inspect "$tag" >/dev/null 2>&1; then
  tail -n 40 "$buildlog" >&2
  die "docker build failed (full log: $buildlog)"
fi
build_ms=$(elapsed_ms "$t0")
total_ms=$(elapsed_ms "$started_ns")
size=$(docker image inspect -f '{{.Size}}' "$tag")

# Each edit of the lab runtime makes a new tag; without this, a developer's disk fills up
# with 700 MB images. Images a container still uses are kept (docker rmi refuses them).
if [[ "${KUBELAB_KEEP_OLD_IMAGES:-0}" != 1 ]]; then
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$image_repo" | grep -vxF -e "$tag" -e "$image_repo:latest" |
    while read -r old; do docker rmi "$old" >/dev/null 2>&1 && log "removed the previous image $old"; done || true
  docker image ls --format '{{.Repository}}:{{.Tag}}' kubelab/base | grep -vxF "$base" |
    while read -r old; do docker rmi "$old" >/dev/null 2>&1 && log "removed the previous base $old"; done || true
fi

# Read back by test/bench/cluster.bench-lib.ts (imageBuildTime).
printf '{"tag":"%s","hash":"%s","finishedAt":"%s","totalMs":%d,"rootfsMs":%d,"rootfsCached":%s,"importMs":%d,"dockerBuildMs":%d,"imageBytes":%d,"log":"%s"}\n' \
  "$tag" "$image_hash" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$total_ms" "$rootfs_ms" \
  "$([[ $rootfs_ms -eq 0 ]] && echo true || echo false)" "$import_ms" "$build_ms" "$size" "$buildlog" \
  >"$cache/image/last-build.json"
log "built $tag in $((total_ms / 1000))s, $((size / 1024 / 1024)) MiB"
echo "$tag"
