#!/usr/bin/env bash
# Start a hot standby of the PostgreSQL on 127.0.0.1:<primary port> at 127.0.0.1:<standby port>: pg_basebackup -R
# (streaming replication, loopback only, trust as the CI primary), then pg_ctl start. Issue 15 #3.
# Usage: .ci/standby.sh <primary port> <standby port> <directory>   (prints the DATABASE_REPLICA_URL)
set -euo pipefail
PRIMARY=${1:?primary port}
PORT=${2:?standby port}
DIR=${3:?directory}
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY" -U sibao -D "$DIR/data" -R -X stream -c fast
as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c hot_standby=on" start >/dev/null
echo "DATABASE_REPLICA_URL=postgres://sibao@127.0.0.1:$PORT/sibao"
