#!/usr/bin/env bash
# Makes sure a Docker engine answers on this host, installing and starting one when we are
# allowed to. Silent when an engine already answers, so callers can run it every time.
#
# Usage: ensure-docker.sh
# Env:   KUBELAB_DOCKERD_LOG   where a dockerd we start logs (default /var/log/kubelab-dockerd.log)
#        KUBELAB_DOCKERD_WAIT  seconds to wait for it to answer (default 60)
set -euo pipefail

log() { printf '[ensure-docker] %s\n' "$*" >&2; }
die() { printf '[ensure-docker] error: %s\n' "$*" >&2; exit 1; }

engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

engine_answers && exit 0

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

# With systemd as init the packaged unit owns dockerd; starting a second daemon beside it
# would fight over /var/run/docker.sock.
if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
  log "starting docker through systemd"
  systemctl start docker.service >&2 || die "systemctl start docker failed; see 'journalctl -u docker'."
else
  logfile="${KUBELAB_DOCKERD_LOG:-/var/log/kubelab-dockerd.log}"
  if pgrep -x dockerd >/dev/null 2>&1; then
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
    setsid dockerd "${args[@]}" >>"$logfile" 2>&1 </dev/null &
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
