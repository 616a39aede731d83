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
 * A {@code BackfillColumnJob} table: some of a varchar(n), a numeric(p,s), a bigint and a text
 * column are set where NULL, each to a value that fits its type exactly (n characters, p digits,
 * beyond 2^53, quotes and accents). Each column has a shadow ({@code label0}, …) holding the value
 * it had before the run, which bbm never touches, so the end state can be checked row by row.
 */
final class BackfillChaosTable extends ChaosTable {

    /** A backfilled column: its name, SQL type, the value queued (JSON) and that value as SQL. */
    private record Column(String name, String type, Object value, String sqlValue) {}

    private static final String CHARACTERS = "abcxyzABCXYZ0129 é'\"\\ü-ß";

    private final List<Column> columns;
    private final List<Column> backfilled;

    BackfillChaosTable(String name, SplittableRandom random) {
        super(name, random);
        int length = 4 + random.nextInt(13);
        StringBuilder characters = new StringBuilder();
        for (int i = 0; i < length; i++) {
            characters.append(CHARACTERS.charAt(random.nextInt(CHARACTERS.length())));
        }
        String label = characters.toString();
        int precision = 5 + random.nextInt(8);
        int scale = random.nextInt(Math.min(4, precision - 1) + 1);
        StringBuilder digits = new StringBuilder(random.nextBoolean() ? "-" : "").append(1 + random.nextInt(9));
        for (int i = 1; i < precision; i++) {
            digits.append(random.nextInt(10));
        }
        BigDecimal amount = new BigDecimal(digits.toString()).movePointLeft(scale);
        long big =
                (random.nextBoolean() ? 1 : -1) * ((1L << 53) + 1 + random.nextLong(Long.MAX_VALUE - (1L << 53) - 1));
        String note = "note " + characters.reverse() + " ’“ " + random.nextInt(1000);
        this.columns = List.of(
                new Column("label", "varchar(" + length + ")", label, literal(label)),
                new Column(
                        "amount",
                        "numeric(" + precision + "," + scale + ")",
                        amount.toPlainString(),
                        amount.toPlainString() + "::numeric"),
                new Column("big", "bigint", big, big + "::bigint"),
                new Column("note", "text", note, literal(note)));
        this.backfilled = someOf(columns, random);
    }

    @Override
    String jobClassName() {
        return "BackfillColumnJob";
    }

    @Override
    ArrayNode jobArguments() {
        return arguments(
                backfilled.stream().map(Column::name).toList(),
                backfilled.stream().map(Column::value).toList());
    }

    @Override
    String columnsDdl() {
        return columns.stream()
                .map(c -> c.name() + " " + c.type() + ", " + c.name() + "0 " + c.type())
                .collect(Collectors.joining(", "));
    }

    @Override
    String setupColumns() {
        return "label, amount, big, note";
    }

    /** About a third of each column NULL, in a different pattern per column; the rest with values of their own. */
    @Override
    String setupValues() {
        return "CASE WHEN (g * 7 + " + salt + ") % 3 = 0 THEN NULL ELSE left('orig' || g, " + typeLength() + ") END, "
                + "CASE WHEN (g * 11 + " + salt + ") % 3 = 0 THEN NULL ELSE g % 10 END, "
                + "CASE WHEN (g * 13 + " + salt + ") % 3 = 0 THEN NULL ELSE g * 1000 END, "
                + "CASE WHEN (g * 17 + " + salt + ") % 3 = 0 THEN NULL ELSE 'note ' || g END";
    }

    private int typeLength() {
        String type = columns.get(0).type();
        return Integer.parseInt(type.substring(type.indexOf('(') + 1, type.indexOf(')')));
    }

    @Override
    void prepare(FaultDatabase db) throws Exception {
        db.exec("UPDATE " + name + " SET "
                + columns.stream().map(c -> c.name() + "0 = " + c.name()).collect(Collectors.joining(", ")));
        // The application's inserts keep their shadows too.
        db.exec("CREATE FUNCTION " + name + "_shadow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + columns.stream()
                        .map(c -> "NEW." + c.name() + "0 := NEW." + c.name() + ";")
                        .collect(Collectors.joining(" "))
                + " RETURN NEW; END $$");
        db.exec("CREATE TRIGGER shadow BEFORE INSERT ON " + name + " FOR EACH ROW EXECUTE FUNCTION " + name
                + "_shadow()");
        countBbmUpdates(db);
    }

    @Override
    void insert(Connection connection, Long id, SplittableRandom random) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + name + " (id, label, amount, big, note, app_inserted) VALUES (" + idValue(id)
                        + ", ?, ?, ?, ?, true)" + onConflict(id))) {
            String label = "app" + random.nextInt(1_000_000);
            setOrNull(insert, 1, random, Types.VARCHAR, label.substring(0, Math.min(label.length(), typeLength())));
            setOrNull(insert, 2, random, Types.NUMERIC, BigDecimal.valueOf(random.nextInt(10)));
            setOrNull(insert, 3, random, Types.BIGINT, random.nextLong());
            setOrNull(insert, 4, random, Types.VARCHAR, "app note " + random.nextInt(1000));
            insert.executeUpdate();
        }
    }

    private static void setOrNull(
            PreparedStatement statement, int index, SplittableRandom random, int type, Object value)
            throws SQLException {
        if (random.nextInt(3) == 0) {
            statement.setNull(index, type);
        } else {
            statement.setObject(index, value, type);
        }
    }

    @Override
    List<String> check(FaultDatabase db, MigrationState m) throws Exception {
        // What each column must hold once bbm updated the row: the queued value where it was NULL.
        String wrongAfterUpdate = columns.stream()
                .map(c -> c.name() + " IS DISTINCT FROM "
                        + (backfilled.contains(c)
                                ? "coalesce(" + c.name() + "0, " + c.sqlValue() + ")"
                                : c.name() + "0"))
                .collect(Collectors.joining(" OR ", "(", ")"));
        String changed = columns.stream()
                .map(c -> c.name() + " IS DISTINCT FROM " + c.name() + "0")
                .collect(Collectors.joining(" OR ", "(", ")"));
        String hadNull =
                backfilled.stream().map(c -> c.name() + "0 IS NULL").collect(Collectors.joining(" OR ", "(", ")"));
        List<String> problems = new ArrayList<>();
        expectNone(
                db,
                problems,
                m,
                "2",
                "changed by bbm outside the migration's range",
                name,
                "NOT (" + m.inRange() + ") AND bbm_changes > 0");
        expectNone(db, problems, m, "1", "updated by bbm more than once", name, "bbm_changes > 1");
        expectNone(
                db,
                problems,
                m,
                "1",
                "updated by bbm without a NULL to backfill",
                name,
                "bbm_changes > 0 AND NOT " + hadNull);
        expectNone(
                db,
                problems,
                m,
                "1",
                "backfilled, yet not exactly the queued value where NULL and the old value elsewhere",
                name,
                "bbm_changes = 1 AND " + wrongAfterUpdate);
        expectNone(
                db, problems, m, "1", "changed though bbm never updated them", name, "bbm_changes = 0 AND " + changed);
        if (m.finishedByRunning()) {
            expectNone(
                    db,
                    problems,
                    m,
                    "1",
                    "rows of the range with a NULL (there before the run) not backfilled exactly once",
                    name,
                    m.inRange() + " AND NOT app_inserted AND " + hadNull + " AND bbm_changes <> 1");
        }
        return problems;
    }
}
