package dev.bbm.engine.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The database-health indicators that hold a migration, each with a switch and a threshold. */
@ConfigMapping(prefix = "bbm.database-health")
public interface DatabaseHealthConfig {

    /** Off here turns every indicator off. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the indicators are evaluated for a running migration: before a batch, unless they
     * were evaluated less than this ago (GitLab evaluates before every batch, whose interval is
     * minutes; with interval 0 that would query the statistics views dozens of times a second).
     */
    @WithDefault("5s")
    Duration evaluateEvery();

    /** How long a Stop holds the migration ({@code on_hold_until = now + hold-time}). */
    @WithDefault("10m")
    Duration holdTime();

    Autovacuum autovacuum();

    WalArchive walArchive();

    ReplicationLag replicationLag();

    LongTransaction longTransaction();

    LockWaits lockWaits();

    /** GitLab's first indicator: an autovacuum on the migration's table competes with the batches. */
    interface Autovacuum {
        @WithDefault("true")
        boolean enabled();
    }

    /** GitLab's WAL indicator: too many WAL files waiting to be archived. */
    interface WalArchive {
        @WithDefault("true")
        boolean enabled();

        /** GitLab's threshold. */
        @WithDefault("42")
        int maxReadyFiles();
    }

    /** Standbys falling behind: replay lag, or WAL a replication slot holds back. */
    interface ReplicationLag {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("60s")
        Duration maxReplayLag();

        /** WAL retained by the furthest-behind physical replication slot. */
        @WithDefault("1073741824")
        long maxSlotRetainedBytes();
    }

    /** A long open transaction keeps VACUUM from cleaning what the batches leave behind. */
    interface LongTransaction {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("10m")
        Duration maxAge();
    }

    /** Sessions waiting for a lock on the migration's table (a DDL, say): let them through first. */
    interface LockWaits {
        @WithDefault("true")
        boolean enabled();

        /** Stop when more sessions than this wait. */
        @WithDefault("0")
        int maxWaiting();
    }
}
