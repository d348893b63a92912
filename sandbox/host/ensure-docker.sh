#!/usr/bin/env bash
# Makes sure a Docker engine answers on this host, installing and starting one when we are
# allowed to, and that it keeps labs running across its own restarts (live-restore). Quiet
# when all is well already, so callers can run it every time.
#
# Usage: ensure-docker.sh
# Env:   KUBELAB_DOCKERD_LOG     where a dockerd we start logs (default /var/log/kubelab-dockerd.log)
#        KUBELAB_DOCKERD_WAIT    seconds to wait for it to answer (default 60)
#        KUBELAB_DOCKERD_CONFIG  the daemon's configuration file (default /etc/docker/daemon.json)
set -euo pipefail

log() { printf '[ensure-docker] %s\n' "$*" >&2; }
die() { printf '[ensure-docker] error: %s\n' "$*" >&2; exit 1; }

engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
systemd_owns_docker() { [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; }
config="${KUBELAB_DOCKERD_CONFIG:-/etc/docker/daemon.json}"

# live-restore keeps containers running while dockerd itself stops and starts (an upgrade, a
# crash, a restart): without it every lab of a class dies with the daemon. It is set in the
# daemon's configuration file, never as a flag (dockerd refuses to start when both name it),
# merged into what the operator already has there. Node is there: kubelab needs it.
want_live_restore_in_config() {
  mkdir -p "$(dirname "$config")"
  node - "$config" <<'JS'
const fs = require("node:fs");
const file = process.argv[2];
let cfg = {};
if (fs.existsSync(file)) {
  const text = fs.readFileSync(file, "utf8").trim();
  try { cfg = text ? JSON.parse(text) : {}; } catch (e) { console.error(`${file} is not valid JSON (${e.message}); not touching it`); process.exit(3); }
}
if (cfg["live-restore"] === true) process.exit(0);
cfg["live-restore"] = true;
fs.writeFileSync(file + ".kubelab-tmp", JSON.stringify(cfg, null, 2) + "\n");
fs.renameSync(file + ".kubelab-tmp", file);
console.error(`set "live-restore": true in ${file}`);
JS
}

live_restore_enabled() { [[ "$(docker info --format '{{.LiveRestoreEnabled}}' 2>/dev/null)" == true ]]; }

# An engine that answers already: turn live-restore on if it is off. It is one of the options
# dockerd reloads on SIGHUP, so running containers are not touched.
ensure_live_restore() {
  live_restore_enabled && return 0
  if [[ $EUID -ne 0 ]]; then
    log "warning: the Docker engine runs without live-restore, so restarting dockerd ends every lab."
    log "  As root: add \"live-restore\": true to $config and reload dockerd (see README → Operations)."
    return 0
  fi
  want_live_restore_in_config || { log "warning: could not enable live-restore; restarting dockerd will end every lab"; return 0; }
  if systemd_owns_docker; then
    systemctl reload docker.service >&2 || true
  else
    # The daemon that serves the default socket writes its pid here (dockerd's default --pidfile).
    local pid
    pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -HUP "$pid" 2>/dev/null || true
  fi
  local i
  for i in $(seq 1 20); do live_restore_enabled && break; sleep 0.25; done
  if live_restore_enabled; then log "live-restore is on: labs outlive a dockerd restart"; else log "warning: dockerd did not take live-restore from $config; see its log"; fi
}

if engine_answers; then
  ensure_live_restore
  exit 0
fi

if [[ $EUID -ne 0 ]]; then
  die "no Docker engine answers and this is not root, so it cannot be installed or started here.
  Install Docker (Debian: 'sudo apt-get install docker.io') and start it
  ('sudo systemctl start docker', or 'sudo dockerd --bridge=none --iptables=false &' without systemd),
  then make sure this user may use it (e.g. 'sudo usermod -aG docker $USER' and log in again)."
fi

# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

if ! command -v dockerd >/dev/null 2>&1; then
  # docker.io brings dockerd, containerd and runc; the CLI may already exist on its own.
  apt_install docker.io
fi
command -v docker >/dev/null 2>&1 || apt_install docker.io

want_live_restore_in_config || log "warning: starting dockerd without live-restore"

# With systemd as init the packaged unit owns dockerd; starting a second daemon beside it
# would fight over /var/run/docker.sock.
if systemd_owns_docker; then
  log "starting docker through systemd"
  systemctl start docker.service >&2 || die "systemctl start docker failed; see 'journalctl -u docker'."
else
  logfile="${KUBELAB_DOCKERD_LOG:-/var/log/kubelab-dockerd.log}"
  # Only the daemon of the default socket counts (its pid file): a dockerd serving another
  # socket (a second engine on this host) is not ours to wait for.
  if [[ -f /var/run/docker.pid ]] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    # A daemon is already starting (another caller raced us, or it is slow): just wait for it.
    log "dockerd is running but does not answer yet; waiting"
  else
    # Labs have no network at all, and this host cannot NAT, so the default bridge and the
    # iptables rules dockerd would install are both unwanted.
    args=(--bridge=none --iptables=false)
    if dockerd --help 2>&1 | grep -q -- '--ip6tables'; then
      args+=(--ip6tables=false)
    fi
    log "starting dockerd ${args[*]} (log: $logfile)"
    mkdir -p "$(dirname "$logfile")"
    # setsid detaches it from our session so it outlives this script and its terminal.
    setsid dockerd --config-file "$config" "${args[@]}" >>"$logfile" 2>&1 </dev/null &
  fi
fi

wait_s="${KUBELAB_DOCKERD_WAIT:-60}"
deadline=$((SECONDS + wait_s))
until engine_answers; do
  if (( SECONDS >= deadline )); then
    die "the Docker engine did not answer within ${wait_s}s. Last lines of ${logfile:-the daemon log}:
$( [[ -n "${logfile:-}" && -f "$logfile" ]] && tail -n 20 "$logfile" )"
  fi
  sleep 0.5
done
log "Docker engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
