#!/usr/bin/env bash
# The offline image catalogue of profile `node`: small images made here from Debian packages
# and static binaries (no registry, no network inside any image), tagged with every name
# sandbox/cluster/lab/images.txt lists for the recipe's repositories, and `docker save`d as
# archives that the lab's containerd imports and pins (kubelab-node import_images).
#
#   recipe   repositories (from catalogue.txt)         what runs
#   pause    registry.k8s.io/pause                      pause.c, gcc -static
#   busybox  busybox, registry.k8s.io/busybox, ...      Debian's busybox-static
#   nginx    nginx                                      Debian's nginx on port 80, logs to stdout
#   echo     kicbase/echo-server, echoserver            busybox nc on 8080 echoing the request
#   coredns  registry.k8s.io/coredns/coredns            the CoreDNS binary of build-node-binaries.sh
#
# Usage: build-catalogue.sh NODE_BIN_DIR    # prints the catalogue directory last
# Cached in ~/.cache/kubelab/node-catalogue/<key>; key = this script, catalogue.txt,
# images.txt, pause.c, the node binaries' key and the Debian packages' versions.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[catalogue] %s\n' "$*" >&2; }
die() { printf '[catalogue] error: %s\n' "$*" >&2; exit 1; }

bindir="${1:?usage: $0 NODE_BIN_DIR}"
[[ -x "$bindir/coredns" ]] || die "no coredns in $bindir"
images_txt="$root/sandbox/cluster/lab/images.txt"
coredns_version="$(grep -E '^COREDNS_VERSION=' "$root/sandbox/cluster/node-versions.env" | cut -d= -f2)"
debs=(nginx nginx-common busybox-static)

command -v gcc >/dev/null 2>&1 && [[ -f "$(gcc -print-file-name=libc.a)" ]] || {
  log "installing gcc and libc6-dev (the pause binary is linked statically)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq gcc libc6-dev >&2
}

# The exact Debian versions are part of the key: a security update makes a new catalogue.
versions="$(apt-cache policy "${debs[@]}" 2>/dev/null | awk '/^[a-z]/ {p=$1} /Candidate:/ {print p $2}' | tr '\n' ' ')"
key="$( { cat "$0" "$here/catalogue.txt" "$images_txt" "$here/pause.c"; basename "$bindir"; echo "$versions"; } | sha256sum | cut -c1-16)"
out="$cache/node-catalogue/$key"
if [[ -f "$out/digest" ]]; then echo "$out"; exit 0; fi

mkdir -p "$cache/node-catalogue"
exec 9>"$cache/node-catalogue/.lock"; flock 9
if [[ -f "$out/digest" ]]; then echo "$out"; exit 0; fi
t0=$SECONDS
work="$(mktemp -d "$cache/node-catalogue/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/out"
(cd "$work/debs" && apt-get download "${debs[@]}" >/dev/null 2>&1) || die "apt-get download ${debs[*]} failed (is apt's mirror reachable?)"
for d in "$work"/debs/*.deb; do dpkg -x "$d" "$work/x"; done

# Tags per recipe: every explicit tag that images.txt lists for the recipe's repositories,
# normalised as Docker does (nginx -> docker.io/library/nginx:latest).
normalise() {
  awk '
    { ref = $0; tag = "latest"
      n = split(ref, segs, "/")
      if (index(segs[n], ":") > 0) { i = index(segs[n], ":"); tag = substr(segs[n], i + 1); ref = substr(ref, 1, length(ref) - length(tag) - 1) }
      n = split(ref, segs, "/"); head = segs[1]
      if (n == 1) ref = "docker.io/library/" ref
      else if (index(head, ".") == 0 && index(head, ":") == 0 && head != "localhost") ref = "docker.io/" ref
      if (tag != "*") print ref ":" tag }'
}
listed="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$images_txt" | grep -v '^$' | normalise | sort -u)"
tags_for() { # tags_for <recipe> -> full references
  local repo
  for repo in $(awk -v r="$1" '$1 == r { for (i = 2; i <= NF; i++) print $i }' "$here/catalogue.txt" | normalise | sed 's/:latest$//'); do
    grep -E "^${repo//./\\.}:" <<<"$listed" || true
  done
}

busybox_root() { # busybox_root <dir>: Debian's static busybox with its applets, /etc/passwd, /tmp
  local r="$1" a
  mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/root" "$r/home" "$r/var/run"
  chmod 1777 "$r/tmp"
  install -m 0755 "$work/x/bin/busybox" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do [[ "$a" == busybox ]] || ln -sf busybox "$r/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"
  printf 'hosts: files dns\n' >"$r/etc/nsswitch.conf"
}

image() { # image <recipe> <rootfs dir> <docker import --change ...>...
  local name="$1" dir="$2"; shift 2
  local refs=() changes=() ref first
  changes=("$@")
  mapfile -t refs < <(if [[ "$name" == pause ]]; then echo registry.k8s.io/pause:3.10.1; fi
    if [[ "$name" == coredns ]]; then echo "registry.k8s.io/coredns/coredns:$coredns_version"; fi
    tags_for "$name")
  [[ ${#refs[@]} -gt 0 ]] || die "images.txt lists no tag for recipe $name"
  first="kubelab-catalogue/$name:$key"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "$work/$name.tar" .
  local args=() c
  for c in "${changes[@]}"; do args+=(--change "$c"); done
  docker import "${args[@]}" "$work/$name.tar" "$first" >/dev/null
  for ref in "${refs[@]}"; do docker tag "$first" "$ref"; done
  docker save -o "$work/out/$name.tar" "${refs[@]}"
  docker rmi "$first" "${refs[@]}" >/dev/null
  printf '%s\n' "${refs[@]}" >>"$work/out/references.txt"
  log "$name: ${#refs[@]} references, $(du -h "$work/out/$name.tar" | cut -f1)"
}

# --- pause -------------------------------------------------------------------------------------
mkdir -p "$work/pause"
gcc -static -Os -s -o "$work/pause/pause" "$here/pause.c"
image pause "$work/pause" 'ENTRYPOINT ["/pause"]' 'USER 65535:65535'

# --- busybox -----------------------------------------------------------------------------------
busybox_root "$work/busybox"
image busybox "$work/busybox" 'CMD ["sh"]' 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# --- nginx: Debian's binary and its shared libraries, laid out like the official image ---------
r="$work/nginx"
busybox_root "$r"
install -D -m 0755 "$work/x/usr/sbin/nginx" "$r/usr/sbin/nginx"
ldd "$work/x/usr/sbin/nginx" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
  install -D -m 0755 "$(readlink -f "$lib")" "$r$lib"
done
mkdir -p "$r/etc/nginx/conf.d" "$r/var/log/nginx" "$r/var/lib/nginx" "$r/var/cache/nginx" "$r/usr/share/nginx/html" "$r/run"
cp "$work/x/etc/nginx/mime.types" "$r/etc/nginx/mime.types"
ln -sf /dev/stdout "$r/var/log/nginx/access.log"
ln -sf /dev/stderr "$r/var/log/nginx/error.log"
echo 'nginx:x:101:101:nginx:/nonexistent:/bin/false' >>"$r/etc/passwd"
echo 'nginx:x:101:' >>"$r/etc/group"
cat >"$r/etc/nginx/nginx.conf" <<'EOF'
user  nginx;
worker_processes  auto;
error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;
events {
    worker_connections  1024;
}
http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';
    access_log  /var/log/nginx/access.log  main;
    sendfile        on;
    keepalive_timeout  65;
    include /etc/nginx/conf.d/*.conf;
}
EOF
cat >"$r/etc/nginx/conf.d/default.conf" <<'EOF'
server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;
    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
EOF
cat >"$r/usr/share/nginx/html/index.html" <<'EOF'
<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p><em>Thank you for using nginx.</em></p>
</body>
</html>
EOF
printf '<html><body><h1>An error occurred.</h1></body></html>\n' >"$r/usr/share/nginx/html/50x.html"
image nginx "$r" 'CMD ["nginx", "-g", "daemon off;"]' 'EXPOSE 80' \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# --- echo: answers every HTTP request on 8080 with what it received, like kicbase/echo-server --
r="$work/echo"
busybox_root "$r"
mkdir -p "$r/usr/local/bin"
cat >"$r/usr/local/bin/echo-request" <<'EOF'
#!/bin/sh
# One connection (busybox nc -ll -e): reads the request, answers with what it saw.
cr="$(printf '\r')"
read -r method path proto
headers=""
while IFS= read -r line; do
  line="${line%"$cr"}"
  [ -z "$line" ] && break
  headers="$headers$line
"
done
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $method $path" >&2
body="Request served by $(hostname)

${proto%"$cr"} $method $path

$headers"
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "${#body}" "$body"
EOF
chmod 0755 "$r/usr/local/bin/echo-request"
cat >"$r/usr/local/bin/echo-server" <<'EOF'
#!/bin/sh
port="${PORT:-8080}"
echo "Echo server listening on port $port." >&2
exec nc -ll -p "$port" -e /usr/local/bin/echo-request
EOF
chmod 0755 "$r/usr/local/bin/echo-server"
image echo "$r" 'CMD ["/usr/local/bin/echo-server"]' 'EXPOSE 8080' \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# --- coredns -----------------------------------------------------------------------------------
mkdir -p "$work/coredns"
install -m 0755 "$bindir/coredns" "$work/coredns/coredns"
image coredns "$work/coredns" 'ENTRYPOINT ["/coredns"]' 'EXPOSE 53 53/udp'

(cd "$work/out" && sha256sum ./*.tar | sha256sum | cut -c1-16) >"$work/out/digest"
rm -rf "$out"; mv "$work/out" "$out"
log "catalogue $key built in $((SECONDS - t0)) s ($(du -sh "$out" | cut -f1))"
# Older catalogues are never used again.
find "$cache/node-catalogue" -mindepth 1 -maxdepth 1 -type d ! -name "$key" ! -name 'work.*' -exec rm -rf {} +
echo "$out"
