#!/usr/bin/env bash
# The Debian side of the offline image catalogue (build-catalogue.sh): one debootstrap
# minbase root file system shared by every Debian-based image as its first layer, and for each
# application one more layer holding only what `apt-get install` added on top of it (an
# overlay mount over the base, upper directory tarred). Images made FROM the base with one such
# layer share the base in the lab's containerd store, so the catalogue holds it once.
#
#   layer      Debian packages                                 images (catalogue.txt)
#   httpd      apache2                                         httpd
#   redis      redis-server                                    redis
#   mariadb    mariadb-server                                  mariadb, mysql
#   postgres   postgresql                                      postgres
#   wordpress  wordpress wordpress-theme-twentytwentythree     wordpress
#              apache2 libapache2-mod-php php-mysql
#   python     python3                                         python
#   node       nodejs                                          node
#
# Usage: build-debian-layers.sh      # prints the output directory last (base.tar, <layer>.tar)
# Needs root (debootstrap, mount, chroot) and Debian's mirror (the host's apt sources).
# Cached in ~/.cache/kubelab/node-debian/<key>; key = this script and the packages' versions.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build-cache.sh
source "$here/build-cache.sh"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
suite=bookworm
log() { printf '[catalogue-debian] %s\n' "$*" >&2; }
die() { printf '[catalogue-debian] error: %s\n' "$*" >&2; exit 1; }

declare -A LAYERS=(
  [httpd]="apache2"
  [redis]="redis-server"
  [mariadb]="mariadb-server"
  [postgres]="postgresql"
  [wordpress]="wordpress wordpress-theme-twentytwentythree apache2 libapache2-mod-php php-mysql"
  [python]="python3"
  [node]="nodejs"
)
all_packages="$(printf '%s\n' "${LAYERS[@]}" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
# The exact versions are part of the key: a security update makes new layers.
versions="$(apt-cache policy $all_packages 2>/dev/null | awk '/^[a-z]/ {p=$1} /Candidate:/ {print p $2}' | tr '\n' ' ')"
key="$( { cat "$here/build-debian-layers.sh"; echo "$suite $versions"; } | sha256sum | cut -c1-16)"
out="$cache/node-debian/$key"
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi

[[ $EUID -eq 0 ]] || die "building the catalogue's Debian layers needs root (debootstrap, overlay mounts, chroot)"
command -v debootstrap >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap >&2
mirror="${KUBELAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${KUBELAB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

mkdir -p "$cache/node-debian"
exec 9>"$cache/node-debian/.lock"; flock 9
if [[ -f "$out/.complete" ]]; then cache_used "$out"; echo "$out"; exit 0; fi
t0=$SECONDS
work="$cache/node-debian/work.$$"
mounts=()
cleanup() {
  local m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work/out"

base="$work/base"
log "debootstrap $suite minbase from $mirror"
debootstrap --variant=minbase --components=main "$suite" "$base" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' "$mirror" "$suite" "$mirror" "$suite" "$security" "$suite" >"$base/etc/apt/sources.list"
# No service may start inside the chroot while packages install (mariadb, postgresql, apache).
printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d"; chmod 0755 "$base/usr/sbin/policy-rc.d"
# Images carry no documentation; dpkg leaves it out from here on.
mkdir -p "$base/etc/dpkg/dpkg.cfg.d"
printf 'path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\npath-exclude=/usr/share/locale/*\npath-include=/usr/share/locale/ko/*\npath-include=/usr/share/locale/en*\n' \
  >"$base/etc/dpkg/dpkg.cfg.d/kubelab-nodoc"
in_root() { # in_root <root> <command...>: a chroot with /proc, /dev and the host's resolver
  local r="$1"; shift
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  mount -t proc proc "$r/proc"; mounts+=("$r/proc")
  mount --bind /dev "$r/dev"; mounts+=("$r/dev")
  local rc=0
  chroot "$r" /usr/bin/env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@" >>"$work/apt.log" 2>&1 || rc=$?
  umount -l "$r/dev" "$r/proc"; unset 'mounts[-1]' 'mounts[-1]'
  : >"$r/etc/resolv.conf"
  return $rc
}
log "applying $suite-updates and $suite-security"
in_root "$base" sh -c 'apt-get update -qq && apt-get -y -qq upgrade && apt-get clean' || { tail -n 30 "$work/apt.log" >&2; die "apt-get upgrade failed"; }
rm -rf "$base"/usr/share/doc/* "$base"/usr/share/man/* "$base"/usr/share/info/* "$base"/var/cache/apt/*.bin

for layer in "${!LAYERS[@]}"; do
  up="$work/$layer/upper" wd="$work/$layer/work" mnt="$work/$layer/root"
  mkdir -p "$up" "$wd" "$mnt"
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$up,workdir=$wd" "$mnt"; mounts+=("$mnt")
  log "$layer: apt-get install ${LAYERS[$layer]}"
  in_root "$mnt" sh -c "apt-get install -y -qq --no-install-recommends ${LAYERS[$layer]} && apt-get clean" \
    || { tail -n 30 "$work/apt.log" >&2; die "$layer: apt-get install failed"; }
  # What the packages' scripts made for a server that will never run here: the images'
  # entrypoints initialise their data directories on first start, as the official ones do.
  rm -rf "$mnt"/var/lib/mysql/* "$mnt"/var/lib/postgresql/* "$mnt"/etc/postgresql/*/main "$mnt"/var/log/*.log \
    "$mnt"/var/lib/apt/lists/* "$mnt"/var/cache/apt/* "$mnt"/var/cache/debconf/*-old "$mnt"/var/lib/dpkg/*-old
  umount "$mnt"; unset 'mounts[-1]'
  # Whiteouts (files the install removed from the base) are character devices in an overlay's
  # upper directory; an image layer cannot carry them that way. Dropping them keeps the base's
  # file, which is only ever a cache or a default config here.
  find "$up" -type c -delete
  tar --numeric-owner --xattrs-exclude='trusted.overlay.*' -C "$up" -cf "$work/out/$layer.tar" .
  log "$layer: $(du -h "$work/out/$layer.tar" | cut -f1)"
done
rm -f "$base/usr/sbin/policy-rc.d"
tar --numeric-owner -C "$base" -cf "$work/out/base.tar" .
log "base: $(du -h "$work/out/base.tar" | cut -f1)"
touch "$work/out/.complete"
rm -rf "$out"; mv "$work/out" "$out"
log "built in $((SECONDS - t0)) s -> $out"
cache_prune "$cache/node-debian" "$key"
echo "$out"
