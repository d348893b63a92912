# Sourced, not run: installs Debian packages the set-up needs, waiting for apt's lock
# (another install may be running) and refreshing package lists only when they are missing
# or stale. Callers define log() and die().
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get is not available: install $* by hand."
  [[ $EUID -eq 0 ]] || die "$* must be installed, and this is not root: run 'sudo apt-get install $*'."
  local lockwait=(-o DPkg::Lock::Timeout=600)
  # No package lists means 'apt-get update' has never run on this machine.
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    log "apt-get update"
    apt-get "${lockwait[@]}" update -qq >&2
  fi
  log "apt-get install $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get "${lockwait[@]}" install -y -qq --no-install-recommends "$@" >&2; then
    log "install failed; refreshing the package lists and trying once more"
    apt-get "${lockwait[@]}" update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get "${lockwait[@]}" install -y -qq --no-install-recommends "$@" >&2
  fi
}
