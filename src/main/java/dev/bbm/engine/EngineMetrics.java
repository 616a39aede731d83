package dev.bbm.engine;

import dev.bbm.migration.BatchedMigration;
import dev.bbm.migration.MigratedTuples;
import java.util.List;
import java.util.Map;

/** What the engine reports as it works; {@link #NONE} for an engine nobody scrapes. */
public interface EngineMetrics {

    EngineMetrics NONE = new EngineMetrics() {};

    /** One sub-batch statement ran: its duration and the rows it changed. */
    default void subBatch(BatchedMigration migration, double seconds, int rows) {}

    /** A batch of {@code batchSize} keys in sub-batches of {@code subBatchSize} ended. */
    default void jobFinished(
            BatchedMigration migration, int batchSize, int subBatchSize, boolean succeeded, double seconds) {}

    /** The impact controller's pace for a migration, and the slowdown it saw. */
    default void impact(BatchedMigration migration, int pauseMs, double slowdown) {}

    /** Migrations per status, and held migrations per health indicator, as seen at a tick. */
    default void snapshot(Map<String, Long> byStatus, Map<String, Long> heldByIndicator) {}

    /** What the database says migrations have migrated (GitLab's {@code migrated_tuple_count}). */
    default void migrated(List<MigratedTuples> figures) {}
}
