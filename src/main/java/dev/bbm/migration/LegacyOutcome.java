package dev.bbm.migration;

import java.util.List;

/**
 * What running pending jobs of the non-batched queue did: how many succeeded and failed, what is
 * still pending, and each failure's message.
 */
public record LegacyOutcome(String className, int succeeded, int failed, long remaining, List<Failure> failures) {

    /** One job that failed, and why. */
    public record Failure(long id, String error) {}

    public LegacyOutcome {
        failures = List.copyOf(failures);
    }
}
