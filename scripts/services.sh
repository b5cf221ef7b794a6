#!/usr/bin/env bash
# Throwaway PostgreSQL + Redis for the test suite, all state under ./var/test-services.
#
#   scripts/services.sh start    install if missing, start (idempotent), print exports
#   scripts/services.sh stop     stop both (idempotent)
#   scripts/services.sh status   exit 0 only if both are running
#   source scripts/services.sh start   same, and the exports land in your shell
#
# `start` prints `export SENDGRAPH_TEST_DATABASE_URL=...` and `export SENDGRAPH_TEST_REDIS_URL=...`
# on stdout (progress goes to stderr), so `eval "$(scripts/services.sh start)"` works too,
# and writes the same lines to var/test-services/env.
# Ports: SENDGRAPH_TEST_PG_PORT (default 54329), SENDGRAPH_TEST_REDIS_PORT (default 63799);
# if taken by something else, the next free port is used.

_svc_main() {
    local root var
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    var="$root/var/test-services"
    mkdir -p "$var"

    # Postgres refuses to run as root: as root we run it as an unprivileged OS user
    # (chosen after any apt-get install, which creates `postgres`).
    local os_user=""
    pick_os_user() {
        [ "$(id -u)" = 0 ] || return 0
        if id postgres >/dev/null 2>&1; then os_user=postgres; else os_user=sendgraph; fi
        id "$os_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$os_user"
    }
    # (cd / first: the OS user may not be allowed into the checkout's directory.)
    as_pg() { if [ -n "$os_user" ]; then (cd / && runuser -u "$os_user" -- "$@"); else "$@"; fi; }
    log() { echo "services: $*" >&2; }
    port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
    free_port() { local p=$1; while port_busy "$p"; do p=$((p + 1)); done; echo "$p"; }

    pg_bin() { { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1; }

    install_missing() {
        local pkgs=()
        [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || pkgs+=(postgresql)
        command -v redis-server >/dev/null && command -v redis-cli >/dev/null || pkgs+=(redis-server)
        [ ${#pkgs[@]} -eq 0 ] && return 0
        log "installing ${pkgs[*]} with apt-get"
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo -n"
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -q >&2
        $sudo apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2
    }

    # Where the cluster lives: ./var if the postgres OS user can reach it, else /tmp
    # (e.g. a checkout under /root, mode 700). Deterministic so `stop` finds it again.
    pg_data_dir() {
        if [ -z "$os_user" ] || runuser -u "$os_user" -- test -x "$var"; then
            echo "$var/pg"
        else
            echo "/tmp/sendgraph-test-pg-$(echo "$root" | md5sum | cut -c1-10)"
        fi
    }

    pg_running() { [ -n "$(pg_bin)" ] && [ -f "$1/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$1" status >/dev/null 2>&1; }
    redis_running() { [ -f "$var/redis.port" ] && redis-cli -h 127.0.0.1 -p "$(cat "$var/redis.port")" ping 2>/dev/null | grep -q PONG; }

    wait_for() { # wait_for NAME CMD... : poll up to 30s
        local name=$1; shift
        for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
        log "$name did not become ready in 30s"; return 1
    }

    start_pg() {
        local bin data port
        bin="$(pg_bin)"; data="$(pg_data_dir)"
        # Cluster made earlier under another OS user: hand it over.
        if [ -n "$os_user" ] && [ -d "$data" ] && [ "$(stat -c %U "$data")" != "$os_user" ]; then
            chown -R "$os_user" "$data"
        fi
        # A cluster from another major version (binaries upgraded) is useless: start over.
        if [ -f "$data/PG_VERSION" ] && [ "$(cat "$data/PG_VERSION")" != "$(basename "$(dirname "$bin")")" ]; then
            log "discarding cluster from PostgreSQL $(cat "$data/PG_VERSION")"
            as_pg "$bin/pg_ctl" -D "$data" stop -m immediate >/dev/null 2>&1 || true
            rm -rf "$data"
        fi
        if [ ! -f "$data/PG_VERSION" ]; then
            log "initdb $data"
            rm -rf "$data"; mkdir -p "$data"; chmod 700 "$data"
            [ -z "$os_user" ] || chown "$os_user" "$data"
            as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$var/initdb.log" 2>&1 \
                || { cat "$var/initdb.log" >&2; return 1; }
        fi
        if pg_running "$data"; then
            port="$(sed -n 4p "$data/postmaster.pid")"
            log "postgres already running on 127.0.0.1:$port"
        else
            port="$(free_port "${SENDGRAPH_TEST_PG_PORT:-54329}")"
            log "starting postgres on 127.0.0.1:$port"
            # TCP only (no unix socket: /var/run/postgresql may not exist or be writable);
            # fsync off because the data is throwaway and it makes tests faster.
            as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 start \
                -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2 \
                || { tail -n 30 "$data/server.log" >&2; return 1; }
        fi
        wait_for postgres "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres
        if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname='sendgraph_test'" | grep -q 1; then
            "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres sendgraph_test
        fi
        PG_PORT=$port
    }

    start_redis() {
        local port
        if redis_running; then
            port="$(cat "$var/redis.port")"
            log "redis already running on 127.0.0.1:$port"
        else
            port="$(free_port "${SENDGRAPH_TEST_REDIS_PORT:-63799}")"
            log "starting redis on 127.0.0.1:$port"
            mkdir -p "$var/redis"
            redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
                --daemonize yes --pidfile "$var/redis.pid" --logfile "$var/redis.log" --dir "$var/redis" >&2
            echo "$port" >"$var/redis.port"
        fi
        wait_for redis sh -c "redis-cli -h 127.0.0.1 -p $port ping | grep -q PONG"
        REDIS_PORT=$port
    }

    case "${1:-}" in
    start)
        install_missing
        pick_os_user
        local PG_PORT REDIS_PORT
        start_pg
        start_redis
        {
            echo "export SENDGRAPH_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/sendgraph_test"
            echo "export SENDGRAPH_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
        } >"$var/env"
        cat "$var/env"
        log "ready; env written to $var/env"
        ;;
    stop)
        pick_os_user
        local data; data="$(pg_data_dir)"
        if pg_running "$data"; then
            log "stopping postgres"
            as_pg "$(pg_bin)/pg_ctl" -D "$data" -w -t 30 stop -m fast >/dev/null
        fi
        if redis_running; then
            log "stopping redis"
            redis-cli -h 127.0.0.1 -p "$(cat "$var/redis.port")" shutdown nosave >/dev/null 2>&1 || true
        elif [ -f "$var/redis.pid" ] && grep -q redis "/proc/$(cat "$var/redis.pid")/comm" 2>/dev/null; then
            kill "$(cat "$var/redis.pid")" || true  # running but unreachable: stop it by pid
        fi
        rm -f "$var/redis.port" "$var/env"
        ;;
    status)
        pick_os_user
        pg_running "$(pg_data_dir)" && redis_running
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2; return 2 ;;
    esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    _svc_main "$@"
else
    # Sourced: run in a subshell so `set -e` and helpers don't leak, then load the exports.
    (set -euo pipefail; _svc_main "$@") >/dev/null \
        && { [ "${1:-}" != start ] || . "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/var/test-services/env"; }
fi
