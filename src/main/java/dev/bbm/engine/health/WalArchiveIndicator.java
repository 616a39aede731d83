package dev.bbm.engine.health;

import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/** GitLab's {@code WriteAheadLog} indicator: WAL segments piling up unarchived. */
final class WalArchiveIndicator implements HealthIndicator {

    static final String NAME = "wal_archive";
    private final int maxReadyFiles;

    WalArchiveIndicator(int maxReadyFiles) {
        this.maxReadyFiles = maxReadyFiles;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<HealthSignal> evaluate(SqlClient client, BatchedMigration migration) {
        return client.query("SELECT current_setting('archive_mode') AS mode")
                .execute()
                .flatMap(mode -> {
                    if ("off".equals(mode.iterator().next().getString("mode"))) {
                        return Uni.createFrom().item(new HealthSignal.NotAvailable(NAME));
                    }
                    return client.query(
                                    "SELECT count(*) AS ready FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'")
                            .execute()
                            .map(rows -> {
                                long ready = rows.iterator().next().getLong("ready");
                                return ready > maxReadyFiles
                                        ? new HealthSignal.Stop(
                                                NAME,
                                                ready + " WAL files wait to be archived (more than " + maxReadyFiles
                                                        + ")")
                                        : new HealthSignal.Normal(NAME);
                            });
                });
    }
}
