#!/usr/bin/env bash
# The PostgreSQL server the tests run the data layer against (setup.sh test calls it).
# Debian's PostgreSQL, in a cluster of its own ("kubelab-test", port 54329, 127.0.0.1 only,
# password login for one role that may create databases): an operator's own clusters, such as
# Debian's "main", are never started, stopped or reconfigured. Each test file makes its own
# database on it and drops it afterwards (test/support/database.ts).
#
# Installs the server with apt when it is missing and we are root; without root it stops and
# says what is missing. Idempotent: when the cluster answers with the saved login it takes a
# fraction of a second. KUBELAB_TEST_POSTGRES_URL, when set, names another server instead and
# nothing is installed or started.
#
# The cluster trades durability for speed (fsync off): it holds nothing but test databases.
# Its login is kept in ~/.cache/kubelab/postgresql/test-url (mode 0600); the tests read it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { printf '[postgres] %s\n' "$*" >&2; }
die() { printf '[postgres] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=apt.sh
source "$root/sandbox/host/apt.sh"

cluster=kubelab-test
port=54329
role=kubelab_test
state="${XDG_CACHE_HOME:-$HOME/.cache}/kubelab/postgresql"
url_file="$state/test-url"

answers() { PGCONNECT_TIMEOUT=5 psql "$1" -XAtqc 'SELECT 1' >/dev/null 2>&1; }

if [[ -n "${KUBELAB_TEST_POSTGRES_URL:-}" ]]; then
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  answers "$KUBELAB_TEST_POSTGRES_URL" || die "KUBELAB_TEST_POSTGRES_URL does not answer (is the server up, and may that role log in and create databases?)"
  exit 0
fi

# Fast path: the cluster is up and the saved login works.
if [[ -s "$url_file" ]] && command -v psql >/dev/null 2>&1 && answers "$(cat "$url_file")"; then exit 0; fi

newest_server() { compgen -G '/usr/lib/postgresql/*/bin/postgres' | sort -V | tail -n 1; }
if [[ -z "$(newest_server)" ]] || ! command -v pg_createcluster >/dev/null 2>&1; then
  [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed and this is not root. Install it ('sudo apt-get install postgresql'), then run this again, or set KUBELAB_TEST_POSTGRES_URL to a server where a role may create databases."
  log "installing Debian's PostgreSQL (once)"
  apt_install postgresql
fi
server="$(newest_server)"
version="$(basename "$(dirname "$(dirname "$server")")")"

[[ $EUID -eq 0 ]] || die "PostgreSQL is installed, but making or starting the test cluster '$cluster' and its login needs root, and this is not root. Run the tests as root, or set KUBELAB_TEST_POSTGRES_URL to a server where your role may create databases (postgresql://user:password@127.0.0.1:5432/postgres)."

if ! pg_lsclusters -h "$version" "$cluster" >/dev/null 2>&1 || [[ -z "$(pg_lsclusters -h "$version" "$cluster" 2>/dev/null)" ]]; then
  log "creating the test cluster $version/$cluster on 127.0.0.1:$port"
  # start.conf manual: the system's init never starts it; the test set-up does, when it runs.
  pg_createcluster "$version" "$cluster" --port "$port" --start-conf manual >/dev/null
  # Debian's postgresql.conf reads conf.d/ last: loopback only, and no durability to pay for.
  cat > "/etc/postgresql/$version/$cluster/conf.d/kubelab-test.conf" <<'CONF'
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 200
CONF
fi
status="$(pg_lsclusters -h "$version" "$cluster" | awk '{print $4}')"
if [[ "$status" != online ]]; then
  log "starting the test cluster $version/$cluster"
  pg_ctlcluster "$version" "$cluster" start
fi

# The role and its password: made afresh whenever the saved login does not work.
mkdir -p "$state"
chmod 700 "$state"
password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
runuser -u postgres -- psql -X -q -p "$port" -v ON_ERROR_STOP=1 -v role="$role" -v pw="$password" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB NOSUPERUSER PASSWORD %L', :'role', :'pw') \gexec
SQL
url="postgresql://$role:$password@127.0.0.1:$port/postgres"
(umask 077 && printf '%s\n' "$url" > "$url_file.new" && mv "$url_file.new" "$url_file")
answers "$url" || die "the test cluster $version/$cluster does not accept the login just made; see /var/log/postgresql/postgresql-$version-$cluster.log"
log "test cluster $version/$cluster ready on 127.0.0.1:$port"
