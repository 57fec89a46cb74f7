#!/usr/bin/env bash
# Runs a command against a throwaway cluster of an installed PostgreSQL major version:
#
#   .ci/with-postgres.sh [--install] [--durable] VERSION COMMAND [ARG ...]
#   .ci/with-postgres.sh 15 npm test          # the whole suite on PostgreSQL 15
#
# The binaries are Debian's /usr/lib/postgresql/VERSION/bin (PG_BINDIR overrides). --install
# (CI, as root) installs postgresql-VERSION with apt-get when they are missing, without the
# package's default cluster. The cluster lives in a temp directory of its own (mode 755, so the
# `postgres` user Postgres runs as when we are root can enter it), listens on 127.0.0.1 and a
# free port, asks for a password over TCP (scram-sha-256: tests of a wrong password need one),
# and runs without durability (fsync off), like the embedded test cluster (--durable: Postgres's
# defaults, fsync on, as the benchmarks' embedded cluster runs). COMMAND runs with
# TEST_DATABASE_URL set to its maintenance database; the cluster is stopped and its directory
# removed however this ends (COMMAND's failure, Ctrl-C, SIGTERM), and COMMAND's exit status is
# this script's.
set -euo pipefail

install=false
durable=false
while [ $# -gt 0 ]; do
  case $1 in
    --install) install=true ;;
    --durable) durable=true ;;
    *) break ;;
  esac
  shift
done
version=${1:-}
if ! [[ "$version" =~ ^[0-9]+$ ]] || [ $# -lt 2 ]; then
  echo "usage: $0 [--install] [--durable] VERSION COMMAND [ARG ...]   (e.g. $0 15 npm test)" >&2
  exit 2
fi
shift
bindir=${PG_BINDIR:-/usr/lib/postgresql/$version/bin}

if [ ! -x "$bindir/initdb" ]; then
  if [ "$install" = true ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing postgresql-$version (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    # postgresql-common first, told not to make and start a default cluster on port 5432 when
    # postgresql-$version is installed (as the official postgres image does).
    if ! { apt-get update -qq &&
      apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null &&
      sed -ri 's/^#?\s*(create_main_cluster)\s*=.*$/\1 = false/' \
        /etc/postgresql-common/createcluster.conf &&
      apt-get install -y -qq --no-install-recommends "postgresql-$version" >/dev/null; }; then
      echo "$0: apt-get could not install postgresql-$version (Debian 12 has it;" \
        "elsewhere add the PGDG repository, apt.postgresql.org)" >&2
      exit 2
    fi
  fi
  if [ ! -x "$bindir/initdb" ]; then
    echo "$0: no PostgreSQL $version at $bindir: install postgresql-$version (Debian/Ubuntu," \
      "or the PGDG repository), or set PG_BINDIR to its bin directory" >&2
    exit 2
  fi
fi

# As root, Postgres must run as another user: Debian's packages make `postgres`.
as_server=()
if [ "$(id -u)" = 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    echo "$0: running as root, and there is no 'postgres' user to run the server as" >&2
    exit 2
  fi
  as_server=(runuser -u postgres --)
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/fastmoss-etl-pg$version-XXXXXX")
chmod 755 "$root"
data="$root/data"
log="$root/server.log"
started=false
child=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ "$started" = true ]; then
    (cd / && "${as_server[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1) ||
      echo "$0: could not stop the PostgreSQL $version cluster in $data" >&2
  fi
  rm -rf "$root"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ ${#as_server[@]} -eq 0 ] || chown postgres "$root"
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
(umask 077 && printf '%s\n' "$password" >"$root/pwfile")
[ ${#as_server[@]} -eq 0 ] || chown postgres "$root/pwfile"
# UTF-8 in code point order, as the embedded cluster (whose builtin provider needs 17+).
locale=C
if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
if ! (cd / && "${as_server[@]}" "$bindir/initdb" -D "$data" -U postgres --pwfile="$root/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale="$locale" \
  >"$root/initdb.log" 2>&1); then
  cat "$root/initdb.log" >&2
  exit 1
fi
rm -f "$root/pwfile"

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
options="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$root -c max_connections=200"
if [ "$durable" = false ]; then
  options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
started=true
if ! (cd / && "${as_server[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o "$options" \
  >/dev/null); then
  tail -20 "$log" >&2 || true
  exit 1
fi

export TEST_DATABASE_URL="postgres://postgres:$password@127.0.0.1:$port/postgres"
echo "PostgreSQL $version cluster on 127.0.0.1:$port ($root); running: $*"
# In the background, so a signal to this script stops COMMAND and the cluster at once.
"$@" &
child=$!
status=0
wait "$child" || status=$?
child=
exit "$status"
