package dev.bbm.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A {@code CopyColumnUsingBackgroundMigrationJob} table: one to three of integer → bigint,
 * varchar → text and numeric(10,2) → numeric(14,2), with GitLab's sync trigger, which keeps each
 * target equal to its source for the rows the application writes while the copy runs.
 */
final class CopyChaosTable extends ChaosTable {

    private record Pair(String source, String target) {}

    private static final List<Pair> PAIRS =
            List.of(new Pair("a", "a_big"), new Pair("label", "label_text"), new Pair("amount", "amount_wide"));

    private final List<Pair> pairs;

    CopyChaosTable(String name, SplittableRandom random) {
        super(name, random);
        this.pairs = someOf(PAIRS, random);
    }

    @Override
    String jobClassName() {
        return "CopyColumnUsingBackgroundMigrationJob";
    }

    @Override
    ArrayNode jobArguments() {
        return arguments(
                pairs.stream().map(Pair::source).toList(),
                pairs.stream().map(Pair::target).toList());
    }

    @Override
    String columnsDdl() {
        return "a integer, a_big bigint, label varchar(24), label_text text, amount numeric(10,2), amount_wide numeric(14,2)";
    }

    @Override
    String setupColumns() {
        return "a, label, amount";
    }

    @Override
    String setupValues() {
        return "CASE WHEN g % 17 = 3 THEN NULL ELSE (g * 7919 + " + salt + ") % 2000000000 END, "
                + "'étiquette-' || g, ((g * 31 + " + salt + ") % 100000000) / 100.0";
    }

    @Override
    void prepare(FaultDatabase db) throws Exception {
        String assignments = pairs.stream()
                .map(p -> "NEW." + p.target() + " := NEW." + p.source() + ";")
                .collect(Collectors.joining(" "));
        db.exec("CREATE FUNCTION " + name + "_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + assignments
                + " RETURN NEW; END $$");
        db.exec("CREATE TRIGGER sync BEFORE INSERT OR UPDATE OF a, label, amount ON " + name
                + " FOR EACH ROW EXECUTE FUNCTION " + name + "_sync()");
        countBbmUpdates(db);
    }

    /** The application changes the sources; the sync trigger follows with the targets. */
    @Override
    void update(Connection connection, long id, SplittableRandom random) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + name
                        + " SET a = a + 1, label = left(label, 12) || ?, amount = amount + 0.01, payload = payload + 1 WHERE id = ?")) {
            update.setString(1, "-" + random.nextInt(1000));
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    @Override
    void insert(Connection connection, Long id, SplittableRandom random) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + name + " (id, a, label, amount, app_inserted) VALUES ("
                        + idValue(id) + ", ?, ?, ?, true)" + onConflict(id))) {
            if (random.nextInt(10) == 0) {
                insert.setNull(1, Types.INTEGER);
            } else {
                insert.setInt(1, random.nextInt(1_000_000_000));
            }
            insert.setString(2, "app-" + random.nextInt(1_000_000));
            insert.setBigDecimal(3, BigDecimal.valueOf(random.nextInt(100_000_000), 2));
            insert.executeUpdate();
        }
    }

    @Override
    List<String> check(FaultDatabase db, MigrationState m) throws Exception {
        String differs = pairs.stream()
                .map(p -> p.target() + " IS DISTINCT FROM " + p.source())
                .collect(Collectors.joining(" OR ", "(", ")"));
        List<String> problems = new ArrayList<>();
        expectNone(
                db,
                problems,
                m,
                "2",
                "changed by bbm outside the migration's range",
                name,
                "NOT (" + m.inRange() + ") AND bbm_changes > 0");
        expectNone(db, problems, m, "1", "copied by bbm more than once", name, "bbm_changes > 1");
        expectNone(
                db,
                problems,
                m,
                "1",
                "copied, yet a target differs from its source",
                name,
                "bbm_changes > 0 AND " + differs);
        if (m.finishedByRunning()) {
            expectNone(
                    db,
                    problems,
                    m,
                    "1",
                    "rows of the range (there before the run) not copied exactly once",
                    name,
                    m.inRange() + " AND NOT app_inserted AND bbm_changes <> 1");
            expectNone(
                    db,
                    problems,
                    m,
                    "1",
                    "a target differs from its source after the copy finished",
                    name,
                    m.inRange() + " AND " + differs);
        }
        return problems;
    }
}
