# shellcheck shell=bash
# Section 1: throughput of bbm against hand-written SQL and Spring Batch, over a grid of batch /
# sub-batch sizes, with fsync on and/or off; then bbm's per-job bookkeeping.
# Sourced by bench/run. Each run gets a freshly loaded table (ids with gaps), vacuumed and
# checkpointed, so that every method starts from the same state.

METHODS="a b c d e f"
declare -A METHOD_NAME=([a]="(a) one UPDATE" [b]="(b) hand-written batched loop" [c]="(c) bbm, fixed size"
                        [d]="(d) bbm, optimizer" [e]="(e) Spring Batch, chunks" [f]="(f) Spring Batch, key ranges")
THROUGHPUT=$OUT/throughput.tsv
printf 'fsync\tgrid\tsize\trep\tmethod\tseconds\tbbm_clock\trows\tmigration\n' >"$THROUGHPUT"

# ---- the servers: one per fsync mode, each with its bbm ------------------------------------------------
# use_target MODE points sql, api and wait_http at that mode's PostgreSQL and bbm; "main" is the
# bbm of the other sections.
declare -A TARGET_DB=([main]=$DB_URL) TARGET_API=([main]=$API_BASE) TARGET_PID=([main]=$BBM_PID) TARGET_LABEL=()
use_target() { DB_URL=${TARGET_DB[$1]} API_BASE=${TARGET_API[$1]} BBM_PID=${TARGET_PID[$1]}; }

# fsync off: a throwaway cluster in the run's directory, with a second bbm on it.
start_fsync_off() {
    local bin port http
    bin=$(pg_bin_dir) port=$(free_port) http=$(free_port)
    log "1: starting a PostgreSQL with fsync off on :$port ($bin)"
    start_cluster "$bin" "$OUT/pg-fsync-off" "$port" fsync=off synchronous_commit=off full_page_writes=off \
        max_connections=200 timezone=UTC
    TARGET_DB[off]=postgresql://postgres@127.0.0.1:$port/postgres
    TARGET_API[off]=http://127.0.0.1:$http
    TARGET_LABEL[off]="a throwaway cluster (\`initdb\` and \`pg_ctl\` from \`$bin\`)"
    start_bbm fsync-off "$OUT/data-fsync-off" "$http" "${TARGET_DB[off]}"
    TARGET_PID[off]=$BBM_PID
    use_target off
    wait_http "$API_BASE/q/health/ready" 180
    settings 2
}

# prepare_target MODE: the loop's procedure and a warm bbm (JIT) on that mode's server, so that the
# measured migrations do not pay for the warm-up; the label of its tables in the report.
prepare_target() {
    use_target "$1"
    sql_file -f "$BENCH_DIR/sql/batched_copy.sql"
    sql_file -v table=bench_warmup -v rows=200000 -v extra_columns= -f "$BENCH_DIR/sql/load_table.sql" >/dev/null
    log "1: warming bbm up (fsync $1)"
    queue_copy bench_warmup a b 0 0 false
    wait_finished "$QUEUED"
    sql "DROP TABLE bench_warmup"
    TARGET_LABEL[$1]="fsync $(sql 'SHOW fsync'), synchronous_commit $(sql 'SHOW synchronous_commit'), full_page_writes $(sql 'SHOW full_page_writes'): PostgreSQL $(sql 'SHOW server_version'), ${TARGET_LABEL[$1]:-$TARGET}; shared_buffers $(sql 'SHOW shared_buffers'), max_wal_size $(sql 'SHOW max_wal_size')"
}

for mode in $FSYNC_MODES; do
    case $mode in
        on) TARGET_DB[on]=$DB_URL TARGET_API[on]=$API_BASE TARGET_PID[on]=$BBM_PID ;;
        off) start_fsync_off ;;
        *) die "BENCH_FSYNC: \"on\", \"off\" or \"on off\", not \"$FSYNC_MODES\"" ;;
    esac
    prepare_target "$mode"
done

# ---- the runs ------------------------------------------------------------------------------------------
# record MODE GRID SIZE REP METHOD SECONDS [BBM_CLOCK ROWS MIGRATION]: one line in $THROUGHPUT.
record() { local -a f=("$@" "" "" ""); printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${f[@]:0:9}" >>"$THROUGHPUT"; }

# run_method MODE GRID SIZE REP METHOD: one copy, timed as its user sees it. (a), (b): the psql call.
# (c), (d): from just before the queue request to the migration's finished_at (this machine's clock,
# which the local PostgreSQL shares; read once wait_finished sees it finished, so the polling adds
# nothing); bbm's own clock (finished_at - started_at) beside it. (e), (f): the program's own figure,
# from just before JobOperator.start to its return, after a warm-up job in the same JVM.
run_method() {
    local mode=$1 grid=$2 n=$3 rep=$4 m=$5
    local BATCH=${grid%/*} SUB_BATCH=${grid#*/}  # what queue_copy sends
    # A table name of its own: bbm answers a queue request for a table, column and arguments it
    # already migrated with that migration.
    local table="bench_t${n}_${BATCH}x${SUB_BATCH}_r${rep}_$m" t0 secs own='' id='' rows finished
    if [[ $m == d && $OPTIMIZE_FIELD == absent ]]; then
        record "$mode" "$grid" "$n" "$rep" "$m" unavailable
        return
    fi
    # Spring Batch's warm-up table, loaded first so that the measured table's CHECKPOINT covers it.
    [[ $m == [ef] ]] && sql_file -v table="${table}_warmup" -v rows=200000 -v extra_columns= \
        -f "$BENCH_DIR/sql/load_table.sql" >/dev/null
    sql_file -v table="$table" -v rows="$n" -v extra_columns= -f "$BENCH_DIR/sql/load_table.sql" >/dev/null
    rows=$(sql "SELECT count(*) FROM $table")
    log "1: fsync $mode, $grid, N=$n rep $rep ${METHOD_NAME[$m]}: $rows rows"
    case $m in
        a|b)
            t0=$(now)
            if [[ $m == a ]]; then
                sql "UPDATE $table SET b = a" >/dev/null
            else
                sql "CALL bench_batched_copy('$table', 'a', 'b', $BATCH, $SUB_BATCH)" >/dev/null
            fi
            secs=$(since "$t0") ;;
        c|d)
            t0=$(now)
            queue_copy "$table" a b 0 0 "$([[ $m == d ]] && echo true || echo false)"
            id=$QUEUED
            if [[ $id == unavailable ]]; then
                record "$mode" "$grid" "$n" "$rep" "$m" unavailable
                sql "DROP TABLE $table"
                return
            fi
            wait_finished "$id"
            IFS='|' read -r finished own < <(sql "SELECT extract(epoch FROM finished_at),
                round(extract(epoch FROM finished_at - started_at)::numeric, 3) FROM batched_background_migrations WHERE id = $id")
            secs=$(calc 'a - b' "$finished" "$t0" %.3f) ;;
        e|f)
            echo "== fsync $mode, $grid, N=$n rep $rep ${METHOD_NAME[$m]}" >>"$OUT/logs/spring-batch.log"
            secs=$(java -jar "$SPRING_BATCH_JAR" "$([[ $m == e ]] && echo chunk || echo ranges)" "$DB_URL" \
                "$table" "${table}_warmup" "$SUB_BATCH" 2>>"$OUT/logs/spring-batch.log") ||
                die "Spring Batch failed: $OUT/logs/spring-batch.log"
            sql "DROP TABLE ${table}_warmup" ;;
    esac
    [[ $(sql "SELECT count(*) FROM $table WHERE b IS DISTINCT FROM a") == 0 ]] || die "$table: not every row copied"
    record "$mode" "$grid" "$n" "$rep" "$m" "$secs" "$own" "$rows" "$id"
    sql "DROP TABLE $table"
}

# The methods of one repetition run one after another, in both modes, so that they share the
# machine's state (other work on it, the page cache).
for n in $SIZES; do
    for grid in $GRID; do
        for rep in $(seq "$REPS"); do
            for mode in $FSYNC_MODES; do
                use_target "$mode"
                for m in $METHODS; do
                    run_method "$mode" "$grid" "$n" "$rep" "$m"
                done
            done
        done
    done
done

# ---- the report ----------------------------------------------------------------------------------------
# values_of MODE GRID SIZE METHOD [COLUMN (6 seconds, 7 bbm's own clock)] → one a line
values_of() {
    awk -F'\t' -v f="$1" -v g="$2" -v n="$3" -v m="$4" -v c="${5:-6}" \
        '$1 == f && $2 == g && $3 == n && $5 == m && $c != "" && $c != "unavailable" { print $c }' "$THROUGHPUT"
}
median_of() { values_of "$@" | median; }
rows_of() { awk -F'\t' -v f="$1" -v n="$2" '$1 == f && $3 == n && $8 != "" { print $8; exit }' "$THROUGHPUT"; }
# vs MODE GRID SIZE BBM OTHER → OTHER's median seconds over BBM's: bbm's speed as a multiple of OTHER's.
vs() { calc 'a / b' "$(median_of "$1" "$2" "$3" "$5")" "$(median_of "$1" "$2" "$3" "$4")"; }

md "## 1. Throughput: bbm against hand-written SQL and Spring Batch" "" \
   "Table \`(id bigserial primary key, a int, b bigint)\`, N ids of which every 7th is deleted, freshly" \
   "loaded, \`VACUUM (ANALYZE)\` and \`CHECKPOINT\` before each run; every method copies \`a\` into \`b\`, one" \
   "commit per sub-batch (but (a)), and every run is checked to have copied every row:" "" \
   "- (a) one \`UPDATE t SET b = a\`;" \
   "- (b) a PL/pgSQL procedure (\`bench/sql/batched_copy.sql\`): bbm's keyset walk (a batch is the next" \
   "  *batch* existing ids, cut into sub-batches of the next *sub-batch* ids), \`UPDATE … WHERE id BETWEEN\`" \
   "  and \`COMMIT\` per sub-batch;" \
   "- (c) bbm with \`\"optimize\": false\`, (d) with \`\"optimize\": true\`, \`interval\` 0 and \`pause_ms\` 0;" \
   "- (e) Spring Batch 6.0.6 (\`bench/spring-batch\`), a chunk-oriented step: \`JdbcPagingItemReader\` of" \
   "  \`id, a\` (sort key \`id\`, page size = sub-batch), \`JdbcBatchItemWriter\` with" \
   "  \`UPDATE t SET b = :a WHERE id = :id\`, commit interval = sub-batch;" \
   "- (f) Spring Batch, items are key ranges (the next sub-batch existing ids, as (b) cuts them), each" \
   "  written with one \`UPDATE t SET b = a WHERE id BETWEEN ? AND ?\`, one range per chunk." "" \
   "Spring Batch's JDBC job repository lives in the same database; each (e) and (f) run starts a JVM" \
   "that runs the same job on a 200,000-id table first (warm-up, then \`CHECKPOINT\`). bbm is warmed up" \
   "once per server. Times are the user's: (a), (b) the \`psql\` call; (c), (d) from just before the" \
   "queue request to the migration's \`finished_at\` (bbm's own clock, \`finished_at - started_at\`, listed" \
   "beside it); (e), (f) from just before \`JobOperator.start\` to its return. Medians of $REPS runs, each" \
   "run listed; the methods of one repetition run one after another, in every fsync mode. *x vs y* is" \
   "y's median seconds over x's: bbm's speed as a multiple of y's (≥ 1: bbm faster)." ""

for mode in $FSYNC_MODES; do
    md "### fsync $mode" "" "${TARGET_LABEL[$mode]}." "" \
       "| batch / sub-batch | N | rows | method | runs (s) | median (s) | rows/s | bbm's own clock, median (s) | (c) vs this | (d) vs this |" \
       "|---|---:|---:|---|---|---:|---:|---:|---:|---:|"
    for grid in $GRID; do
        for n in $SIZES; do
            rows=$(rows_of "$mode" "$n")
            for m in $METHODS; do
                med=$(median_of "$mode" "$grid" "$n" "$m")
                cells="| $grid | $(thousands "$n") | $(thousands "$rows") | ${METHOD_NAME[$m]} |"
                if [[ $med == n/a ]]; then
                    md "$cells optimizer not available yet | | | | | |"
                    continue
                fi
                own=; [[ $m == [cd] ]] && own=$(median_of "$mode" "$grid" "$n" "$m" 7)
                md "$cells $(values_of "$mode" "$grid" "$n" "$m" | paste -sd, | sed 's/,/, /g') | $med | $(thousands "$(calc 'a / b' "$rows" "$med")") | $own | $(vs "$mode" "$grid" "$n" c "$m") | $(vs "$mode" "$grid" "$n" d "$m") |"
            done
        done
    done
    md ""
done

md "### Summary" "" "Median seconds, and bbm's speed as a multiple of the others'." "" \
   "| fsync | batch / sub-batch | N | (a) | (b) | (c) | (d) | (e) | (f) | (c) vs (b) | (d) vs (b) | (c) vs (e) | (c) vs (f) | (d) vs (e) | (d) vs (f) |" \
   "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for mode in $FSYNC_MODES; do
    for grid in $GRID; do
        for n in $SIZES; do
            line="| $mode | $grid | $(thousands "$n") |"
            for m in $METHODS; do line+=" $(median_of "$mode" "$grid" "$n" "$m") |"; done
            for pair in c/b d/b c/e c/f d/e d/f; do line+=" $(vs "$mode" "$grid" "$n" "${pair%/*}" "${pair#*/}") |"; done
            md "$line"
        done
    done
done

if [[ $FSYNC_MODES == *on* && $FSYNC_MODES == *off* ]]; then
    md "" "fsync on against off in this run: each method's median with fsync on over its median with fsync off" \
       "(how many times longer durable commits make it)." "" \
       "| batch / sub-batch | N | (a) | (b) | (c) | (d) | (e) | (f) |" "|---|---:|---:|---:|---:|---:|---:|---:|"
    for grid in $GRID; do
        for n in $SIZES; do
            line="| $grid | $(thousands "$n") |"
            for m in $METHODS; do
                line+=" $(calc 'a / b' "$(median_of on "$grid" "$n" "$m")" "$(median_of off "$grid" "$n" "$m")" '%.2f×') |"
            done
            md "$line"
        done
    done
fi

first=${SIZES%% *}
if [[ $SIZES != "$first" ]]; then
    md "" "Growth: median time at each larger N over the time at N = $(thousands "$first") (linear would be$(for n in ${SIZES#* }; do printf ' %s' "$(calc 'a / b' "$n" "$first" '%.0f×')"; done))." "" \
       "| fsync | batch / sub-batch | (a) | (b) | (c) | (d) | (e) | (f) |" "|---|---|---|---|---|---|---|---|"
    for mode in $FSYNC_MODES; do
        for grid in $GRID; do
            line="| $mode | $grid |"
            for m in $METHODS; do
                cell=
                for n in ${SIZES#* }; do
                    cell+="${cell:+ / }$(calc 'a / b' "$(median_of "$mode" "$grid" "$n" "$m")" "$(median_of "$mode" "$grid" "$first" "$m")" '%.2f×')"
                done
                line+=" $cell |"
            done
            md "$line"
        done
    done
fi

# ---- bookkeeping per job -----------------------------------------------------------------------------------
# In-job overhead: the job's wall time (started_at to finished_at) minus its sub-batches' own
# timings; a sub-batch's timing runs from the answer to the one before it (or the sending of its
# pipelined group) to the answer to its COMMIT, so what remains is the job's own bookkeeping (its
# success transition with the metrics, the round trips between groups). Between jobs: from one
# job's finish to the next one's start (the runner's step: the reads that choose the next step,
# the keyset walk that cuts the next batch and its sub-batches, the job insert).
md "" "### Bookkeeping per job" "" \
   "From \`batched_background_migration_jobs\` of the bbm runs above (target: in-job median < 2 ms)." \
   "*Sub-batch*: each sub-batch's time, \`metrics->'timings'->'sub_batch'\`, from the answer to the one" \
   "before it (or the sending of its pipelined group) to the answer to its \`COMMIT\`; the hand-written" \
   "loop's time per sub-batch is its median run time over the same number of sub-batches. *In job*:" \
   "\`finished_at - started_at\` minus the job's sub-batch times (the job's success transition with its" \
   "metrics and transition log, the round trips between pipelined groups). *Between jobs*: from a job's" \
   "\`finished_at\` to the next job's \`started_at\` (the reads that choose the next step, the keyset walk" \
   "that cuts the next batch into sub-batches — which the loop does too, in its range queries —, the" \
   "job's insert with its transition log). *Per job*: the two together." "" \
   "| fsync | batch / sub-batch | N | method | jobs | batch sizes | in job median (ms) | in job p95 (ms) | in job per sub-batch, median (ms) | between jobs median (ms) | between jobs p95 (ms) | per job, median (ms) | sub-batch median (ms) | loop per sub-batch (ms) | share of bbm time in sub-batches |" \
   "|---|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for mode in $FSYNC_MODES; do
    use_target "$mode"
    for grid in $GRID; do
        for n in $SIZES; do
            for m in c d; do
                ids=$(awk -F'\t' -v f="$mode" -v g="$grid" -v n="$n" -v m="$m" \
                    '$1 == f && $2 == g && $3 == n && $5 == m && $9 != "" { printf "%s%s", sep, $9; sep = "," }' "$THROUGHPUT")
                [[ -n $ids ]] || continue
                IFS=$'\t' read -r jobs sizes in_med in_p95 in_per_sub gap_med gap_p95 per_job sub_med subs share < <(sql "
                    WITH j AS (
                        SELECT extract(epoch FROM finished_at - started_at) * 1000
                                 - (SELECT sum(x::float8) FROM jsonb_array_elements_text(metrics #> '{timings,sub_batch}') x) * 1000 AS in_job,
                               extract(epoch FROM started_at - lag(finished_at) OVER (PARTITION BY batched_background_migration_id ORDER BY id)) * 1000 AS gap,
                               jsonb_array_length(metrics #> '{timings,sub_batch}') AS subs,
                               (SELECT sum(x::float8) FROM jsonb_array_elements_text(metrics #> '{timings,sub_batch}') x) AS sub_seconds
                        FROM batched_background_migration_jobs
                        WHERE batched_background_migration_id IN ($ids) AND status = 3),
                    s AS (SELECT x::float8 * 1000 AS ms FROM batched_background_migration_jobs,
                                 jsonb_array_elements_text(metrics #> '{timings,sub_batch}') x
                          WHERE batched_background_migration_id IN ($ids) AND status = 3),
                    m AS (SELECT sum(extract(epoch FROM finished_at - started_at)) AS seconds FROM batched_background_migrations WHERE id IN ($ids))
                    SELECT count(*),
                           (SELECT min(batch_size) || '–' || max(batch_size) FROM batched_background_migration_jobs
                            WHERE batched_background_migration_id IN ($ids) AND status = 3),
                           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY in_job)::numeric, 2),
                           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY in_job)::numeric, 2),
                           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY in_job / subs)::numeric, 2),
                           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)::numeric, 2),
                           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY gap)::numeric, 2),
                           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY in_job + gap)::numeric, 2),
                           (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) FROM s),
                           sum(subs) / $REPS,
                           round((100 * sum(sub_seconds) / (SELECT seconds FROM m))::numeric, 1) || ' %'
                    FROM j" | tr '|' '\t')
                loop=$(calc 'a * 1000 / b' "$(median_of "$mode" "$grid" "$n" b)" "$subs")
                md "| $mode | $grid | $(thousands "$n") | ${METHOD_NAME[$m]} | $jobs | $sizes | $in_med | $in_p95 | $in_per_sub | $gap_med | $gap_p95 | $per_job | $sub_med | $loop | $share |"
            done
        done
    done
done
md ""
for mode in $FSYNC_MODES; do
    use_target "$mode"
    md "Migrations put on hold by bbm's database-health indicators during these runs, fsync $mode: $(sql "SELECT count(*) FROM batched_background_migrations WHERE on_hold_until IS NOT NULL")."
done
md ""

# Back to the main bbm for the other sections; the fsync-off server is no longer needed.
if [[ -n ${TARGET_PID[off]:-} ]]; then
    stop_bbm "${TARGET_PID[off]}"
    stop_cluster "$OUT/pg-fsync-off"
fi
use_target main
