"""Where a bbm migration spends its time, statement by statement, from PostgreSQL's csvlog.

Usage: profile_statements.py CSVLOG FROM_TIMESTAMP TO_TIMESTAMP  (writes markdown on stdout)

With log_min_duration_statement = 0, each statement logs its server-side duration when it ends.
On one connection, the time from a statement's end to the next one's start is time the server
waited for the client: bbm's own processing and the network round trip.
"""
import collections
import csv
import datetime
import re
import sys

# Statement classes, by a fragment of their SQL (first match wins).
CLASSES = [
    ("BEGIN", "BEGIN"),
    ("COMMIT", "COMMIT"),
    ("set_config(statement_timeout, lock_timeout)", "set_config('statement_timeout'"),
    ("sub-batch range (keyset SELECT min/max/count)", "SELECT min(k)"),
    ("the job's UPDATE of the table", 'UPDATE "public"'),
    ("progress: UPDATE jobs SET processed_until, metrics", "SET processed_until"),
    ("job transition + log (WITH moved …)", "WITH moved"),
    ("job insert", "INSERT INTO batched_background_migration_jobs"),
    ("stop-rule tally", "count(*) FILTER (WHERE j.created_at"),
    ("executable check", "LEFT JOIN LATERAL ( SELECT created_at"),
    ("migration read", "SELECT m.*"),
    ("catalog: table and columns", "pg_class"),
    ("markStarted", "started_at = coalesce"),
    ("furthest job", "ORDER BY max_value DESC"),
    ("next retriable job", "status IN (0, 1) OR"),
    ("settings", "bbm_application_settings"),
    ("optimizer: recent job durations", "ORDER BY id DESC LIMIT"),
    ("health indicators", "pg_stat_"),
    ("health indicators", "AS waiting"),
    ("health indicators", "archive_mode"),
    ("hold check", "CASE WHEN on_hold_until"),
    ("advisory locks", "advisory"),
]


# Idle gaps longer than this (seconds) are not counted (see above).
IDLE_LIMIT = 0.02


def classify(text):
    for name, fragment in CLASSES:
        if fragment in text:
            return name
    return "other: " + text[:40]


def main():
    path, since, until = sys.argv[1], sys.argv[2], sys.argv[3]
    events = []
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) < 14 or not since <= row[0] <= until:
                continue
            m = re.match(r"duration: ([0-9.]+) ms\s+(parse|bind|execute|statement)[^:]*: (.*)", row[13], re.S)
            if not m or len(row) < 23 or row[22] != "vertx-pg-client":
                continue
            end = datetime.datetime.strptime(row[0][:23], "%Y-%m-%d %H:%M:%S.%f").timestamp()
            events.append((row[3], end, float(m.group(1)), classify(" ".join(m.group(3).split())), m.group(2)))
    server = collections.defaultdict(float)
    executions = collections.Counter()
    waited = collections.defaultdict(float)
    by_connection = collections.defaultdict(list)
    for e in events:
        by_connection[e[0]].append(e)
    for conn in by_connection.values():
        conn.sort(key=lambda e: e[1])
        previous_end = None
        for _, end, ms, name, phase in conn:
            # The extended protocol logs parse, bind and execute apart: all are server time, and
            # the execute (or a simple query's "statement") counts the execution.
            server[name] += ms
            if phase in ("execute", "statement"):
                executions[name] += 1
            start = end - ms / 1000
            # A longer pause is a connection resting in the pool, not a round trip.
            if previous_end is not None and 0 <= start - previous_end < IDLE_LIMIT:
                waited[name] += (start - previous_end) * 1000
            previous_end = end
    total_server = sum(server.values())
    total_waited = sum(waited.values())
    print("| statement | executions | server time (ms) | server ms each | connection idle before it (ms) | idle ms each |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in sorted(server, key=lambda n: -(server[n] + waited[n])):
        n = max(executions[name], 1)
        print(f"| {name} | {executions[name]} | {server[name]:.0f} | {server[name] / n:.3f} | {waited[name]:.0f} | {waited[name] / n:.3f} |")
    print(f"| **all** | {sum(executions.values())} | {total_server:.0f} | | {total_waited:.0f} | |")
    wall = (max(e[1] for e in events) - min(e[1] - e[2] / 1000 for e in events)) * 1000
    print()
    print(f"From the first statement to the last: {wall:.0f} ms; PostgreSQL busy on bbm's statements: "
          f"{total_server:.0f} ms ({100 * total_server / wall:.0f} %); the rest, {wall - total_server:.0f} ms, "
          f"is bbm's own work and the round trips between statements.")
    print()
    print(f"Idle time is the gap on the same connection between the end of one statement and the start of"
          f" the next: inside a sub-batch's transaction (one connection from BEGIN to COMMIT) it is bbm's turn;"
          f" gaps over {IDLE_LIMIT * 1000:.0f} ms are left out as a connection resting in the pool.")

if __name__ == "__main__":
    main()
