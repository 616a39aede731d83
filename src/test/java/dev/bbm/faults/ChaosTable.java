package dev.bbm.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A table of the chaos run and the one migration queued on it: its rows with gaps in the ids,
 * the application's writes to it, and what must hold of its rows once the run is over. The ids
 * start at 1, skip every {@code k}-th, a hole and a wide jump, so batches cross gaps of every size.
 *
 * <p>Each table has the columns {@code payload} (the application changes it, bbm never does),
 * {@code app_inserted} (the row was inserted by the application during the run, so it may have
 * come after bbm passed its key) and whatever its job class needs. A subclass says which.
 */
abstract class ChaosTable {

    static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    /** Setup rows: ids 1..rows, then a second block after a jump. */
    final int rows;

    private final int gapEvery;
    private final int holeStart;
    private final int holeLength;
    private final int jumpStart;
    private final int jumpRows;
    /** Whatever the subclass needs to vary its values, from the run's seed. */
    final int salt;

    private final int batchSize;
    private final int subBatchSize;
    private final int pauseMs;
    private final Long minValue;
    private final Long maxValue;
    private volatile Long migrationId;

    ChaosTable(String name, SplittableRandom random) {
        this.name = name;
        this.rows = 3000 + random.nextInt(5000);
        this.gapEvery = 5 + random.nextInt(9);
        this.holeStart = rows / 4 + random.nextInt(rows / 2);
        this.holeLength = 50 + random.nextInt(800);
        this.jumpStart = rows + 1000 + random.nextInt(50_000);
        this.jumpRows = random.nextInt(1500);
        this.salt = random.nextInt(1_000_000);
        this.batchSize = 100 + random.nextInt(300);
        this.subBatchSize = Math.min(batchSize, 20 + random.nextInt(60));
        this.pauseMs = 50 + random.nextInt(200);
        switch (random.nextInt(3)) {
            case 0 -> { // the whole table, up to its highest id when queued
                minValue = null;
                maxValue = null;
            }
            case 1 -> { // a range inside the table, its ends anywhere (on a gap or a row)
                minValue = 1L + random.nextInt(rows / 3);
                maxValue = rows / 2L + random.nextInt(highestSetupId() - rows / 2);
            }
            default -> { // from inside the table to its end
                minValue = 1L + random.nextInt(rows / 2);
                maxValue = null;
            }
        }
    }

    abstract String jobClassName();

    /** The migration's {@code job_arguments}. */
    abstract ArrayNode jobArguments();

    /** The table's own columns, as in {@code CREATE TABLE}. */
    abstract String columnsDdl();

    /** The column names of {@link #setupValues}, comma-separated. */
    abstract String setupColumns();

    /** The values of the setup rows, as SQL expressions of the id {@code g}. */
    abstract String setupValues();

    /** What the job class needs beyond the rows: triggers, snapshots. Runs after the rows are in. */
    abstract void prepare(FaultDatabase db) throws Exception;

    /** One insert of the application's, with the id {@code id} or the next of the sequence when null. */
    abstract void insert(Connection connection, Long id, SplittableRandom random) throws SQLException;

    /**
     * Invariants 1 and 2 for this table's rows: each changed exactly once by a migration that
     * finished by running (at most once by one marked finished), nothing outside its range.
     */
    abstract List<String> check(FaultDatabase db, MigrationState migration) throws Exception;

    /** The migration's row as the run ends. */
    record MigrationState(long id, long minValue, long maxValue, int status, boolean markedFinished) {

        /** Finished or finalized by running its batches: every row of its range must have been migrated. */
        boolean finishedByRunning() {
            return (status == 3 || status == 6) && !markedFinished;
        }

        String range() {
            return "[" + minValue + ", " + maxValue + "]";
        }

        String inRange() {
            return "id BETWEEN " + minValue + " AND " + maxValue;
        }
    }

    int highestSetupId() {
        return jumpStart + jumpRows;
    }

    Long migrationId() {
        return migrationId;
    }

    void queued(long id) {
        this.migrationId = id;
    }

    void create(FaultDatabase db) throws Exception {
        db.exec("CREATE TABLE " + name + " (id bigserial PRIMARY KEY, " + columnsDdl()
                + ", payload integer NOT NULL DEFAULT 0, app_inserted boolean NOT NULL DEFAULT false)");
        db.exec("INSERT INTO " + name + " (id, " + setupColumns() + ") SELECT g, " + setupValues()
                + " FROM (SELECT generate_series(1, " + rows + ") AS g UNION ALL SELECT generate_series("
                + (jumpStart + 1)
                + ", " + highestSetupId() + ")) ids");
        db.exec("DELETE FROM " + name + " WHERE id % " + gapEvery + " = 0 OR id BETWEEN " + holeStart + " AND "
                + (holeStart + holeLength));
        db.exec("SELECT setval(pg_get_serial_sequence('" + name + "', 'id'), (SELECT max(id) FROM " + name + "))");
        prepare(db);
    }

    /** The queue request: small batches and pauses, so that there are many jobs and each takes a while. */
    String queueRequest() {
        ObjectNode body = JSON.createObjectNode()
                .put("job_class_name", jobClassName())
                .put("table_name", name)
                .put("column_name", "id")
                .put("batch_size", batchSize)
                .put("sub_batch_size", subBatchSize)
                .put("interval", 0)
                .put("pause_ms", pauseMs)
                .put("optimize", false);
        body.set("job_arguments", jobArguments());
        if (minValue != null) {
            body.put("min_value", minValue);
        }
        if (maxValue != null) {
            body.put("max_value", maxValue);
        }
        return body.toString();
    }

    /** The body naming this migration by its configuration (ensure_finished, finalize by configuration). */
    String configuration() {
        ObjectNode body = JSON.createObjectNode()
                .put("job_class_name", jobClassName())
                .put("table_name", name)
                .put("column_name", "id");
        body.set("job_arguments", jobArguments());
        return body.toString();
    }

    /** Whether the range the migration was queued with is the one it has. */
    List<String> checkQueuedRange(MigrationState migration) {
        List<String> problems = new ArrayList<>();
        if (minValue != null && migration.minValue() != minValue
                || maxValue != null && migration.maxValue() != maxValue) {
            problems.add(this + ": queued with min_value " + minValue + ", max_value " + maxValue + " but has "
                    + migration.range());
        }
        return problems;
    }

    /**
     * One write of the application's: mostly an update of {@code payload}, or of what a subclass
     * updates; sometimes an insert at the end of the ids, or into a gap of the setup's.
     */
    void write(Connection connection, SplittableRandom random) throws SQLException {
        int kind = random.nextInt(10);
        if (kind < 6) {
            // Mostly the first block, where most rows are; the second is far away after the jump.
            long id = random.nextInt(5) > 0 ? 1 + random.nextInt(rows) : jumpStart + 1 + random.nextInt(jumpRows + 1);
            update(connection, id, random);
        } else if (kind < 8) {
            insert(connection, null, random);
        } else {
            insert(connection, gap(random), random);
        }
    }

    /** An update of one row by the application; by default its {@code payload}. */
    void update(Connection connection, long id, SplittableRandom random) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE " + name + " SET payload = payload + 1 WHERE id = ?")) {
            update.setLong(1, id);
            update.executeUpdate();
        }
    }

    /** An id the setup left out: a multiple of the gap, in the hole, or in the jump. */
    private long gap(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> (long) gapEvery * (1 + random.nextInt(rows / gapEvery));
            case 1 -> holeStart + random.nextInt(holeLength + 1);
            default -> rows + 1 + random.nextInt(jumpStart - rows);
        };
    }

    /** An id for the application's INSERT: the given one (nothing happens when it exists) or the sequence's. */
    String idValue(Long id) {
        return id == null ? "DEFAULT" : id.toString();
    }

    String onConflict(Long id) {
        return id == null ? "" : " ON CONFLICT (id) DO NOTHING";
    }

    /**
     * Adds to {@code problems} one line when rows of this table match {@code condition}: how many
     * and the first ids, so that a failure points at rows to look at.
     */
    void expectNone(
            FaultDatabase db,
            List<String> problems,
            MigrationState migration,
            String invariant,
            String what,
            String from,
            String condition)
            throws Exception {
        List<List<Object>> found =
                db.rows("SELECT count(*), (array_agg(id ORDER BY id))[1:8]::text FROM " + from + " WHERE " + condition);
        long count = ((Number) found.get(0).get(0)).longValue();
        if (count > 0) {
            problems.add(String.format(
                    "invariant %s: %s (migration %d, %s, range %s, status %d%s): %s — %d rows, ids %s",
                    invariant,
                    name,
                    migration.id(),
                    jobClassName(),
                    migration.range(),
                    migration.status(),
                    migration.markedFinished() ? ", marked finished" : "",
                    what,
                    count,
                    found.get(0).get(1)));
        }
    }

    /** The column counting bbm's updates of a row, and the trigger that counts them (not the test's sessions). */
    void countBbmUpdates(FaultDatabase db) throws Exception {
        db.exec("ALTER TABLE " + name + " ADD COLUMN bbm_changes integer NOT NULL DEFAULT 0");
        db.exec("""
                CREATE OR REPLACE FUNCTION chaos_count_bbm_update() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF current_setting('application_name') NOT LIKE '%s%%' THEN
                        NEW.bbm_changes := OLD.bbm_changes + 1;
                    END IF;
                    RETURN NEW;
                END $$""".formatted(FaultDatabase.TEST_SESSIONS));
        db.exec("CREATE TRIGGER chaos_count BEFORE UPDATE ON " + name
                + " FOR EACH ROW EXECUTE FUNCTION chaos_count_bbm_update()");
    }

    /** A random non-empty part of {@code all}, in its order: the columns a migration takes. */
    static <T> List<T> someOf(List<T> all, SplittableRandom random) {
        List<T> some = new ArrayList<>();
        for (T one : all) {
            if (random.nextBoolean()) {
                some.add(one);
            }
        }
        if (some.isEmpty()) {
            some.add(all.get(random.nextInt(all.size())));
        }
        return some;
    }

    /** GitLab's {@code [[column, …], [value or column, …]]}; a value is a JSON string or number as given. */
    static ArrayNode arguments(List<String> columns, List<?> values) {
        ArrayNode first = JSON.createArrayNode();
        columns.forEach(first::add);
        ArrayNode second = JSON.createArrayNode();
        for (Object value : values) {
            if (value instanceof Number number) {
                second.add(JSON.getNodeFactory().numberNode(number.longValue()));
            } else {
                second.add((String) value);
            }
        }
        return JSON.createArrayNode().add(first).add(second);
    }

    /** A SQL string literal. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return name;
    }
}
