# Section 1: throughput of bbm against hand-written SQL, and bbm's per-job bookkeeping.
# Sourced by bench/run. Each run gets a freshly loaded table (ids with gaps), vacuumed and
# checkpointed, so that every method starts from the same state.

sql_file -f "$BENCH_DIR/sql/batched_copy.sql"

declare -A METHOD_NAME=([a]="(a) one UPDATE" [b]="(b) hand-written batched loop" [c]="(c) bbm, fixed size" [d]="(d) bbm, optimizer")
THROUGHPUT=$OUT/throughput.tsv
printf 'size\trep\tmethod\tseconds\twall\trows\tmigration\n' >"$THROUGHPUT"

# run_method SIZE REP METHOD → one line in $THROUGHPUT
run_method() {
    local n=$1 rep=$2 m=$3 table="bench_t${1}_r${2}_$3" t0 secs wall id=
    if [[ $m == d && $OPTIMIZE_FIELD == absent ]]; then
        printf '%s\t%s\t%s\tunavailable\t\t\t\n' "$n" "$rep" "$m" >>"$THROUGHPUT"
        return
    fi
    sql_file -v table="$table" -v rows="$n" -v extra_columns= -f "$BENCH_DIR/sql/load_table.sql" >/dev/null
    local rows; rows=$(sql "SELECT count(*) FROM $table")
    log "1: N=$n rep $rep ${METHOD_NAME[$m]}: $rows rows"
    t0=$(now)
    case $m in
        a) sql "UPDATE $table SET b = a" >/dev/null ;;
        b) sql "CALL bench_batched_copy('$table', 'a', 'b', $BATCH, $SUB_BATCH)" >/dev/null ;;
        c|d)
            queue_copy "$table" a b 0 0 "$([[ $m == d ]] && echo true || echo false)"
            id=$QUEUED
            if [[ $id == unavailable ]]; then
                printf '%s\t%s\t%s\tunavailable\t\t\t\n' "$n" "$rep" "$m" >>"$THROUGHPUT"
                sql "DROP TABLE $table"
                return
            fi
            wait_finished "$id" ;;
    esac
    wall=$(since "$t0")
    secs=$wall
    # bbm's own clock: from its first batch to the finish, without the wait for the scheduler's tick.
    [[ -n $id ]] && secs=$(sql "SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 3)
                                FROM batched_background_migrations WHERE id = $id")
    [[ $(sql "SELECT count(*) FROM $table WHERE b IS DISTINCT FROM a") == 0 ]] || die "$table: not every row copied"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" "$m" "$secs" "$wall" "$rows" "$id" >>"$THROUGHPUT"
    sql "DROP TABLE $table"
}

# A first migration warms bbm's JVM up (JIT), so the measured ones do not pay for it.
sql_file -v table=bench_warmup -v rows=200000 -v extra_columns= -f "$BENCH_DIR/sql/load_table.sql" >/dev/null
log "1: warming bbm up"
queue_copy bench_warmup a b 0 0 false
wait_finished "$QUEUED"
sql "DROP TABLE bench_warmup"

for n in $SIZES; do
    for rep in $(seq "$REPS"); do
        for m in a b c d; do
            run_method "$n" "$rep" "$m"
        done
    done
done

# median_of SIZE METHOD COLUMN(4 = seconds, 5 = wall) → median, or n/a
median_of() { awk -F'\t' -v n="$1" -v m="$2" -v c="$3" '$1 == n && $3 == m && $c != "unavailable" { print $c }' "$THROUGHPUT" | median; }
rows_of() { awk -F'\t' -v n="$1" '$1 == n && $6 != "" { print $6; exit }' "$THROUGHPUT"; }

md "## 1. Throughput: bbm against hand-written SQL" "" \
   "Table \`(id bigserial primary key, a int, b bigint)\`, N ids of which every 7th is deleted, freshly" \
   "loaded, \`VACUUM (ANALYZE)\` and \`CHECKPOINT\` before each run; the job copies \`a\` into \`b\`." \
   "Batch $BATCH / sub-batch $SUB_BATCH; bbm with \`interval\` 0 and \`pause_ms\` 0. Seconds are medians of $REPS runs" \
   "(each run listed); bbm's are its own clock (\`finished_at - started_at\` of the migration), its wall" \
   "time from the queue request to \`finished\` seen by polling is listed too." "" \
   "| N | rows | method | runs (s) | median (s) | rows/s | bbm wall median (s) |" "|---:|---:|---|---|---:|---:|---:|"
for n in $SIZES; do
    rows=$(rows_of "$n")
    for m in a b c d; do
        runs=$(awk -F'\t' -v n="$n" -v m="$m" '$1 == n && $3 == m { printf "%s%s", sep, $4; sep = ", " }' "$THROUGHPUT")
        med=$(median_of "$n" "$m" 4)
        if [[ $med == n/a ]]; then
            md "| $(thousands "$n") | $(thousands "$rows") | ${METHOD_NAME[$m]} | optimizer not available yet | | | |"
            continue
        fi
        wall=; [[ $m == c || $m == d ]] && wall=$(median_of "$n" "$m" 5)
        md "| $(thousands "$n") | $(thousands "$rows") | ${METHOD_NAME[$m]} | $runs | $med | $(thousands "$(calc 'a / b' "$rows" "$med")") | $wall |"
    done
done

md "" "Ratios of medians, bbm's rows/s over the baseline's (target: bbm ≥ 0.9× the hand-written loop):" "" \
   "| N | (c) / (a) | (c) / (b) | (d) / (a) | (d) / (b) | (d) / (c) |" "|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
    a=$(median_of "$n" a 4) b=$(median_of "$n" b 4) c=$(median_of "$n" c 4) d=$(median_of "$n" d 4)
    md "| $(thousands "$n") | $(calc 'a / b' "$a" "$c") | $(calc 'a / b' "$b" "$c") | $(calc 'a / b' "$a" "$d") | $(calc 'a / b' "$b" "$d") | $(calc 'a / b' "$c" "$d") |"
done

first=${SIZES%% *}
md "" "Growth: median time at each N over the time at N = $(thousands "$first") (linear would be N / $(thousands "$first")):" ""
header="| method |" rule="|---|"
for n in $SIZES; do header+=" $(thousands "$n") |"; rule+="---:|"; done
md "$header" "$rule"
for m in a b c d; do
    line="| ${METHOD_NAME[$m]} |"
    for n in $SIZES; do line+=" $(calc 'a / b' "$(median_of "$n" "$m" 4)" "$(median_of "$first" "$m" 4)" '%.2f×') |"; done
    md "$line"
done

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
   "| N | method | jobs | batch sizes | in job median (ms) | in job p95 (ms) | in job per sub-batch, median (ms) | between jobs median (ms) | between jobs p95 (ms) | per job, median (ms) | sub-batch median (ms) | loop per sub-batch (ms) | share of bbm time in sub-batches |" \
   "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
    for m in c d; do
        ids=$(awk -F'\t' -v n="$n" -v m="$m" '$1 == n && $3 == m && $7 != "" { printf "%s%s", sep, $7; sep = "," }' "$THROUGHPUT")
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
        loop=$(calc 'a * 1000 / b' "$(median_of "$n" b 4)" "$subs")
        md "| $(thousands "$n") | ${METHOD_NAME[$m]} | $jobs | $sizes | $in_med | $in_p95 | $in_per_sub | $gap_med | $gap_p95 | $per_job | $sub_med | $loop | $share |"
    done
done
holds=$(sql "SELECT count(*) FROM batched_background_migrations WHERE on_hold_until IS NOT NULL")
md "" "Migrations put on hold by bbm's database-health indicators during these runs: $holds." ""
