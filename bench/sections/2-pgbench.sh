# Section 2: what bbm does to a live workload. pgbench's TPC-B-like script in the same database,
# alone, then while bbm copies a large table at full speed, then with the gentle setting.
# Sourced by bench/run.

PGB=$OUT/pgbench
mkdir -p "$PGB"
pgbench_init
# The full-speed phase copies into several columns one migration after another (one migration per
# table at a time), so that it never runs out of work before pgbench stops.
sql_file -v table=bench_live_full -v rows="$LIVE_ROWS" -v extra_columns=', b2 bigint, b3 bigint' \
    -f "$BENCH_DIR/sql/load_table.sql" >/dev/null
sql_file -v table=bench_live_gentle -v rows="$LIVE_ROWS" -v extra_columns= -f "$BENCH_DIR/sql/load_table.sql" >/dev/null

# pgbench_phase NAME: one pgbench run with per-transaction logs; prints its window as "from to".
pgbench_phase() {
    local name=$1
    sql "CHECKPOINT"
    log "2: pgbench $name (${PGBENCH_SECONDS}s)"
    local from; from=$(sql "SELECT now()")
    pgbench_run "$name" "$PGBENCH_SECONDS"
    PHASE_WINDOW=("$from" "$(sql "SELECT now()")")
}

# The summary of one phase: TPS, median TPS of the 5 s intervals, p50 and p99 latency (ms).
phase_stats() {
    local name=$1 tps interval_tps p50 p99
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$PGB/$name.out" | head -1)
    interval_tps=$(awk '/^progress:/ { for (i = 1; i <= NF; i++) if ($(i) == "tps,") print $(i - 1) }' "$PGB/$name.progress" | median)
    pgbench_latencies "$name" >"$PGB/$name.latencies"
    p50=$(pctl 50 <"$PGB/$name.latencies")
    p99=$(pctl 99 <"$PGB/$name.latencies")
    printf '%.1f %.1f %.2f %.2f %s\n' "$tps" "$interval_tps" "$p50" "$p99" "$(wc -l <"$PGB/$name.latencies")"
}

# Rows bbm changed in a window, from its sub-batches' affected rows in jobs finished in it.
bbm_rows_in_window() {
    sql "SELECT coalesce(sum((SELECT sum(x::bigint) FROM jsonb_array_elements_text(metrics #> '{affected_rows,sub_batch}') x)), 0)
         FROM batched_background_migration_jobs j JOIN batched_background_migrations m ON m.id = j.batched_background_migration_id
         WHERE m.table_name = '$1' AND j.finished_at BETWEEN '$2' AND '$3'"
}

# Queues migrations on TABLE, waits until bbm works on the first, runs the phase, pauses them.
phase_with_bbm() {
    local name=$1 table=$2 pause=$3 interval=$4; shift 4
    local -a ids=()
    for target in "$@"; do
        queue_copy "$table" a "$target" "$pause" "$interval" false
        ids+=("$QUEUED")
    done
    until [[ $(api GET "/api/v4/admin/batched_background_migrations/${ids[0]}" | jq -r '.jobs.running + .jobs.succeeded') -gt 0 ]]; do
        sleep 0.1
    done
    pgbench_phase "$name"
    for id in "${ids[@]}"; do api PUT "/api/v4/admin/batched_background_migrations/$id/pause" >/dev/null; done
    BBM_ROWS=$(bbm_rows_in_window "$table" "${PHASE_WINDOW[@]}")
    BBM_STATES=$(for id in "${ids[@]}"; do migration_status "$id"; done | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
    # Let the running batch complete, so that the next phase starts without it.
    until [[ $(sql "SELECT count(*) FROM batched_background_migration_jobs WHERE status = 1") == 0 ]]; do sleep 0.2; done
}

pgbench_phase alone
read -r alone_tps alone_itps alone_p50 alone_p99 alone_n < <(phase_stats alone)
phase_with_bbm full bench_live_full 0 0 b b2 b3
full_rows=$BBM_ROWS full_states=$BBM_STATES
read -r full_tps full_itps full_p50 full_p99 full_n < <(phase_stats full)
phase_with_bbm gentle bench_live_gentle 100 1 b
gentle_rows=$BBM_ROWS gentle_states=$BBM_STATES
read -r gentle_tps gentle_itps gentle_p50 gentle_p99 gentle_n < <(phase_stats gentle)
sql "DROP TABLE bench_live_full, bench_live_gentle"
# Alone again: the machine may have changed meanwhile (other work, pgbench's own tables grown);
# the ratios are taken against the mean of the two alone phases.
pgbench_phase alone_after
read -r after_tps after_itps after_p50 after_p99 after_n < <(phase_stats alone_after)
base_tps=$(calc '(a + b) / 2' "$alone_tps" "$after_tps" '%.1f')
base_p50=$(calc '(a + b) / 2' "$alone_p50" "$after_p50" '%.3f')
base_p99=$(calc '(a + b) / 2' "$alone_p99" "$after_p99" '%.3f')

md "## 2. Impact on a live workload (pgbench)" "" \
   "\`pgbench -i -s $PGBENCH_SCALE\` in the same database, then three phases of" \
   "\`pgbench -c 4 -j 2 -T $PGBENCH_SECONDS -P 5 --progress-timestamp -l\` (TPC-B-like), each after a \`CHECKPOINT\`:" \
   "alone; while bbm copies a $(thousands "$LIVE_ROWS")-id table (every 7th deleted) at full speed" \
   "(batch $BATCH / sub-batch $SUB_BATCH, \`interval\` 0, \`pause_ms\` 0, three columns queued one after the other);" \
   "while bbm copies another such table with the gentle setting (\`pause_ms\` 100, \`interval\` 1); alone again." \
   "Ratios are against the mean of the two alone phases." \
   "Latency percentiles come from every transaction in the \`-l\` logs; \"interval TPS\" is the median of the 5 s progress reports." "" \
   "| phase | TPS | interval TPS (median) | p50 (ms) | p99 (ms) | transactions | TPS vs alone | p50 vs alone | p99 vs alone | bbm rows/s meanwhile |" \
   "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" \
   "| alone (first) | $alone_tps | $alone_itps | $alone_p50 | $alone_p99 | $(thousands "$alone_n") | $(calc 'a / b' "$alone_tps" "$base_tps") | $(calc 'a / b' "$alone_p50" "$base_p50") | $(calc 'a / b' "$alone_p99" "$base_p99") | |" \
   "| bbm full speed | $full_tps | $full_itps | $full_p50 | $full_p99 | $(thousands "$full_n") | $(calc 'a / b' "$full_tps" "$base_tps") | $(calc 'a / b' "$full_p50" "$base_p50") | $(calc 'a / b' "$full_p99" "$base_p99") | $(thousands "$(calc 'a / b' "$full_rows" "$PGBENCH_SECONDS")") |" \
   "| bbm gentle | $gentle_tps | $gentle_itps | $gentle_p50 | $gentle_p99 | $(thousands "$gentle_n") | $(calc 'a / b' "$gentle_tps" "$base_tps") | $(calc 'a / b' "$gentle_p50" "$base_p50") | $(calc 'a / b' "$gentle_p99" "$base_p99") | $(thousands "$(calc 'a / b' "$gentle_rows" "$PGBENCH_SECONDS")") |" \
   "| alone (after) | $after_tps | $after_itps | $after_p50 | $after_p99 | $(thousands "$after_n") | $(calc 'a / b' "$after_tps" "$base_tps") | $(calc 'a / b' "$after_p50" "$base_p50") | $(calc 'a / b' "$after_p99" "$base_p99") | |" \
   "" "The application's slowdown (alone TPS over TPS): $(calc 'a / b' "$base_tps" "$full_tps")× at full speed, $(calc 'a / b' "$base_tps" "$gentle_tps")× gentle." \
   "bbm's migrations when pgbench stopped (then paused): full speed $full_states; gentle $gentle_states." ""
# Every 5 s progress report, so that a phase's average can be read against what happened in it
# (bbm finishing early, other work on the machine).
every_5s() {
    awk '/^progress:/ { for (i = 1; i <= NF; i++) if ($(i) == "tps,") printf "%s%d", sep, $(i - 1); sep = " " }' "$PGB/$1.progress"
}
md "pgbench's TPS in each 5 s progress report:" "" "| phase | TPS every 5 s |" "|---|---|" \
   "| alone | $(every_5s alone) |" "| bbm full speed | $(every_5s full) |" "| bbm gentle | $(every_5s gentle) |" \
   "| alone (after) | $(every_5s alone_after) |" ""
