# Helpers for bench/run: logging, statistics, psql, the bbm process and its API.
# Sourced, not run. Every function writes its result on stdout and its chatter on stderr.

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now() { date +%s.%N; }
# Seconds elapsed since a now() value, to the millisecond.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# remove_item ARRAY VALUE: ARRAY without its elements equal to VALUE.
remove_item() {
    local -n items=$1
    local item
    local -a kept=()
    for item in "${items[@]}"; do [[ $item == "$2" ]] || kept+=("$item"); done
    items=("${kept[@]}")
}

# ---- statistics over numbers on stdin, one per line -----------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Nearest-rank percentile: pctl 99.
pctl() { sort -g | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
    r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; print v[r] }'; }
# Arithmetic on numbers that may be "n/a": calc 'a / b' 1.5 2 → 0.75 (printf format optional).
calc() { local expr=$1 a=$2 b=${3:-0} fmt=${4:-%.2f}
    if [[ $a == n/a || $b == n/a ]]; then echo n/a; return; fi
    awk -v a="$a" -v b="$b" "BEGIN { if (\"$expr\" ~ /\\/ b/ && b == 0) { print \"n/a\"; exit } printf \"$fmt\", $expr }"; }
# Thousands separators for a markdown table.
thousands() { if [[ $1 == n/a ]]; then echo n/a; else printf '%.0f' "$1" | sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; fi; }

# ---- PostgreSQL -------------------------------------------------------------------------------
# sql 'SELECT …' → unaligned, tuples only, stops on the first error.
export PGOPTIONS="-c client_min_messages=warning"
sql() { psql "$DB_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }
sql_file() { psql "$DB_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }

free_port() {
    local p
    while :; do
        p=$(( 20000 + RANDOM % 20000 ))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

# ---- pgbench (sections 2 and 6), its files in $PGB ---------------------------------------------
pgbench_init() {
    log "pgbench -i -s $PGBENCH_SCALE"
    pgbench -i -q -s "$PGBENCH_SCALE" "$DB_URL" >"$PGB/init.log" 2>&1
}

# pgbench_run NAME SECONDS [OPTION …]: the TPC-B-like script, 4 clients on 2 threads, with 5 s
# progress reports (NAME.progress), its summary (NAME.out) and per-transaction logs (NAME.<pid>…).
pgbench_run() {
    local name=$1 seconds=$2; shift 2
    (cd "$PGB" && pgbench -c 4 -j 2 -T "$seconds" -P 5 --progress-timestamp -l --log-prefix="$name" "$@" \
        "$DB_URL" >"$name.out" 2>"$name.progress")
}

# pgbench_latencies NAME [FROM TO]: every transaction's latency (ms) in NAME's logs, one a line;
# with FROM and TO (epoch seconds), those that ended between them. Under -R a latency runs from the
# transaction's scheduled start, so it includes the time it waited behind schedule.
pgbench_latencies() {
    cat "$PGB/$1".[0-9]* | awk -v from="${2:-0}" -v to="${3:-1e18}" \
        '{ t = $5 + $6 / 1e6 } t >= from && t <= to { print $3 / 1000 }'
}

# ---- the bbm process ---------------------------------------------------------------------------
# start_bbm NAME DATA_DIR HTTP_PORT [PG_PORT | DATABASE_URL]: starts the packaged service in the
# background and sets BBM_PID: on its embedded PostgreSQL (on PG_PORT when given), or on
# DATABASE_URL (QUARKUS_DATASOURCE_REACTIVE_URL); with neither, on BENCH_DATABASE_URL when set.
BBM_PIDS=()
start_bbm() {
    local name=$1 dir=$2 http=$3 db=${4:-${BENCH_DATABASE_URL:-}} pg=
    local -a env=()
    if [[ $db == postgres*://* ]]; then
        env=(QUARKUS_DATASOURCE_REACTIVE_URL="$db")
    else
        pg=$db
    fi
    mkdir -p "$dir"
    # The same jar under a name of its own, so that whoever stops stray quarkus-run.jar processes
    # on a shared machine leaves the benchmark's alone.
    ln -sfn quarkus-run.jar "$ROOT/target/quarkus-app/bench-bbm.jar"
    env "${env[@]}" java -Dbbm.data-dir="$dir" ${pg:+-Dbbm.embedded.port=$pg} -Dquarkus.http.port="$http" \
        -Dbbm.security.admin-tokens="bench:$TOKEN" -jar "$ROOT/target/quarkus-app/bench-bbm.jar" \
        >"$OUT/logs/bbm-$name.log" 2>&1 &
    BBM_PID=$!
    BBM_PIDS+=("$BBM_PID")
}

# wait_http URL [SECONDS]: until it answers 200; fails when the process died or time ran out.
wait_http() {
    local url=$1 limit=${2:-120} t0; t0=$(now)
    while :; do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$url") == 200 ]] && return 0
        kill -0 "$BBM_PID" 2>/dev/null || die "bbm exited before $url answered; see $OUT/logs"
        (( $(awk -v s="$(since "$t0")" -v l="$limit" 'BEGIN { print (s > l) }') )) && die "$url not 200 after ${limit}s"
        sleep 0.05
    done
}

# stop_bbm [PID]: the bbm started as PID, by default BBM_PID.
stop_bbm() {
    local pid=${1:-${BBM_PID:-}}
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ $pid != "${BBM_PID:-}" ]] || BBM_PID=
    remove_item BBM_PIDS "$pid"
}

# At exit: every bbm still running, then every throwaway cluster.
stop_all() {
    while ((${#BBM_PIDS[@]})); do stop_bbm "${BBM_PIDS[0]}"; done
    while ((${#CLUSTERS[@]})); do stop_cluster "${CLUSTERS[0]}"; done
}

# ---- throwaway PostgreSQL clusters ---------------------------------------------------------------
# PostgreSQL's tools refuse to run as root: as root they run in a user namespace of their own, where
# the user is nobody (what the zonky library does for bbm's embedded server).
as_owner() { if ((EUID == 0)); then unshare -U "$@"; else "$@"; fi; }

# pg_bin_dir → the binaries for a throwaway cluster: those of bbm's embedded server when it runs
# (PostgreSQL 17, unpacked by zonky), else ones zonky unpacked before, else Debian's newest.
pg_bin_dir() {
    local pid dir
    if [[ -f $OUT/data/postgres/postmaster.pid ]]; then
        pid=$(head -1 "$OUT/data/postgres/postmaster.pid")
        dir=$(dirname "$(readlink "/proc/$pid/exe" 2>/dev/null || echo /nonexistent/postgres)")
        [[ -x $dir/initdb ]] && { echo "$dir"; return; }
    fi
    for dir in /tmp/embedded-pg/PG-*/bin $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V -r); do
        [[ -x $dir/initdb && -x $dir/pg_ctl ]] && { echo "$dir"; return; }
    done
    die "no PostgreSQL binaries (initdb, pg_ctl) for a throwaway cluster"
}

# start_cluster BIN_DIR DATA_DIR PORT [SETTING=VALUE …]: initdb and pg_ctl start, on 127.0.0.1:PORT
# with the settings; stopped by stop_cluster DATA_DIR (or at exit).
CLUSTERS=()
declare -A CLUSTER_BIN=()
start_cluster() {
    local bin=$1 dir=$2 port=$3 setting opts; shift 3
    as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 >"$OUT/logs/initdb-${dir##*/}.log" 2>&1 ||
        die "initdb failed: $OUT/logs/initdb-${dir##*/}.log"
    opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir"
    for setting; do opts+=" -c $setting"; done
    CLUSTERS+=("$dir")
    CLUSTER_BIN[$dir]=$bin
    as_owner "$bin/pg_ctl" -D "$dir" -o "$opts" -l "$OUT/logs/postgres-${dir##*/}.log" -w -t 120 start >/dev/null ||
        die "the cluster in $dir did not start: $OUT/logs/postgres-${dir##*/}.log"
}

stop_cluster() {
    as_owner "${CLUSTER_BIN[$1]}/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
    remove_item CLUSTERS "$1"
}

# ---- bbm's API ------------------------------------------------------------------------------------
api() { # api METHOD PATH [JSON] → body on stdout, HTTP status in $API_STATUS_FILE
    local method=$1 path=$2 body=${3:-}
    curl -s -X "$method" -H "PRIVATE-TOKEN: $TOKEN" -H 'Content-Type: application/json' \
        ${body:+-d "$body"} -o "$OUT/.api-body" -w '%{http_code}' "$API_BASE$path" >"$OUT/.api-status"
    cat "$OUT/.api-body"
}
api_status() { cat "$OUT/.api-status"; }

settings() { # settings MAX_RUNNING
    api PUT /api/v4/application/settings \
        "{\"database_max_running_batched_background_migrations\": $1, \"execute_batched_migrations_on_schedule\": true}" >/dev/null
    [[ $(api_status) == 200 ]] || die "settings refused: $(cat "$OUT/.api-body")"
}

# queue_copy TABLE SOURCE TARGET PAUSE_MS INTERVAL OPTIMIZE(true|false) → the migration id in
# QUEUED (not on stdout: OPTIMIZE_FIELD must outlive the call), or "unavailable" when bbm refuses
# the optimize field (the optimizer is not merged yet).
# A fixed-size run (optimize false) on a bbm without the field goes ahead without it: that is
# the only behaviour such a bbm has.
OPTIMIZE_FIELD=unknown
queue_copy() {
    local table=$1 source=$2 target=$3 pause=$4 interval=$5 optimize=$6 body reply
    body="\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"table_name\":\"$table\",\"column_name\":\"id\",
          \"job_arguments\":[[\"$source\"],[\"$target\"]],\"batch_size\":$BATCH,\"sub_batch_size\":$SUB_BATCH,
          \"interval\":$interval,\"pause_ms\":$pause"
    if [[ $OPTIMIZE_FIELD != absent ]]; then
        reply=$(api POST /api/v4/admin/batched_background_migrations "{$body,\"optimize\":$optimize}")
        if [[ $(api_status) == 400 && $reply == *optimize* ]]; then
            OPTIMIZE_FIELD=absent
            log "bbm refuses the \"optimize\" field: optimizer not available yet"
        else
            OPTIMIZE_FIELD=present
        fi
    fi
    if [[ $OPTIMIZE_FIELD == absent ]]; then
        [[ $optimize == true ]] && { QUEUED=unavailable; return; }
        reply=$(api POST /api/v4/admin/batched_background_migrations "{$body}")
    fi
    [[ $(api_status) == 201 || $(api_status) == 200 ]] || die "queue refused ($(api_status)): $reply"
    QUEUED=$(jq -r .id <<<"$reply")
}

migration_status() { api GET "/api/v4/admin/batched_background_migrations/$1" | jq -r .status; }

# wait_finished ID [SECONDS]
wait_finished() {
    local id=$1 limit=${2:-3600} t0 status; t0=$(now)
    while :; do
        status=$(migration_status "$id")
        case $status in
            finished|finalized) return 0 ;;
            failed) die "migration $id failed: $(api GET "/api/v4/admin/batched_background_migrations/$id/jobs?status=failed" | head -c 2000)" ;;
        esac
        (( $(awk -v s="$(since "$t0")" -v l="$limit" 'BEGIN { print (s > l) }') )) && die "migration $id not finished after ${limit}s"
        sleep 0.2
    done
}

# ---- markdown ---------------------------------------------------------------------------------------
md() { printf '%s\n' "$@" >>"$REPORT"; }
