#!/usr/bin/env bash
# Installs (when missing) and starts a PostgreSQL server listening on 127.0.0.1 only, creates
# the role and database rca's history tests use, and exports RCA_TEST_POSTGRES with its URL.
#
#   source .ci/postgres.sh      # exports RCA_TEST_POSTGRES
#   .ci/postgres.sh             # prints the URL
#
# Runs as root on Debian (the CI machine); nothing listens beyond the loopback.
set -euo pipefail

RCA_PG_USER=${RCA_PG_USER:-rca}
RCA_PG_PASSWORD=${RCA_PG_PASSWORD:-rca-ci}
RCA_PG_DB=${RCA_PG_DB:-rca_test}
RCA_PG_PORT=${RCA_PG_PORT:-5432}

if ! command -v pg_lsclusters >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi

pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$pg_version main"; then
    pg_createcluster "$pg_version" main -p "$RCA_PG_PORT"
fi
conf_dir=/etc/postgresql/$pg_version/main
# Loopback only, whatever the packaged default says.
sed -i "s/^#\?listen_addresses *=.*/listen_addresses = '127.0.0.1'/" "$conf_dir/postgresql.conf"
port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    pg_ctlcluster "$pg_version" main start
fi

psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }
for _ in $(seq 1 30); do psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$RCA_PG_USER'")" != 1 ]; then
    psql_admin -c "CREATE ROLE \"$RCA_PG_USER\" LOGIN PASSWORD '$RCA_PG_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$RCA_PG_DB'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE \"$RCA_PG_DB\" OWNER \"$RCA_PG_USER\""
fi

export RCA_TEST_POSTGRES="postgres://$RCA_PG_USER:$RCA_PG_PASSWORD@127.0.0.1:$port/$RCA_PG_DB"
echo "$RCA_TEST_POSTGRES"
