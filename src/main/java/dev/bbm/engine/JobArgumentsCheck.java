package dev.bbm.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bbm.db.CatalogRepository;
import dev.bbm.db.TableInfo;
import dev.bbm.jobs.BatchedMigrationJob;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything checked before a job class runs on a table, whether a migration is queued or a job of
 * the non-batched queue is about to run: the table is an application's, the column an integer
 * key, the arguments fit the job class, every constant fits its column exactly, and PostgreSQL
 * accepts the job's statement (run on an empty range and rolled back).
 */
public final class JobArgumentsCheck {

    /** What is wrong, and with which field of the request ({@code table_name}, {@code job_arguments}). */
    public record Problem(String field, String message) {}

    /** The job cannot run as asked; nothing was written. */
    public static final class Refused extends RuntimeException {
        private final transient List<Problem> problems;

        public Refused(List<Problem> problems) {
            super(
                    String.join(
                            "; ",
                            problems.stream()
                                    .map(p -> p.field() + ": " + p.message())
                                    .toList()),
                    null,
                    false,
                    false);
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    /** bbm's bookkeeping: a migration of these could destroy the record of every migration. */
    static final Set<String> BBM_TABLES = Set.of(
            "batched_background_migrations",
            "batched_background_migration_jobs",
            "batched_background_migration_job_transition_logs",
            "background_migration_jobs",
            "bbm_application_settings",
            "bbm_schema_history");

    private final Pool pool;
    private final CatalogRepository catalog;

    public JobArgumentsCheck(DatabaseContext db) {
        this.pool = db.pool();
        this.catalog = db.catalog();
    }

    /** The table as the catalog knows it, under any of its spellings. */
    public Uni<Optional<TableInfo>> find(String tableName) {
        return catalog.findTable(pool, tableName);
    }

    public Uni<TableInfo> check(
            BatchedMigrationJob job,
            String tableName,
            String columnName,
            JsonNode arguments,
            Optional<TableInfo> found) {
        if (found.isEmpty()) {
            throw new Refused(List.of(new Problem("table_name", "table '" + tableName + "' does not exist")));
        }
        TableInfo table = found.get();
        if (table.schema().startsWith("pg_") || table.schema().equals("information_schema")) {
            throw new Refused(List.of(new Problem(
                    "table_name", "'" + tableName + "' is a system catalog; bbm migrates application tables only")));
        }
        if (BBM_TABLES.contains(table.name())) {
            throw new Refused(List.of(new Problem(
                    "table_name",
                    "'" + tableName + "' is one of bbm's own tables; bbm migrates application tables only")));
        }
        List<Problem> errors = new ArrayList<>();
        if (table.columnType(columnName).isEmpty()) {
            errors.add(new Problem(
                    "column_name", "column '" + columnName + "' does not exist in table '" + tableName + "'"));
        } else if (!table.isIntegerColumn(columnName)) {
            errors.add(new Problem(
                    "column_name",
                    "column '" + columnName
                            + "' must be an integer column (smallint, integer or bigint) to be cut into key ranges"));
        }
        job.validateArguments(arguments, table, columnName)
                .forEach(message -> errors.add(new Problem("job_arguments", message)));
        if (!errors.isEmpty()) {
            throw new Refused(errors);
        }
        return valuesFit(job.columnValues(arguments), table)
                .flatMap(ignored -> dryRun(job, new BatchedMigrationJob.SubBatch(table, columnName, arguments)))
                .replaceWith(table);
    }

    /**
     * Refuses a constant its column cannot hold exactly: a {@code varchar(8)} would cut
     * {@code archived_old} to {@code archived} (and a delete would then match {@code archived}),
     * a {@code numeric(5,2)} would round {@code 1.239}.
     */
    private Uni<Void> valuesFit(List<BatchedMigrationJob.ColumnValue> values, TableInfo table) {
        return Multi.createFrom()
                .iterable(values)
                .onItem()
                .transformToUniAndConcatenate(value -> catalog.storedAs(pool, table, value.column(), value.value())
                        .map(stored -> stored.map(s -> "value \"" + value.value() + "\" does not fit column '"
                                + value.column()
                                + "' (" + table.columnType(value.column()).orElseThrow()
                                + ") exactly: it would become \""
                                + s + "\"; give a value the column holds as it is"))
                        .onFailure(PgException.class)
                        .recoverWithItem(e -> Optional.of("value \"" + value.value()
                                + "\" is not a valid "
                                + table.columnType(value.column()).orElseThrow() + " for column '"
                                + value.column() + "': " + ((PgException) e).getErrorMessage())))
                .collect()
                .asList()
                .invoke(problems -> {
                    List<Problem> errors = problems.stream()
                            .flatMap(Optional::stream)
                            .map(message -> new Problem("job_arguments", message))
                            .toList();
                    if (!errors.isEmpty()) {
                        throw new Refused(errors);
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Runs the job's SQL on an empty range in a transaction that is rolled back: PostgreSQL then
     * checks what the catalog alone cannot (types that do not convert, missing privileges).
     */
    private Uni<Void> dryRun(BatchedMigrationJob job, BatchedMigrationJob.SubBatch empty) {
        BatchedMigrationJob.SubBatchStatement statement = job.subBatchStatement(empty);
        return pool.withConnection(connection -> connection
                        .begin()
                        .flatMap(tx -> inOrder(connection, statement.statements(), Tuple.from(statement.params(1, 0)))
                                .onItemOrFailure()
                                .call(tx::rollback)))
                .onFailure(PgException.class)
                .transform(e -> new Refused(List.of(new Problem(
                        "job_arguments",
                        "PostgreSQL refused the job's statement: " + ((PgException) e).getErrorMessage()))))
                .replaceWithVoid();
    }

    /** Runs the statements one after the other, each with the same parameters. */
    static Uni<Void> inOrder(SqlClient client, List<String> statements, Tuple params) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (String sql : statements) {
            done = done.flatMap(
                    ignored -> client.preparedQuery(sql).execute(params).replaceWithVoid());
        }
        return done;
    }
}
