# Sections 3 and 4 share their data: 1,000 finished migrations with 1,000,000 job rows, inserted
# with SQL. Section 4 (plans of the job queries) looks at 10k job rows first, then at 1M; section 3
# (the API under wrk, start-up time) runs on the 1M rows; last, section 4 adds one migration of
# 1M jobs of its own to show what grows with a migration's size. Sourced by bench/run.

REPORT3=$OUT/section3.md REPORT4=$OUT/section4.md
: >"$REPORT3"; : >"$REPORT4"
md3() { printf '%s\n' "$@" >>"$REPORT3"; }
md4() { printf '%s\n' "$@" >>"$REPORT4"; }
PLANS=$OUT/plans
mkdir -p "$PLANS"

# The queries of job_queries.sql, one file each, and their names.
awk -v dir="$PLANS" '/^-- name: / { n++; name[n] = substr($0, 10); print substr($0, 10) >dir "/names"; next }
     n > 0 { print >dir "/q" n ".sql" }' "$BENCH_DIR/sql/job_queries.sql"
mapfile -t QUERY_NAMES <"$PLANS/names"

# explain_all STAGE MID: each query's plan (kept) and the median of 5 execution times.
declare -A EXEC_MS SEQ_SCAN
explain_all() {
    local stage=$1 mid=$2 i q times
    log "4: EXPLAIN (ANALYZE, BUFFERS) at stage $stage"
    for i in "${!QUERY_NAMES[@]}"; do
        q=$(sed "s/:mid/$mid/g" "$PLANS/q$((i + 1)).sql")
        times=()
        for _ in 1 2 3 4 5; do
            sql "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $q" >"$PLANS/$stage-q$((i + 1)).txt"
            times+=("$(sed -n 's/.*Execution Time: \([0-9.]*\) ms.*/\1/p' "$PLANS/$stage-q$((i + 1)).txt")")
        done
        EXEC_MS[$stage,$i]=$(printf '%s\n' "${times[@]}" | median)
        if grep -q 'Seq Scan on batched_background_migration_jobs' "$PLANS/$stage-q$((i + 1)).txt"; then
            SEQ_SCAN[$stage,$i]="**seq scan**"
        else
            SEQ_SCAN[$stage,$i]=$( { grep -oE '(Index|Index Only) Scan( Backward)? using [a-z_]+|Bitmap Index Scan on [a-z_]+' \
                "$PLANS/$stage-q$((i + 1)).txt" || true; } | sed -E 's/.* (using|on) //' | sort -u | paste -sd, - | sed 's/,/, /g')
        fi
    done
}

sql "TRUNCATE batched_background_migrations, batched_background_migration_jobs,
     batched_background_migration_job_transition_logs RESTART IDENTITY"
log "3/4: 10 migrations × 1,000 jobs"
sql_file -v first=1 -v last=10 -v jobs=1000 -f "$BENCH_DIR/sql/api_dataset.sql" >/dev/null
explain_all 10k 5
log "3/4: $API_MIGRATIONS migrations, $API_JOBS jobs"
sql_file -v first=11 -v last="$API_MIGRATIONS" -v jobs=$((API_JOBS / API_MIGRATIONS)) \
    -f "$BENCH_DIR/sql/api_dataset.sql" >/dev/null
JOB_ROWS=$(sql "SELECT count(*) FROM batched_background_migration_jobs")
explain_all 1M 5

# ---- section 3: wrk ------------------------------------------------------------------------------------
WRK=$OUT/wrk
mkdir -p "$WRK"
WRK_ROUNDS=${BENCH_WRK_ROUNDS:-3}
MID=$((API_MIGRATIONS / 2))
declare -A WRK_PATH=([list]=/api/v4/admin/batched_background_migrations [one]=/api/v4/admin/batched_background_migrations/$MID
                     [live]=/q/health/live)
# wrk's latency with its unit → ms
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) sub(/ms$/, "", v);
                 else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f\n", v }' <<<"$1"; }
for round in $(seq "$WRK_ROUNDS"); do
    for target in list one live; do
        log "3: wrk round $round $target"
        wrk -t2 -c16 -d"${WRK_SECONDS}s" --latency -H "PRIVATE-TOKEN: $TOKEN" "$API_BASE${WRK_PATH[$target]}" \
            >"$WRK/$target-$round.txt"
    done
done
wrk_stat() { # wrk_stat TARGET rps|p50|p99|errors → median over rounds
    local target=$1 what=$2 f
    for f in "$WRK/$target"-*.txt; do
        case $what in
            rps) awk '/^Requests\/sec:/ { print $2 }' "$f" ;;
            p50) to_ms "$(awk '$1 == "50%" { print $2 }' "$f")" ;;
            p99) to_ms "$(awk '$1 == "99%" { print $2 }' "$f")" ;;
            errors) awk '/Non-2xx or 3xx responses:/ { n = $NF } /Socket errors/ { n += 0 } END { print n + 0 }' "$f" ;;
        esac
    done | median
}
live_rps=$(wrk_stat live rps) live_p99=$(wrk_stat live p99)
md3 "## 3. The API under load" "" \
    "\`wrk -t2 -c16 -d${WRK_SECONDS}s --latency -H \"PRIVATE-TOKEN: …\"\` against bbm with $(thousands "$API_MIGRATIONS") finished migrations" \
    "and $(thousands "$JOB_ROWS") job rows (inserted with SQL, \`bench/sql/api_dataset.sql\`); the three targets take turns," \
    "$WRK_ROUNDS rounds, medians of the rounds. wrk, bbm and PostgreSQL share the machine's $(nproc) CPUs." "" \
    "| endpoint | requests/s | p50 (ms) | p99 (ms) | non-2xx | requests/s vs \`/q/health/live\` | p99 vs \`/q/health/live\` |" \
    "|---|---:|---:|---:|---:|---:|---:|"
for target in list one live; do
    rps=$(wrk_stat "$target" rps) p99=$(wrk_stat "$target" p99)
    md3 "| \`GET ${WRK_PATH[$target]}\` | $(thousands "$rps") | $(wrk_stat "$target" p50) | $p99 | $(wrk_stat "$target" errors) | $(calc 'a / b' "$rps" "$live_rps") | $(calc 'a / b' "$p99" "$live_p99") |"
done

# ---- section 3: start-up time -----------------------------------------------------------------------------
# Always on the embedded default, each in a data dir of its own: the fresh start runs initdb and
# bbm's schema migration, the second start on the same dir finds both done.
MAIN_PID=$BBM_PID
for rep in $(seq "$STARTUP_REPS"); do
    for kind in fresh existing; do
        dir=$OUT/startup-$rep
        [[ $kind == fresh ]] && rm -rf "$dir"
        port=$(free_port)
        t0=$(now)
        start_bbm "startup-$rep-$kind" "$dir" "$port" "$(free_port)"
        wait_http "http://127.0.0.1:$port/q/health/ready" 180
        printf '%s\t%s\n' "$kind" "$(since "$t0")" >>"$OUT/startup.tsv"
        stop_bbm
    done
    rm -rf "$dir"
done
BBM_PID=$MAIN_PID
startup_runs() { awk -F'\t' -v k="$1" '$1 == k { printf "%s%.2f", sep, $2; sep = ", " }' "$OUT/startup.tsv"; }
startup_median() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$OUT/startup.tsv" | median; }
md3 "" "Start-up to ready (\`/q/health/ready\` 200, polled every 50 ms) on the embedded default, from \`java -jar\`:" "" \
    "| data dir | runs (s) | median (s) |" "|---|---|---:|" \
    "| fresh (initdb, schema migration) | $(startup_runs fresh) | $(printf '%.2f' "$(startup_median fresh)") |" \
    "| existing | $(startup_runs existing) | $(printf '%.2f' "$(startup_median existing)") |" ""

# ---- section 4: one migration of 1M jobs ---------------------------------------------------------------------
log "4: one more migration with $API_JOBS jobs"
sql_file -v first=$((API_MIGRATIONS + 1)) -v last=$((API_MIGRATIONS + 1)) -v jobs="$API_JOBS" \
    -f "$BENCH_DIR/sql/api_dataset.sql" >/dev/null
explain_all big $((API_MIGRATIONS + 1))

md4 "## 4. Growth: the job queries at 10k and 1M job rows" "" \
    "\`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)\` of the queries in \`bench/sql/job_queries.sql\` (copied from" \
    "\`JobRepository\` and \`MigrationRepository\`), median execution time of 5 runs, and the indexes the plan uses." \
    "*10k*: 10 migrations × 1,000 jobs, for migration 5. *1M*: $(thousands "$API_MIGRATIONS") migrations, $(thousands "$JOB_ROWS") jobs," \
    "for migration 5 (1,000 jobs). *1M-job migration*: one more migration with $(thousands "$API_JOBS") jobs of its own," \
    "for that migration (the list query then shows it among the newest 20)." "" \
    "| query | 10k (ms) | 1M (ms) | 1M-job migration (ms) | index at 1M | index for the 1M-job migration |" \
    "|---|---:|---:|---:|---|---|"
for i in "${!QUERY_NAMES[@]}"; do
    md4 "| ${QUERY_NAMES[$i]} | ${EXEC_MS[10k,$i]} | ${EXEC_MS[1M,$i]} | ${EXEC_MS[big,$i]} | ${SEQ_SCAN[1M,$i]:-none} | ${SEQ_SCAN[big,$i]:-none} |"
done
md4 "" "<details><summary>Plans at 10k and 1M job rows (migration 5) and for the 1M-job migration</summary>" ""
for i in "${!QUERY_NAMES[@]}"; do
    for stage in 10k 1M big; do
        md4 "**${QUERY_NAMES[$i]}** — $stage" "" '```' "$(cat "$PLANS/$stage-q$((i + 1)).txt")" '```' ""
    done
done
md4 "</details>" ""
cat "$REPORT3" "$REPORT4" >>"$REPORT"
