# shellcheck shell=bash
# Section 5: how long a queued migration waits before its first batch starts, on an idle bbm.
# Sourced by bench/run (its helpers and variables: api, queue_copy, wait_finished, sql, md, OUT).
# The clock is the user's: the time just before the queue request (this machine's clock, which
# the local PostgreSQL shares) to the first job's started_at.

START_REPS=${BENCH_START_REPS:-9}
log "section 5: queue request → first batch start, $START_REPS migrations on an idle bbm"
sql "DROP TABLE IF EXISTS bench_start; CREATE TABLE bench_start (id bigint PRIMARY KEY, a int, b bigint);
     INSERT INTO bench_start SELECT g, g, NULL FROM generate_series(1, 1000) g"
delays=()
waits=()
for ((i = 1; i <= START_REPS; i++)); do
    sleep 1.5  # idle: no tick or worker under way that would take the work anyway
    sql "UPDATE bench_start SET b = NULL"
    api DELETE "/api/v4/admin/batched_background_migrations/${QUEUED:-0}" >/dev/null || true
    t0=$(now)
    queue_copy bench_start a b 0 0 false
    wait_finished "$QUEUED" 60
    started=$(sql "SELECT extract(epoch FROM min(started_at)) FROM batched_background_migration_jobs
                   WHERE batched_background_migration_id = $QUEUED")
    created=$(sql "SELECT extract(epoch FROM created_at) FROM batched_background_migrations WHERE id = $QUEUED")
    delays+=("$(awk -v a="$t0" -v b="$started" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
    waits+=("$(awk -v a="$created" -v b="$started" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
done
md "## 5. Queue request → first batch start" "" \
   "An idle bbm, a 1,000-row table, \`interval\` 0; $START_REPS migrations one after another, 1.5 s apart." "" \
   "| from | median | min | max | every run (ms) |" "|---|---|---|---|---|" \
   "| the queue request (the user's clock) | $(printf '%s\n' "${delays[@]}" | median) ms | $(printf '%s\n' "${delays[@]}" | sort -g | head -1) ms | $(printf '%s\n' "${delays[@]}" | sort -g | tail -1) ms | ${delays[*]} |" \
   "| the migration's row (\\`created_at\\`) | $(printf '%s\n' "${waits[@]}" | median) ms | $(printf '%s\n' "${waits[@]}" | sort -g | head -1) ms | $(printf '%s\n' "${waits[@]}" | sort -g | tail -1) ms | ${waits[*]} |" ""
