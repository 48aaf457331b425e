#!/usr/bin/env bash
# postgres-sandbox.sh -- a PostgreSQL 15 cluster of its own (Debian 12 packages) for the shared
# store of vcctl (issue 18): tests, benchmarks and the cluster sandbox. Needs root; no Docker.
#
#   scripts/postgres-sandbox.sh up       install postgresql-15 if missing, initdb once, start,
#                                        create the role and database, print the URL
#   scripts/postgres-sandbox.sh stop     stop the server (the data stays): "PostgreSQL away"
#   scripts/postgres-sandbox.sh down     stop the server (the same as stop; for symmetry)
#   scripts/postgres-sandbox.sh status   exit 0 only if the server accepts connections
#   scripts/postgres-sandbox.sh url      print the connection URL (VCCTL_DB)
#   scripts/postgres-sandbox.sh ca       print the CA certificate's path (with VCCTL_PG_SSL=1)
#   scripts/postgres-sandbox.sh psql ... run psql on the vcctl database
#   scripts/postgres-sandbox.sh purge    stop, then delete the data directory
#
# Settings (environment):
#   VCCTL_PG_NAME      the cluster's name: its data directory is /var/lib/vcctl-pg-NAME
#                      (default: the scripts/isolated.sh namespace name, else "default")
#   VCCTL_PG_DIR       the data directory itself (overrides the name)
#   VCCTL_PG_ADDR      127.0.0.1   listen address
#   VCCTL_PG_PORT      5432
#   VCCTL_PG_PASSWORD  vcctl-sandbox-secret   the vcctl role's password; test-only default
#   VCCTL_PG_SSL       1: `up` also turns TLS on (a CA and a server certificate for 127.0.0.1
#                      and localhost, made once with openssl in DATADIR/tls; clients that do
#                      not ask for TLS still connect). `ca` prints the CA's path.
# The server runs as the postgres user, listens on VCCTL_PG_ADDR only, keeps its Unix socket
# in the data directory (so clusters of several namespaces never share /run/postgresql), and
# authenticates TCP clients with SCRAM passwords.
set -euo pipefail

name=${VCCTL_PG_NAME:-${VCCTL_NETNS_NAME:-default}}
dir=${VCCTL_PG_DIR:-/var/lib/vcctl-pg-$name}
addr=${VCCTL_PG_ADDR:-127.0.0.1}
port=${VCCTL_PG_PORT:-5432}
password=${VCCTL_PG_PASSWORD:-vcctl-sandbox-secret}
bin=/usr/lib/postgresql/15/bin

say() { echo "postgres-sandbox: $*" >&2; }
as_pg() { runuser -u postgres -- "$@"; }
url() { echo "postgres://vcctl:$password@$addr:$port/vcctl?sslmode=disable"; }
running() { [ -f "$dir/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; }

install_packages() {
    [ -x "$bin/initdb" ] && return 0
    say "installing postgresql-15"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
}

up() {
    [ "$(id -u)" -eq 0 ] || { say "must run as root"; exit 1; }
    install_packages
    if [ ! -f "$dir/PG_VERSION" ]; then
        say "initdb $dir"
        install -d -o postgres -g postgres -m 0700 "$dir"
        local pwfile
        pwfile=$(mktemp)
        echo "$password" >"$pwfile"
        chown postgres "$pwfile"
        as_pg "$bin/initdb" -D "$dir" -U postgres -A scram-sha-256 --pwfile="$pwfile" \
            -E UTF8 --locale=C.UTF-8 >/dev/null
        rm -f "$pwfile"
        # Peer login for the postgres user on the socket (this script's own admin commands).
        sed -i 's/^local\s\+all\s\+all\s\+scram-sha-256/local all all trust/' "$dir/pg_hba.conf"
    fi
    if ! running; then
        as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=$addr -p $port -k $dir" start >/dev/null
    fi
    local psql=("$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ -z "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'vcctl'")" ]; then
        as_pg "${psql[@]}" -c "CREATE ROLE vcctl LOGIN CREATEDB PASSWORD '$password'"
    fi
    if [ -z "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'vcctl'")" ]; then
        as_pg "${psql[@]}" -c "CREATE DATABASE vcctl OWNER vcctl"
    fi
    if [ "${VCCTL_PG_SSL:-0}" = 1 ]; then ssl_on "${psql[@]}"; fi
    say "up on $addr:$port, data in $dir"
    url
}

# A CA and a server certificate it signed (rustls refuses a self-signed CA as a server's own).
ssl_on() {
    local t=$dir/tls
    if [ ! -f "$t/server.pem" ]; then
        say "making a CA and a server certificate in $t"
        install -d -o postgres -g postgres -m 0700 "$t"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
            -subj "/CN=vcctl sandbox CA" -keyout "$t/ca.key" -out "$t/ca.pem" 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -subj "/CN=$addr" -keyout "$t/server.key" -out "$t/server.csr" 2>/dev/null
        printf 'subjectAltName=IP:%s,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
            "$addr" >"$t/ext.cnf"
        openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" \
            -CAcreateserial -days 3650 -extfile "$t/ext.cnf" -out "$t/server.pem" 2>/dev/null
        chown postgres:postgres "$t"/*
        chmod 0600 "$t"/*.key
        chmod 0644 "$t/ca.pem"
    fi
    # ssl settings take effect on reload (PostgreSQL 10 and later): no restart of a server
    # other tests use.
    as_pg "$@" -c "ALTER SYSTEM SET ssl_cert_file = '$t/server.pem'" \
        -c "ALTER SYSTEM SET ssl_key_file = '$t/server.key'" -c "ALTER SYSTEM SET ssl = on" \
        -c "SELECT pg_reload_conf()" >/dev/null
}

stop() {
    if running; then
        as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
        say "stopped"
    fi
}

case ${1:-} in
up) up ;;
stop | down) stop ;;
status) running && "$bin/pg_isready" -q -h "$addr" -p "$port" ;;
url) url ;;
ca) echo "$dir/tls/ca.pem" ;;
psql)
    shift
    PGPASSWORD=$password "$bin/psql" -h "$addr" -p "$port" -U vcctl vcctl "$@"
    ;;
purge)
    stop
    rm -rf --one-file-system "$dir"
    ;;
*)
    sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
