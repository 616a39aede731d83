package dev.bbm.engine;

import dev.bbm.db.JobRepository;
import dev.bbm.db.TableInfo;
import dev.bbm.migration.BatchedJob;
import dev.bbm.migration.BatchedMigration;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import org.jboss.logging.Logger;

/**
 * GitLab's {@code split_and_retry!}: a batch that keeps timing out is cut in two halves of its
 * remaining keys, each retried with fresh attempts. Splitting only what is left keeps committed
 * sub-batches from running twice.
 */
public final class JobSplitter {

    private static final Logger LOG = Logger.getLogger(JobSplitter.class);

    private JobSplitter() {}

    /** @return whether the job was split (a job with fewer than two keys left cannot be) */
    public static Uni<Boolean> split(
            SqlClient client, JobRepository jobs, BatchedMigration migration, BatchedJob job, TableInfo table) {
        if (job.isCovered()) {
            return Uni.createFrom().item(false);
        }
        return PrimaryKeyBatchingStrategy.next(
                        client,
                        table.qualifiedName(),
                        migration.columnName(),
                        job.resumeFrom(),
                        job.maxValue(),
                        Integer.MAX_VALUE)
                .flatMap(remaining -> {
                    int keys = remaining.map(BatchRange::keys).orElse(0);
                    if (keys < 2) {
                        return Uni.createFrom().item(false);
                    }
                    int firstHalf = keys / 2;
                    return PrimaryKeyBatchingStrategy.next(
                                    client,
                                    table.qualifiedName(),
                                    migration.columnName(),
                                    job.resumeFrom(),
                                    job.maxValue(),
                                    firstHalf)
                            .flatMap(half ->
                                    jobs.split(client, job, half.orElseThrow().max(), keys - firstHalf))
                            .invoke(() ->
                                    LOG.infof("Split batch %d of migration %d in two halves", job.id(), migration.id()))
                            .replaceWith(true);
                });
    }
}
