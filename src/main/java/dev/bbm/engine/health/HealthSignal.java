package dev.bbm.engine.health;

/**
 * What a database-health indicator says about running the next batch (GitLab's
 * {@code HealthStatus::Signals}).
 */
public sealed interface HealthSignal {

    String indicator();

    /** Go ahead. */
    record Normal(String indicator) implements HealthSignal {}

    /** Hold the migration: {@code reason} says what the indicator saw. */
    record Stop(String indicator, String reason) implements HealthSignal {}

    /** The indicator failed (logged); it never stops a migration on its own. */
    record Unknown(String indicator, String reason) implements HealthSignal {}

    /** Turned off, or meaningless on this server. */
    record NotAvailable(String indicator) implements HealthSignal {}
}
