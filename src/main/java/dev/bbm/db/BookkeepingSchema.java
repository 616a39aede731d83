package dev.bbm.db;

import org.flywaydb.core.Flyway;

/**
 * bbm's bookkeeping tables (GitLab's, plus bbm's columns), created or brought up to date by Flyway
 * in a database bbm serves. Quarkus migrates the {@code main} datasource at start with the same
 * settings ({@code quarkus.flyway.*} in application.properties); other databases use this.
 */
public final class BookkeepingSchema {

    /** Flyway's history table: apart from an application's own {@code flyway_schema_history}. */
    public static final String HISTORY_TABLE = "bbm_schema_history";

    private BookkeepingSchema() {}

    /**
     * Migrates the database at {@code jdbcUrl} (credentials in the URL or given here); a
     * non-empty database is accepted, as bbm's tables live beside the application's.
     */
    public static void migrate(String jdbcUrl, String user, String password) {
        Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
