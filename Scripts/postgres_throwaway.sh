#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the fleet tests (and for trying a fleet by hand): trust
# authentication, loopback only, its socket in its own directory. As root it runs as `postgres`.
#
#   Scripts/postgres_throwaway.sh start DIR PORT   # initdb on first use; prints the URL
#   Scripts/postgres_throwaway.sh stop DIR         # fast shutdown (clients are disconnected)
#   Scripts/postgres_throwaway.sh start DIR PORT   # again: the same cluster, its data kept
#   Scripts/postgres_throwaway.sh destroy DIR
set -euo pipefail
action=${1:?start|stop|destroy}
dir=${2:?the cluster directory}
port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n $bin ]] || { echo "postgres_throwaway: no PostgreSQL server (apt-get install postgresql)" >&2; exit 2; }

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $action in
start)
    if [[ ! -f $dir/PG_VERSION ]]; then
        mkdir -p "$dir"
        if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi
        chmod 700 "$dir"
        as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # The server must not inherit this script's output: whoever reads it to its end would wait for ever.
    if ! as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" start \
        >/dev/null 2>&1 </dev/null; then
        echo "postgres_throwaway: the server did not start; its log:" >&2
        tail -20 "$dir/server.log" >&2
        exit 1
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null
    ;;
destroy)
    if [[ -f $dir/postmaster.pid ]]; then as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
*)
    echo "postgres_throwaway: unknown action $action" >&2
    exit 2
    ;;
esac
