#!/usr/bin/env bash
# Builds ttyd, the terminal server kubelab's throughput target is measured against, from
# Debian's source package (upstream tarball + Debian's patches), because Debian bookworm
# does not ship a ttyd binary and nothing may be downloaded from GitHub here. The web UI is
# already compiled into src/html.h in the upstream tarball, so only the C server is built,
# with cmake against Debian's libwebsockets, json-c, libuv and zlib.
#
# Usage: test/bench/ttyd.sh     # builds if needed, prints the binary's path last
# Env:   KUBELAB_CACHE_DIR      # default ~/.cache/kubelab; files go to $KUBELAB_CACHE_DIR/ttyd/
# Exits non-zero with the reason on stderr when ttyd cannot be had; the benchmark then
# reports "unavailable" instead of a ratio.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

log() { printf '[ttyd-build] %s\n' "$*" >&2; }
die() { printf '[ttyd-build] error: %s\n' "$*" >&2; exit 1; }

version=1.7.7
pool="http://deb.debian.org/debian/pool/main/t/ttyd"
orig="ttyd_${version}.orig.tar.xz"
orig_sha=48eba3f76af237f4c09cceb5ddbe0f845832557819f7e5c60c88285f8822af88
# Debian revisions we accept, newest first, each with the sha256 of its debian.tar.xz.
# The archive keeps only the current revision of a source package: -8 was the one named
# when this benchmark was planned, -7 is the one its pool held on 2026-11-21 (sum from the
# signed ttyd_1.7.7-7.dsc there). Both carry the same html-build patches.
revisions=(
  "8 8044b9f3af6484eb2881ecd2849e360c58b091c61347a71b0fcbfa3fb3b34c5a"
  "7 8fd0a9d6ce247b79f913277734ccaf2677e04d648758c272ff3764dd38e52eef"
)

cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}/ttyd"
mkdir -p "$cache"

# Keyed by version and by this script, so a change in how it is built rebuilds it.
key="${version}-$(sha256sum "$here/ttyd.sh" | cut -c1-12)"
bin="$cache/bin/$key/ttyd"
if [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

fetch() { # fetch <file> <sha256>: downloads into the cache unless a good copy is there
  local file="$1" sum="$2" dest="$cache/$1"
  if [[ -f "$dest" ]] && echo "$sum  $dest" | sha256sum -c --status; then return 0; fi
  log "downloading $file"
  rm -f "$dest.part"
  curl -fsS --retry 2 --max-time 120 -o "$dest.part" "$pool/$file" || { rm -f "$dest.part"; return 1; }
  if ! echo "$sum  $dest.part" | sha256sum -c --status; then
    rm -f "$dest.part"
    die "$file does not have the expected sha256 $sum: refusing to build it"
  fi
  mv "$dest.part" "$dest"
}

command -v curl >/dev/null 2>&1 || die "curl is needed to download the source package"
fetch "$orig" "$orig_sha" || die "could not download $pool/$orig"
debian=""
for entry in "${revisions[@]}"; do
  rev="${entry%% *}"; sum="${entry#* }"
  if fetch "ttyd_${version}-${rev}.debian.tar.xz" "$sum"; then
    debian="ttyd_${version}-${rev}.debian.tar.xz"
    break
  fi
  log "ttyd ${version}-${rev} is not in the archive; trying an older revision"
done
[[ -n "$debian" ]] || die "no known Debian revision of ttyd $version could be downloaded from $pool"

# Build tools and Debian's libraries, installed only when missing.
missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v patch >/dev/null 2>&1 || missing+=(patch)
for pkg in libwebsockets-dev libjson-c-dev libuv1-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  # shellcheck source=../../sandbox/host/apt.sh
  source "$root/sandbox/host/apt.sh"
  apt_install "${missing[@]}"
fi

work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tar -xJf "$cache/$orig" -C "$work"
tar -xJf "$cache/$debian" -C "$work/ttyd-$version"
src="$work/ttyd-$version"
[[ -s "$src/src/html.h" ]] || die "the upstream tarball has no prebuilt src/html.h; the web UI would need a node build"
if [[ -f "$src/debian/patches/series" ]]; then
  while read -r p; do
    [[ -z "$p" || "$p" == \#* ]] && continue
    log "patch $p"
    (cd "$src" && patch -p1 --quiet --forward < "debian/patches/$p") || die "Debian patch $p does not apply"
  done < "$src/debian/patches/series"
fi

log "cmake build ($debian)"
cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 \
  || { tail -20 "$work/cmake.log" >&2; die "cmake configure failed"; }
cmake --build "$src/build" -j "$(nproc)" >>"$work/cmake.log" 2>&1 \
  || { tail -20 "$work/cmake.log" >&2; die "compile failed"; }

mkdir -p "$(dirname "$bin")"
install -m 0755 "$src/build/ttyd" "$bin.part"
"$bin.part" --version >/dev/null 2>&1 || die "the built ttyd does not run"
mv "$bin.part" "$bin"
echo "$debian" >"$(dirname "$bin")/debian-revision"
log "built $("$bin" --version 2>&1 | head -1)"
echo "$bin"
