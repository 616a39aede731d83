# shellcheck shell=bash
# Section 6: the impact budget (issue 17) against fixed paces. pgbench's TPC-B-like script
# saturated, alone and beside bbm at full speed; then at a fixed rate R (half the saturated TPS),
# alone and beside bbm at each fixed pace and under a 10 % budget. bbm's rows/s against pgbench's
# latency, the targets checked, the curve drawn. Not in the default BENCH_SECTIONS.
# Sourced by bench/run (its helpers and variables: sql, api, queue_copy, pgbench_*, calc, md, OUT).

IMPACT_BUDGET=10
# pgbench runs this long before the window: 1 s, then bbm is queued, then 3 s for bbm to get going
# (the budget's idle probe takes the first second of them); and 5 s after it, so that it outlasts it.
IMPACT_LEAD=4 IMPACT_TAIL=5
# The paces at R, as pause_ms/interval/budget (budget 0: off); the budget's last.
IMPACT_PACES=(0/0/0 5/0/0 10/0/0 20/0/0 50/0/0 100/1/0 "0/0/$IMPACT_BUDGET")
PGB=$OUT/impact
IMPACT_RUNS=$PGB/runs.tsv
mkdir -p "$PGB"
printf 'name\trate\tpace\twindow_s\ttransactions\ttps\tp50_ms\tp99_ms\trows\trows_per_s\tstate\tpause_ms_median\tload_s\n' >"$IMPACT_RUNS"

pace_label() {
    local pause interval budget
    IFS=/ read -r pause interval budget <<<"$1"
    if ((budget)); then echo "budget $budget %"
    elif ((interval)); then echo "pause $pause ms, interval $interval s (gentle)"
    elif ((pause)); then echo "pause $pause ms"
    else echo "pause 0 (full speed)"; fi
}

# load_impact_table ROWS: bench_impact afresh (sql/load_table.sql, its key built last: twice as fast).
load_impact_table() {
    sql_file -v table=bench_impact -v rows="$1" -v extra_columns= -v late_key=1 -f "$BENCH_DIR/sql/load_table.sql" >/dev/null
}

impact_budget() {
    api PUT /api/v4/application/settings "{\"batched_migrations_impact_budget_percent\": $1}" >/dev/null
    [[ $(api_status) == 200 ]] || die "impact budget $1 refused: $(cat "$OUT/.api-body")"
}

# rows_done [ID] → "EPOCH [ROWS]": this machine's clock (which pgbench's logs use) and the rows of
# bench_impact migration ID has copied: its finished jobs' batches, and what has committed of the
# running one (one snapshot: a job counted as finished has committed all its rows).
rows_done() {
    if [[ -z ${1:-} ]]; then sql "SELECT extract(epoch FROM clock_timestamp())"; return; fi
    sql "SELECT extract(epoch FROM clock_timestamp()),
                (SELECT coalesce(sum(batch_size), 0) FROM batched_background_migration_jobs
                 WHERE batched_background_migration_id = $1 AND status = 3)
              + (SELECT count(*) FROM batched_background_migration_jobs j
                 JOIN bench_impact t ON t.id BETWEEN j.min_value AND j.max_value
                 WHERE j.batched_background_migration_id = $1 AND j.status = 1 AND t.b IS NOT NULL)" | tr '|' ' '
}

# impact_run NAME RATE [PACE]: pgbench at RATE transactions/s (empty: as fast as it goes), beside
# bbm copying a freshly loaded table at PACE when given; one window of IMPACT_SECONDS measured,
# a line in $IMPACT_RUNS.
impact_run() {
    local name=$1 rate=$2 pace=${3:-} pause interval budget id='' load='' t0 pg t1 r1 t2 r2 n window left state=''
    local rows='' rows_s='' pause_median=''
    log "6: $name: pgbench $([[ -n $rate ]] && echo "at $rate tps" || echo saturated)${pace:+, bbm $(pace_label "$pace")}"
    if [[ -n $pace ]]; then
        IFS=/ read -r pause interval budget <<<"$pace"
        t0=$(now)
        load_impact_table "$IMPACT_ROWS"
        load=$(since "$t0")
    fi
    # Every run starts alike: pgbench's tables as the runs before left them, vacuumed, history emptied.
    sql "TRUNCATE pgbench_history"
    sql "VACUUM (ANALYZE) pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history"
    sql "CHECKPOINT"
    pgbench_run "$name" $((IMPACT_LEAD + IMPACT_SECONDS + IMPACT_TAIL)) -n ${rate:+-R "$rate"} &
    pg=$!
    # bbm starts under the application's load, as it would in production: the budget's idle probe
    # (its baseline) then measures the database with the application and without bbm.
    sleep 1
    if [[ -n $pace ]]; then
        impact_budget "$budget"
        queue_copy bench_impact a b "$pause" "$interval" false
        id=$QUEUED
    fi
    sleep $((IMPACT_LEAD - 1))
    read -r t1 r1 < <(rows_done "$id")
    # The window; meanwhile the migration's state and pace every half second (what is left of it).
    while :; do
        [[ -z $id ]] || api GET "/api/v4/admin/batched_background_migrations/$id" |
            jq -r '[.status, (.impact.pause_ms // ""), (.impact.reason // "")] | @tsv' >>"$PGB/$name.pace"
        left=$(awk -v t="$t1" -v w="$IMPACT_SECONDS" -v n="$(now)" 'BEGIN { printf "%.3f", t + w - n }')
        [[ $left == -* || $left == 0.000 ]] && break
        sleep "$(calc 'a < b ? a : b' "$left" 0.5 %.3f)"
    done
    kill -0 "$pg" 2>/dev/null || die "pgbench $name ended before its window did: $PGB/$name.progress"
    read -r t2 r2 < <(rows_done "$id")
    if [[ -n $id ]]; then
        state=$(migration_status "$id")
        [[ $(sql "SELECT on_hold_until > now() FROM batched_background_migrations WHERE id = $id") == t ]] &&
            state+=" (on hold)"
        api PUT "/api/v4/admin/batched_background_migrations/$id/pause" >/dev/null
        impact_budget 0
    fi
    wait "$pg" || die "pgbench $name failed: $PGB/$name.progress"
    if [[ -n $id ]]; then
        # Delete it once its running batch is over (bbm refuses while a worker runs one), so that the
        # next run's queue request on the same table name makes a new migration.
        until [[ $(sql "SELECT count(*) FROM batched_background_migration_jobs
                        WHERE batched_background_migration_id = $id AND status = 1") == 0 ]]; do sleep 0.2; done
        api DELETE "/api/v4/admin/batched_background_migrations/$id" >/dev/null
        [[ $(api_status) == 204 ]] || die "deleting migration $id: $(api_status) $(cat "$OUT/.api-body")"
        rows=$((r2 - r1))
        pause_median=$(awk -F'\t' '$2 != "" { print $2 }' "$PGB/$name.pace" | median)
    fi
    pgbench_latencies "$name" "$t1" "$t2" >"$PGB/$name.latencies"
    n=$(wc -l <"$PGB/$name.latencies")
    window=$(calc 'a - b' "$t2" "$t1" %.3f)
    [[ -z $rows ]] || rows_s=$(calc 'a / b' "$rows" "$window" %.0f)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rate" "$pace" "$window" "$n" \
        "$(calc 'a / b' "$n" "$window" %.1f)" "$(pctl 50 <"$PGB/$name.latencies")" "$(pctl 99 <"$PGB/$name.latencies")" \
        "$rows" "$rows_s" "$state" "$pause_median" "${load:+$(printf '%.1f' "$load")}" >>"$IMPACT_RUNS"
}

# run_field NAME COLUMN → that column of the run's line (columns as in the header of $IMPACT_RUNS).
run_field() {
    awk -F'\t' -v name="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $1 == name { v = $(c[col]); print (v == "" ? "n/a" : v); exit }' "$IMPACT_RUNS"
}

# The curve as SVG on stdout, from lines "label<TAB>p99 ratio<TAB>rows/s<TAB>fixed|budget<TAB>state":
# rows/s against the p99 ratio (log scale), the fixed paces joined in their order, the budget in red,
# hollow where the migration finished within the window (its rows/s then too low).
impact_svg() {
    awk -F'\t' -v target=1.25 '
    $2 != "n/a" && $3 != "n/a" && $2 > 0 { n++; label[n] = $1; x[n] = $2; y[n] = $3; kind[n] = $4; done[n] = $5 ~ /^finished/ }
    function px(v) { return L + (log(v) - lx0) / (lx1 - lx0) * (W - L - R) }
    function py(v) { return H - B - v / ymax * (H - T - B) }
    END {
        W = 760; H = 460; L = 90; R = 190; T = 50; B = 60
        xmin = 1; xmax = target; ymax = 1
        for (i = 1; i <= n; i++) { xmin = x[i] < xmin ? x[i] : xmin; xmax = x[i] > xmax ? x[i] : xmax; ymax = y[i] > ymax ? y[i] : ymax }
        lx0 = log(xmin / 1.05); lx1 = log(xmax * 1.1)
        step = 10 ^ int(log(ymax / 5) / log(10)); if (ymax / step > 25) step *= 5; else if (ymax / step > 10) step *= 2
        ymax = (int(ymax * 1.1 / step) + 1) * step
        printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H
        printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
        printf "<text x=\"%d\" y=\"24\" font-size=\"15\">bbm rows/s against pgbench p99 (× alone at R)</text>\n", L
        for (v = 0; v <= ymax; v += step)
            printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n", L, py(v), W - R, py(v), L - 6, py(v) + 4, v
        split("0.25 0.5 0.75 1 1.25 1.5 2 3 5 10 20 50 100 200 500 1000", ticks, " ")
        for (i = 1; i in ticks; i++) if (ticks[i] >= xmin / 1.05 && ticks[i] <= xmax * 1.1)
            printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s×</text>\n", px(ticks[i]), T, px(ticks[i]), H - B, px(ticks[i]), H - B + 18, ticks[i]
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" stroke-dasharray=\"4 4\"/><text x=\"%.1f\" y=\"%d\" fill=\"#c00\">target %s×</text>\n", px(target), T, px(target), H - B, px(target) + 4, T + 12, target
        printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", L, T, W - L - R, H - T - B
        printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">pgbench p99 latency, × alone at R (log scale)</text>\n", (L + W - R) / 2, H - 16
        printf "<text transform=\"translate(22 %d) rotate(-90)\" text-anchor=\"middle\">bbm rows/s</text>\n", (T + H - B) / 2
        printf "<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\""
        for (i = 1; i <= n; i++) if (kind[i] == "fixed") printf "%.1f,%.1f ", px(x[i]), py(y[i])
        printf "\"/>\n"
        for (i = 1; i <= n; i++) {
            budget = kind[i] == "budget"; colour = budget ? "#d00" : "#36c"
            printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>", px(x[i]), py(y[i]), budget ? 7 : 4, done[i] ? "white" : colour, colour
            printf "<text x=\"%.1f\" y=\"%.1f\"%s>%s%s</text>\n", px(x[i]) + 9, py(y[i]) + 4, budget ? " fill=\"#d00\" font-weight=\"bold\"" : "", label[i], done[i] ? " (finished)" : ""
        }
        print "</svg>"
    }'
}

# ---- the runs --------------------------------------------------------------------------------------
budget_field=$(api GET /api/v4/application/settings | jq 'has("batched_migrations_impact_budget_percent")')
if [[ $budget_field != true ]]; then
    log "6: bbm has no impact budget setting: the budget run is left out"
    remove_item IMPACT_PACES "0/0/$IMPACT_BUDGET"
fi
pgbench_init
# A warm bbm (JIT), so that the first measured migration does not pay for it.
load_impact_table 200000
queue_copy bench_impact a b 0 0 false
wait_finished "$QUEUED"
api DELETE "/api/v4/admin/batched_background_migrations/$QUEUED" >/dev/null

impact_run sat-alone ""
impact_run sat-full "" 0/0/0
TPS_MAX=$(run_field sat-alone tps)
[[ $TPS_MAX != n/a ]] || die "6: no saturated TPS"
RATE=$(calc 'a / 2' "$TPS_MAX" 0 %.0f)
impact_run r-alone "$RATE"
for pace in "${IMPACT_PACES[@]}"; do
    impact_run "r-${pace//\//-}" "$RATE" "$pace"
done
impact_run r-alone-after "$RATE"
sql "DROP TABLE bench_impact"

# ---- the report --------------------------------------------------------------------------------------
# The reference at R: both alone runs, their TPS averaged, their transactions' percentiles together.
REF_TPS=$(calc '(a + b) / 2' "$(run_field r-alone tps)" "$(run_field r-alone-after tps)" %.1f)
REF_P50=$(cat "$PGB"/r-alone.latencies "$PGB"/r-alone-after.latencies | pctl 50)
REF_P99=$(cat "$PGB"/r-alone.latencies "$PGB"/r-alone-after.latencies | pctl 99)
FULL_ROWS_S=$(run_field r-0-0-0 rows_per_s)
# kept TPS: whether pgbench kept its rate R; cell N: N with thousands separators, blank for n/a.
kept() { case $(calc 'a >= 0.97 * b' "$1" "$RATE" %d) in 1) echo yes ;; 0) echo '**no**' ;; *) echo n/a ;; esac; }
cell() { if [[ $1 == n/a ]]; then echo; else thousands "$1"; fi; }

sat_row() { # sat_row NAME LABEL
    local tps p50 p99
    tps=$(run_field "$1" tps) p50=$(run_field "$1" p50_ms) p99=$(run_field "$1" p99_ms)
    md "| $2 | $tps | $p50 | $p99 | $(calc 'a / b' "$tps" "$(run_field sat-alone tps)") | $(calc 'a / b' "$p50" "$(run_field sat-alone p50_ms)") | $(calc 'a / b' "$p99" "$(run_field sat-alone p99_ms)") | $(cell "$(run_field "$1" rows_per_s)") | $(run_field "$1" state | sed 's/n\/a//') |"
}

WINDOWS=$(awk -F'\t' 'NR > 1 { min = (NR == 2 || $4 < min) ? $4 : min; max = $4 > max ? $4 : max } END { printf "%.1f–%.1f", min, max }' "$IMPACT_RUNS")
md "## 6. Impact budget against fixed paces (issue 17)" "" \
   "\`pgbench -i -s $PGBENCH_SCALE\` in bbm's database, then runs of \`pgbench -c 4 -j 2 -n -l\` (TPC-B-like), each" \
   "$((IMPACT_LEAD + IMPACT_SECONDS + IMPACT_TAIL)) s long after \`TRUNCATE pgbench_history\`, \`VACUUM (ANALYZE)\` of pgbench's tables and \`CHECKPOINT\`." \
   "Beside bbm, a freshly loaded table of $(thousands "$IMPACT_ROWS") ids for each run (every 7th deleted, \`sql/load_table.sql\`" \
   "with \`late_key\`: its primary key built after the delete and the vacuum; the load's time is listed)," \
   "copied \`a\` → \`b\` with batch $BATCH / sub-batch $SUB_BATCH, \`optimize\` false, queued 1 s after pgbench started" \
   "(bbm starts under the application's load, as in production, so that the budget's idle probe measures the database" \
   "with the application and without bbm). Every figure is over one window of $IMPACT_SECONDS s ($WINDOWS s by the database's clock)" \
   "that starts 3 s after the" \
   "queue request (bbm under way; the budget's calibration takes its first second): pgbench's TPS is the transactions that" \
   "ended in the window over its length, p50 and p99 their latencies; bbm's rows/s is the rows copied at the window's end" \
   "(finished jobs' \`batch_size\`, and what has committed in the running job's range) minus at its start, over its length." \
   "The budget's pause is the median of \`impact.pause_ms\`, read every 0.5 s in the window (every run reads the migration" \
   "that often). *State* is the migration's at the window's end: \`finished\` means it ran out of rows, so its rows/s" \
   "is too low (raise \`BENCH_IMPACT_ROWS\`)." "" \
   "### Saturated" "" \
   "pgbench without \`-R\`, alone and beside bbm at full speed (\`pause_ms\` 0, \`interval\` 0)." "" \
   "| run | TPS | p50 (ms) | p99 (ms) | TPS vs alone | p50 vs alone | p99 vs alone | bbm rows/s | state |" \
   "|---|---:|---:|---:|---:|---:|---:|---:|---|"
sat_row sat-alone "pgbench alone"
sat_row sat-full "beside bbm at full speed"

md "" "### At a fixed rate" "" \
   "\`pgbench -R $RATE\`: half the saturated TPS. Under \`-R\` a transaction's latency runs from its scheduled start, so" \
   "time spent behind schedule counts; without \`--latency-limit\` nothing is skipped (a pgbench behind schedule runs late" \
   "transactions back to back), and it *kept R* when its TPS in the window is at least 0.97 R ($(calc 'a * 0.97' "$RATE" 0 %.0f))." \
   "The reference, *alone at R*, is two runs, before the paces and after them: their mean TPS, and the percentiles of" \
   "their transactions together ($REF_TPS TPS, p50 $REF_P50 ms, p99 $REF_P99 ms). Ratios are against it." "" \
   "| bbm's pace | bbm rows/s | × full speed | TPS | kept R | p50 (ms) | p99 (ms) | p50 ratio | p99 ratio | bbm's pause (ms) | state | table load (s) |" \
   "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|"
CURVE=$PGB/curve.tsv
: >"$CURVE"
for name in r-alone r-alone-after; do
    md "| none ($([[ $name == r-alone ]] && echo before || echo after)) | | | $(run_field "$name" tps) | $(kept "$(run_field "$name" tps)") | $(run_field "$name" p50_ms) | $(run_field "$name" p99_ms) | $(calc 'a / b' "$(run_field "$name" p50_ms)" "$REF_P50") | $(calc 'a / b' "$(run_field "$name" p99_ms)" "$REF_P99") | | | |"
done
for pace in "${IMPACT_PACES[@]}"; do
    name="r-${pace//\//-}"
    tps=$(run_field "$name" tps) rows_s=$(run_field "$name" rows_per_s)
    p99_ratio=$(calc 'a / b' "$(run_field "$name" p99_ms)" "$REF_P99" %.3f)
    pause=${pace%%/*}
    [[ $pace == */0 ]] || pause="$(run_field "$name" pause_ms_median) (median)"
    md "| $(pace_label "$pace") | $(cell "$rows_s") | $(calc 'a / b' "$rows_s" "$FULL_ROWS_S") | $tps | $(kept "$tps") | $(run_field "$name" p50_ms) | $(run_field "$name" p99_ms) | $(calc 'a / b' "$(run_field "$name" p50_ms)" "$REF_P50") | $(calc 'a / b' "$p99_ratio" 1) | $pause | $(run_field "$name" state) | $(run_field "$name" load_s) |"
    printf '%s\t%s\t%s\t%s\t%s\n' "$(pace_label "$pace" | sed 's/ (.*//')" "$p99_ratio" "$rows_s" \
        "$([[ $pace == */0 ]] && echo fixed || echo budget)" "$(run_field "$name" state)" >>"$CURVE"
done
md ""

# ---- the targets ----------------------------------------------------------------------------------------
# check EXPR A B TEXT: a checklist line, ticked when EXPR holds (calc's a and b), "n/a" when it cannot tell.
check() {
    local verdict; verdict=$(calc "$1" "$2" "$3" %d)
    case $verdict in 1) md "- [x] $4" ;; 0) md "- [ ] $4" ;; *) md "- [ ] $4 (n/a: a figure is missing)" ;; esac
}
if [[ " ${IMPACT_PACES[*]} " == *" 0/0/$IMPACT_BUDGET "* ]]; then
    budget_run="r-0-0-$IMPACT_BUDGET"
    b_rows=$(run_field "$budget_run" rows_per_s)
    b_tps=$(run_field "$budget_run" tps)
    b_ratio=$(calc 'a / b' "$(run_field "$budget_run" p99_ms)" "$REF_P99" %.3f)
    # The fixed pace with the most rows/s at a p99 ratio no higher than the budget's: "rows/s<TAB>label".
    read -r best_rows best_label < <(awk -F'\t' -v r="$b_ratio" '$4 == "fixed" && $2 != "n/a" && $3 != "n/a" && $2 <= r && $3 > best { best = $3; label = $1 }
        END { print (best == "" ? "n/a" : best), label }' "$CURVE")
    md "### Targets (budget $IMPACT_BUDGET %)" "" \
       "The budget's median pause in the window: $(run_field "$budget_run" pause_ms_median) ms; its last decision: $(tail -1 "$PGB/$budget_run.pace" | cut -f3 | sed 's/^$/none/')." ""
    check 'a <= 1.25' "$b_ratio" 0 "pgbench's p99 at most 1.25× alone: $(calc 'a / b' "$b_ratio" 1)×"
    check 'a >= 0.97 * b' "$b_tps" "$REF_TPS" "pgbench's TPS at least 0.97× alone: $(calc 'a / b' "$b_tps" "$REF_TPS")×"
    check 'a >= 0.25 * b' "$b_rows" "$FULL_ROWS_S" "bbm's rows/s at least 25 % of full speed at R: $(calc 'a * 100 / b' "$b_rows" "$FULL_ROWS_S" %.0f) % ($(cell "$b_rows") of $(cell "$FULL_ROWS_S"))"
    if [[ $best_rows == n/a ]]; then
        md "- [x] at least 1.5× the rows/s of the best fixed pause with a p99 ratio ≤ the budget's ($b_ratio): no fixed pace kept p99 that low"
    else
        check 'a >= 1.5 * b' "$b_rows" "$best_rows" "at least 1.5× the rows/s of the best fixed pause with a p99 ratio ≤ the budget's ($b_ratio), $best_label: $(calc 'a / b' "$b_rows" "$best_rows")×"
    fi
    check 'a >= b' "$b_rows" "${best_rows/n\/a/0}" "on or beyond the fixed paces' curve: no fixed pace has more rows/s at a p99 ratio ≤ the budget's$([[ $best_rows == n/a ]] || echo " (best there: $best_label, $(thousands "$best_rows") rows/s)")"
    md ""
fi

impact_svg <"$CURVE" >"$OUT/impact-curve.svg"
md "![bbm rows/s against pgbench's p99 ratio](impact-curve.svg)" "" \
   "[\`impact-curve.svg\`](impact-curve.svg): bbm's rows/s against pgbench's p99 as a multiple of alone at R, one point" \
   "per fixed pace (joined in the order of the table), the budget in red; hollow: the migration finished in the window. Raw data: \`impact/runs.tsv\`, pgbench's logs" \
   "and the migrations' pace every 0.5 s (\`impact/*.pace\`)." ""
