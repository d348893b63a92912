#!/usr/bin/env bash
# Builds kubelab/server:<hash>, the server's image for Kubernetes (deploy/helm/kubelab), with
# no registry and no network: the lab image's debootstrap base, this host's Node.js, the
# production packages already installed in node_modules (native ones included, built for
# the same Debian), and the site that `npm run build` made. Run it after `npm run build`.
#
# Usage: build.sh        # the last line of stdout is the image tag
# Env:   KUBELAB_CACHE_DIR       default ~/.cache/kubelab
#        KUBELAB_KEEP_OLD_IMAGES=1  keep earlier kubelab/server tags
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
repo=kubelab/server

log() { printf '[server-image] %s\n' "$*" >&2; }
die() { printf '[server-image] error: %s\n' "$*" >&2; exit 1; }

[[ -f "$root/.next/BUILD_ID" ]] || die "no built site in $root/.next: run 'npm run build' first"
[[ -d "$root/prisma/generated" ]] || die "no Prisma client in prisma/generated: run the set-up ('bash sandbox/host/setup.sh test') first"
node_bin="$(command -v node)"

base="$(bash "$root/sandbox/image/build.sh" --base-only | tail -n 1)"

mkdir -p "$cache/server-image"
exec 9>"$cache/server-image/.lock"
flock 9

# --- the context: only what the image holds --------------------------------------------------------
ctx="$cache/server-image/ctx.$$"
trap 'rm -rf "$ctx"' EXIT
rm -rf "$ctx"; mkdir -p "$ctx/site" "$ctx/node_modules"
# Hard links when the cache shares the work tree's file system: no gigabyte copy.
link() { cp -al "$@" 2>/dev/null || cp -a "$@"; }

# Production packages only: npm's own view of the tree without dev dependencies. Each
# top-level entry holds its nested node_modules, so copying those is the whole set.
(cd "$root" && npm ls --omit=dev --all --parseable 2>/dev/null) |
  sed -n "s|^$root/node_modules/||p" |
  awk -F/ '{ print ($1 ~ /^@/) ? $1 "/" $2 : $1 }' | LC_ALL=C sort -u |
  while read -r pkg; do
    mkdir -p "$ctx/node_modules/$(dirname "$pkg")"
    link "$root/node_modules/$pkg" "$ctx/node_modules/$pkg"
  done
[[ -f "$ctx/node_modules/tsx/dist/cli.mjs" && -d "$ctx/node_modules/next" ]] ||
  die "node_modules lacks tsx or next: run the set-up ('bash sandbox/host/setup.sh test') first"

# The site: what server.ts, Next and the lessons read at run time. Tests, the lab runtime's
# bash and the build cache stay out.
for f in package.json server.ts proxy.ts next.config.ts tsconfig.json prisma.config.ts next-env.d.ts; do
  link "$root/$f" "$ctx/site/$f"
done
for d in app content prisma public; do link "$root/$d" "$ctx/site/$d"; done
# The engine's TypeScript; not the lab image's parts (cluster, image) nor the host's set-up.
mkdir -p "$ctx/site/sandbox"
for d in "$root"/sandbox/*/; do
  case "$(basename "$d")" in cluster | image | host) continue ;; esac
  link "${d%/}" "$ctx/site/sandbox/$(basename "$d")"
done
mkdir -p "$ctx/site/.next"
(cd "$root/.next" && find . -mindepth 1 -maxdepth 1 ! -name cache ! -name dev -print0) |
  while IFS= read -r -d '' entry; do link "$root/.next/$entry" "$ctx/site/.next/$entry"; done
link "$node_bin" "$ctx/node"
cp "$here/Dockerfile" "$ctx/Dockerfile"

# --- the tag: a digest of everything in the context --------------------------------------------------
hash="$(
  {
    echo "base=$base"
    echo "node=$("$node_bin" --version)"
    (cd "$ctx" && find . -type f ! -path './node_modules/*' -printf '%P\t%m\n' | LC_ALL=C sort | while IFS=$'\t' read -r f m; do
      printf '%s %s %s\n' "$f" "$m" "$(sha256sum <"$f" | cut -c1-64)"
    done)
    # The packages by what npm installed (name, version, integrity), not file by file.
    sha256sum <"$root/package-lock.json"
  } | sha256sum | cut -c1-16
)"
tag="$repo:$hash"
if docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag is built already"
  echo "$tag"
  exit 0
fi

log "building $tag (log: $cache/server-image/build-$hash.log)"
t0=$(date +%s)
# The classic builder, as for the lab image: Debian's docker.io has no buildx.
if ! DOCKER_BUILDKIT=0 docker build --network=none --force-rm --build-arg "BASE_IMAGE=$base" \
  --label "org.kubelab.version=$hash" -t "$tag" "$ctx" >"$cache/server-image/build-$hash.log" 2>&1; then
  tail -n 30 "$cache/server-image/build-$hash.log" >&2
  die "docker build failed (log: $cache/server-image/build-$hash.log)"
fi

# Every new site build is a new tag; without this, a developer's disk fills with them.
if [[ "${KUBELAB_KEEP_OLD_IMAGES:-0}" != 1 ]]; then
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$repo" | grep -vxF "$tag" |
    while read -r old; do docker rmi "$old" >/dev/null 2>&1 && log "removed the previous image $old"; done || true
fi
log "built $tag in $(( $(date +%s) - t0 ))s, $(( $(docker image inspect -f '{{.Size}}' "$tag") / 1024 / 1024 )) MiB"
echo "$tag"
