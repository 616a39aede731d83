package dev.bbm.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A {@code DeleteRowsJob} table: rows are deleted where some of a varchar(12), a smallint and a
 * numeric(6,2) equal the queued values, among near misses ({@code 'archived2'}, {@code 'Archived'},
 * {@code 'stale '}, 12.51). The rows as set up are kept in {@code <table>_before}, and a trigger
 * records every deleted row, with the session's application name, in {@code <table>_deleted}.
 */
final class DeleteChaosTable extends ChaosTable {

    private record Condition(String column, Object value, String sql) {}

    private static final String[] STATES = {
        "active", "archived", "archived2", "Archived", "stale", "stale ", "archive", "gone"
    };
    private static final String[] SCORES = {"12.50", "0.00", "99.99", "12.51", "12.5"};

    private final List<Condition> conditions;

    DeleteChaosTable(String name, SplittableRandom random) {
        super(name, random);
        String state = List.of("archived", "stale", "gone").get(random.nextInt(3));
        int kind = 1 + random.nextInt(4);
        String score = List.of("12.50", "0.00").get(random.nextInt(2));
        this.conditions = someOf(
                List.of(
                        new Condition("state", state, "state = " + literal(state)),
                        new Condition("kind", kind, "kind = " + kind),
                        new Condition("score", score, "score = " + score)),
                random);
    }

    @Override
    String jobClassName() {
        return "DeleteRowsJob";
    }

    @Override
    ArrayNode jobArguments() {
        return arguments(
                conditions.stream().map(Condition::column).toList(),
                conditions.stream().map(Condition::value).toList());
    }

    @Override
    String columnsDdl() {
        return "state varchar(12), kind smallint, score numeric(6,2)";
    }

    @Override
    String setupColumns() {
        return "state, kind, score";
    }

    @Override
    String setupValues() {
        return "(ARRAY[" + quoted(STATES) + "])[1 + (g * 13 + " + salt + ") % " + STATES.length + "], "
                + "(1 + (g * 7 + " + salt + ") % 4)::smallint, "
                + "(ARRAY[" + String.join(", ", SCORES) + "])[1 + (g * 11 + " + salt + ") % " + SCORES.length + "]";
    }

    private static String quoted(String[] values) {
        return java.util.Arrays.stream(values).map(ChaosTable::literal).collect(Collectors.joining(", "));
    }

    /** The condition of the migration, as SQL over the columns of a row. */
    private String matches() {
        return conditions.stream().map(Condition::sql).collect(Collectors.joining(" AND ", "(", ")"));
    }

    @Override
    void prepare(FaultDatabase db) throws Exception {
        db.exec("CREATE TABLE " + name + "_before AS SELECT id, state, kind, score FROM " + name);
        db.exec("CREATE TABLE " + name + "_deleted AS SELECT *, ''::text AS deleted_by FROM " + name + " WITH NO DATA");
        db.exec("""
                CREATE OR REPLACE FUNCTION chaos_record_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    EXECUTE format('INSERT INTO %I SELECT ($1).*, $2', TG_TABLE_NAME || '_deleted')
                        USING OLD, current_setting('application_name');
                    RETURN OLD;
                END $$""");
        db.exec("CREATE TRIGGER chaos_deleted AFTER DELETE ON " + name
                + " FOR EACH ROW EXECUTE FUNCTION chaos_record_delete()");
    }

    @Override
    void insert(Connection connection, Long id, SplittableRandom random) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + name + " (id, state, kind, score, app_inserted) VALUES ("
                        + idValue(id) + ", ?, ?, ?, true)" + onConflict(id))) {
            insert.setString(1, STATES[random.nextInt(STATES.length)]);
            insert.setShort(2, (short) (1 + random.nextInt(4)));
            insert.setBigDecimal(3, new BigDecimal(SCORES[random.nextInt(SCORES.length)]));
            insert.executeUpdate();
        }
    }

    @Override
    List<String> check(FaultDatabase db, MigrationState m) throws Exception {
        String byBbm = "deleted_by NOT LIKE '" + FaultDatabase.TEST_SESSIONS + "%'";
        String kept = "NOT EXISTS (SELECT 1 FROM " + name + " t WHERE t.id = b.id)";
        List<String> problems = new ArrayList<>();
        expectNone(
                db,
                problems,
                m,
                "2",
                "deleted by bbm outside the migration's range",
                name + "_deleted",
                byBbm + " AND NOT (" + m.inRange() + ")");
        expectNone(
                db,
                problems,
                m,
                "1",
                "deleted though they did not match " + matches(),
                name + "_deleted",
                matches() + " IS NOT TRUE");
        expectNone(
                db,
                problems,
                m,
                "1",
                "deleted more than once",
                "(SELECT id FROM " + name + "_deleted GROUP BY id HAVING count(*) > 1) twice",
                "true");
        expectNone(
                db,
                problems,
                m,
                "1/2",
                "gone though they did not match or lay outside the range",
                name + "_before b",
                "(" + matches() + " AND " + m.inRange() + ") IS NOT TRUE AND " + kept);
        if (m.finishedByRunning()) {
            expectNone(
                    db,
                    problems,
                    m,
                    "1",
                    "matching rows of the range (there before the run) still there",
                    name + "_before b",
                    matches() + " AND " + m.inRange() + " AND NOT " + kept);
        }
        return problems;
    }
}
