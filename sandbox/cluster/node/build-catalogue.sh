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
#   hello-app, kubernetes-bootcamp, node-hello, http-echo, whoami, podinfo, liveness
#                                                       kubelab's small Go servers (go/, built by
#                                                       build-tools.sh) on busybox, answering
#                                                       like the images of the same names
#   traefik  traefik (v3.7 tags)                        Traefik from its Go module
#                                                       (build-traefik.sh): the ingress addon's
#                                                       controller (ingress.yaml)
#   debian (bookworm tags), httpd, redis, mariadb, postgres, wordpress, python, node
#                                                       Debian's packages: a shared debootstrap
#                                                       base and one layer each
#                                                       (build-debian-layers.sh), with entrypoints
#                                                       (images/) that keep the official images'
#                                                       environment contract
#
# Usage: build-catalogue.sh NODE_BIN_DIR TOOLS_DIR   # prints the catalogue directory last
# Cached in ~/.cache/kubelab/node-catalogue/<key>; key = this script, catalogue.txt,
# images.txt, pause.c, images/, the node binaries', tools', Traefik's and Debian layers' keys and the
# Debian packages' versions.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build-cache.sh
source "$here/build-cache.sh"
root="$(cd "$here/../../.." && pwd)"
cache="${KUBELAB_CACHE_DIR:-$HOME/.cache/kubelab}"
log() { printf '[catalogue] %s\n' "$*" >&2; }
die() { printf '[catalogue] error: %s\n' "$*" >&2; exit 1; }

bindir="${1:?usage: $0 NODE_BIN_DIR TOOLS_DIR}"
tooldir="${2:?usage: $0 NODE_BIN_DIR TOOLS_DIR}"
[[ -x "$bindir/coredns" ]] || die "no coredns in $bindir"
[[ -x "$tooldir/hello-app" ]] || die "no hello-app in $tooldir"
debiandir="$(bash "$here/build-debian-layers.sh" | tail -n 1)"
traefikdir="$(bash "$here/build-traefik.sh" | tail -n 1)"
[[ -x "$traefikdir/traefik" ]] || die "no traefik in $traefikdir"
images_txt="$root/sandbox/cluster/lab/images.txt"
coredns_version="$(grep -E '^COREDNS_VERSION=' "$root/sandbox/cluster/node-versions.env" | cut -d= -f2)"
debs=(nginx nginx-common busybox-static)

command -v gcc >/dev/null 2>&1 && [[ -f "$(gcc -print-file-name=libc.a)" ]] || {
  log "installing gcc and libc6-dev (the pause binary is linked statically)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq gcc libc6-dev >&2
}

# The exact Debian versions are part of the key: a security update makes a new catalogue.
versions="$(apt-cache policy "${debs[@]}" 2>/dev/null | awk '/^[a-z]/ {p=$1} /Candidate:/ {print p $2}' | tr '\n' ' ')"
key="$( { cat "$here/build-catalogue.sh" "$here/catalogue.txt" "$images_txt" "$here/pause.c" "$here"/images/*; basename "$bindir"; basename "$tooldir"; basename "$traefikdir"; basename "$debiandir"; echo "$versions"; } | sha256sum | cut -c1-16)"
out="$cache/node-catalogue/$key"
if [[ -f "$out/digest" ]]; then cache_used "$out"; echo "$out"; exit 0; fi

mkdir -p "$cache/node-catalogue"
exec 9>"$cache/node-catalogue/.lock"; flock 9
if [[ -f "$out/digest" ]]; then cache_used "$out"; echo "$out"; exit 0; fi
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
tags_for() { # tags_for "<recipe>..." -> full references
  local r repo
  for r in $1; do
    for repo in $(awk -v r="$r" '$1 == r { for (i = 2; i <= NF; i++) print $i }' "$here/catalogue.txt" | normalise | sed 's/:latest$//'); do
      grep -E "^${repo//./\\.}:" <<<"$listed" || true
    done
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
    tags_for "${RECIPE_REPOS:-$name}" | grep -E "${REFS_MATCHING:-.}" || true)
  [[ ${#refs[@]} -gt 0 ]] || die "images.txt lists no tag for recipe $name"
  first="kubelab-catalogue/$name:$key"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "$work/$name.tar" .
  local args=() c
  for c in "${changes[@]}"; do args+=(--change "$c"); done
  docker import "${args[@]}" "$work/$name.tar" "$first" >/dev/null
  for ref in "${refs[@]}"; do docker tag "$first" "$ref"; done
  if [[ -n "${KEEP_FOR_SAVE:-}" ]]; then
    # Saved later with the others of its group, so that shared layers are stored once.
    SAVE_LATER+=("${refs[@]}"); docker rmi "$first" >/dev/null
  else
    docker save -o "$work/out/$name.tar" "${refs[@]}"
    docker rmi "$first" "${refs[@]}" >/dev/null
  fi
  printf '%s\n' "${refs[@]}" >>"$work/out/references.txt"
  if [[ -f "$work/out/$name.tar" ]]; then log "$name: ${#refs[@]} references, $(du -h "$work/out/$name.tar" | cut -f1)"; else log "$name: ${#refs[@]} references"; fi
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

# --- kubelab's Go servers (go/), each on busybox so that `kubectl exec -- sh` works -----------
SAVE_LATER=()
go_image() { # go_image <recipe> <binary> <port> <args...>
  local recipe="$1" bin="$2" port="$3"; shift 3
  local r="$work/$recipe" args="" a
  rm -rf "$r"; busybox_root "$r"
  install -m 0755 "$tooldir/$bin" "$r/$bin"
  # The Kubernetes docs start registry.k8s.io/liveness as `/server`.
  if [[ "$bin" == liveness ]]; then ln -s liveness "$r/server"; fi
  # The Kubernetes Basics tutorial runs `kubectl exec -ti POD -- bash` and, in there,
  # `curl http://localhost:8080`: busybox has neither, so a `bash` that is busybox's sh and a
  # `curl` that fetches one URL with busybox's wget and refuses any option.
  if [[ "$bin" == kubernetes-bootcamp ]]; then
    printf '#!/bin/sh\nexec /bin/sh "$@"\n' >"$r/bin/bash"
    printf '%s\n' '#!/bin/sh' \
      'case "$1" in ""|-*) echo "curl: only \`curl URL\` works in this image (busybox wget underneath)" >&2; exit 2;; esac' \
      '[ $# -eq 1 ] || { echo "curl: one URL only in this image" >&2; exit 2; }' \
      'exec wget -q -O - "$1"' >"$r/bin/curl"
    chmod 0755 "$r/bin/bash" "$r/bin/curl"
  fi
  for a in "/$bin" "$@"; do args+="${args:+, }\"$a\""; done
  KEEP_FOR_SAVE=1 image "$recipe" "$r" "ENTRYPOINT [$args]" "EXPOSE $port" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
}
# hello-app: version 1.0.0 and 2.0.0 by tag, as the GKE quickstart's rollouts show.
REFS_MATCHING=':1\.' RECIPE_REPOS=hello-app go_image hello-app hello-app 8080 -version 1.0.0
REFS_MATCHING=':2\.' RECIPE_REPOS=hello-app go_image hello-app-2 hello-app 8080 -version 2.0.0
# kubernetes-bootcamp: v1 and v2 by tag, as the tutorial's `kubectl set image` shows.
REFS_MATCHING=':v1$' RECIPE_REPOS=kubernetes-bootcamp go_image kubernetes-bootcamp kubernetes-bootcamp 8080 -version 1
REFS_MATCHING=':v2$' RECIPE_REPOS=kubernetes-bootcamp go_image kubernetes-bootcamp-2 kubernetes-bootcamp 8080 -version 2
go_image node-hello node-hello 8080
go_image http-echo http-echo 5678
go_image whoami whoami 80
REFS_MATCHING=':6\.5\.4$' RECIPE_REPOS=podinfo go_image podinfo podinfo 9898 -version 6.5.4
REFS_MATCHING=':(6\.7\.1|latest)$' RECIPE_REPOS=podinfo go_image podinfo-6.7 podinfo 9898 -version 6.7.1
go_image liveness liveness 8080
docker save -o "$work/out/servers.tar" "${SAVE_LATER[@]}"
printf '%s\n' "${SAVE_LATER[@]}" | sort -u | xargs docker rmi >/dev/null

# --- traefik: the ingress addon's controller, laid out like the official image -----------------
# Only the v3.7 tags: an older tag would name another Traefik than the one that runs.
r="$work/traefik"
busybox_root "$r"
install -D -m 0755 "$traefikdir/traefik" "$r/usr/local/bin/traefik"
# The official image's entrypoint: arguments that start with - are Traefik's flags.
printf '%s\n' '#!/bin/sh' 'set -e' 'if [ "${1#-}" != "$1" ]; then set -- traefik "$@"; fi' 'exec "$@"' >"$r/entrypoint.sh"
chmod 0755 "$r/entrypoint.sh"
REFS_MATCHING=':v3\.7' image traefik "$r" 'ENTRYPOINT ["/entrypoint.sh"]' 'CMD ["traefik"]' 'EXPOSE 80' \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# --- Debian's servers and runtimes: one shared base layer, one layer each ----------------------
debian_base="kubelab-catalogue/debian-base:$key"
docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' "$debiandir/base.tar" "$debian_base" >/dev/null
SAVE_LATER=()
# debian: the shared base itself, under the tags of the release it is (Debian 12, bookworm);
# debian:11, :trixie, :stable or :latest would be another release than what runs.
mapfile -t debian_refs < <(tags_for debian | grep -E ':(bookworm|bookworm-slim|12)$' || true)
[[ ${#debian_refs[@]} -gt 0 ]] || die "images.txt lists no bookworm tag of debian"
for ref in "${debian_refs[@]}"; do docker tag "$debian_base" "$ref"; done
SAVE_LATER+=("${debian_refs[@]}")
printf '%s\n' "${debian_refs[@]}" >>"$work/out/references.txt"
log "debian: ${#debian_refs[@]} references"
debian_image() { # debian_image <recipe> <Dockerfile lines after FROM and ADD>
  local recipe="$1" body="$2" ctx="$work/ctx-$1" ref first="kubelab-catalogue/$1:$key"
  local refs=()
  mapfile -t refs < <(tags_for "${RECIPE_REPOS:-$recipe}" | grep -E "${REFS_MATCHING:-.}" || true)
  [[ ${#refs[@]} -gt 0 ]] || die "images.txt lists no tag for recipe $recipe"
  rm -rf "$ctx"; mkdir -p "$ctx"
  ln "$debiandir/${LAYER:-$recipe}.tar" "$ctx/layer.tar" 2>/dev/null || cp "$debiandir/${LAYER:-$recipe}.tar" "$ctx/layer.tar"
  cp "$here"/images/* "$ctx/"
  printf 'FROM %s\nADD layer.tar /\n%s\n' "$debian_base" "$body" >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build --network=none --force-rm -q -t "$first" "$ctx" >"$work/build-$recipe.log" 2>&1 \
    || { cat "$work/build-$recipe.log" >&2; die "docker build of $recipe failed"; }
  for ref in "${refs[@]}"; do docker tag "$first" "$ref"; done
  docker rmi "$first" >/dev/null
  SAVE_LATER+=("${refs[@]}")
  printf '%s\n' "${refs[@]}" >>"$work/out/references.txt"
  log "$recipe: ${#refs[@]} references"
  rm -rf "$ctx"
}
debian_image httpd '
RUN set -e; mkdir -p /usr/local/apache2/htdocs; \
    echo "<html><body><h1>It works!</h1></body></html>" >/usr/local/apache2/htdocs/index.html; \
    sed -i -e "s#/var/www/html#/usr/local/apache2/htdocs#" /etc/apache2/sites-available/000-default.conf; \
    sed -i -e "s#^ErrorLog .*#ErrorLog /dev/stderr#" /etc/apache2/apache2.conf; \
    sed -i -e "s#CustomLog .*#CustomLog /dev/stdout combined#" -e "s#ErrorLog .*#ErrorLog /dev/stderr#" /etc/apache2/sites-available/000-default.conf; \
    printf "<Directory /usr/local/apache2/htdocs>\n  Require all granted\n</Directory>\nServerName localhost\n" >/etc/apache2/conf-enabled/kubelab.conf
COPY httpd-foreground /usr/local/bin/httpd-foreground
WORKDIR /usr/local/apache2
EXPOSE 80
STOPSIGNAL SIGWINCH
CMD ["httpd-foreground"]'
debian_image redis '
RUN mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]'
RECIPE_REPOS="mariadb mysql" debian_image mariadb '
RUN mkdir -p /docker-entrypoint-initdb.d /run/mysqld && chown mysql:mysql /run/mysqld \
    && printf "[mariadbd]\nskip-host-cache\nskip-name-resolve\n" >/etc/mysql/mariadb.conf.d/90-kubelab.cnf
COPY mariadb-entrypoint /usr/local/bin/docker-entrypoint.sh
EXPOSE 3306
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["mariadbd"]'
debian_image postgres '
RUN mkdir -p /docker-entrypoint-initdb.d /var/lib/postgresql/data && chown -R postgres:postgres /var/lib/postgresql
COPY postgres-entrypoint /usr/local/bin/docker-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]'
debian_image wordpress '
RUN set -e; sed -i -e "s#CustomLog .*#CustomLog /dev/stdout combined#" -e "s#ErrorLog .*#ErrorLog /dev/stderr#" /etc/apache2/sites-available/000-default.conf; \
    sed -i -e "s#^ErrorLog .*#ErrorLog /dev/stderr#" /etc/apache2/apache2.conf; \
    printf "<Directory /var/www/html>\n  AllowOverride All\n  Require all granted\n</Directory>\nServerName localhost\n" >/etc/apache2/conf-enabled/kubelab.conf; \
    a2enmod rewrite >/dev/null; rm -rf /var/www/html; mkdir -p /var/www/html; chown www-data:www-data /var/www/html
COPY wordpress-entrypoint /usr/local/bin/docker-entrypoint.sh
WORKDIR /var/www/html
EXPOSE 80
STOPSIGNAL SIGWINCH
ENTRYPOINT ["docker-entrypoint.sh"]
CMD []'
debian_image python '
RUN ln -sf python3 /usr/bin/python
CMD ["python3"]'
debian_image node '
CMD ["node"]'
docker save -o "$work/out/debian.tar" "${SAVE_LATER[@]}"
printf '%s\n' "${SAVE_LATER[@]}" | sort -u | xargs docker rmi >/dev/null
docker rmi "$debian_base" >/dev/null

(cd "$work/out" && sha256sum ./*.tar | sha256sum | cut -c1-16) >"$work/out/digest"
rm -rf "$out"; mv "$work/out" "$out"
log "catalogue $key built in $((SECONDS - t0)) s ($(du -sh "$out" | cut -f1))"
cache_prune "$cache/node-catalogue" "$key"
echo "$out"
