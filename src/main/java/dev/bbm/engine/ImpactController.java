package dev.bbm.engine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps a migration as fast as the application's impact budget allows: it compares how long a
 * small probe takes on the database now with how long it took while bbm did nothing, and sets the
 * pause between sub-batches from that. Over budget, the pause doubles at once (it backs off
 * fast); well under it, the pause shrinks by a sixth each step down to none (it speeds up
 * gradually), but not below a pause that went over budget in the last ten seconds (so that it
 * does not swing between the two); in between, it holds. Pure logic, no I/O: the engine feeds
 * it probe times.
 *
 * <p>The signal is a tail (the 90th percentile of the last probes), because the operator's budget
 * is about the application's slow requests, not its average.
 */
public final class ImpactController {

    /** The first pause when bbm must slow down from full speed. */
    static final int FIRST_PAUSE_MS = 5;

    /** The longest pause: bbm then runs a sub-batch every two seconds, and still makes progress. */
    static final int LONGEST_PAUSE_MS = 2000;

    /** Below this share of the budget the pause shrinks; between it and the budget it holds. */
    static final double SPEED_UP_BELOW = 0.5;

    /** What the controller decided, and why, for the API, the metrics and the log. */
    public record Decision(int pauseMs, double slowdown, double probeMillis, double baselineMillis, String reason) {

        /** Whether this decision slowed bbm down. */
        public boolean slowedDown(int previousPauseMs) {
            return pauseMs > previousPauseMs;
        }
    }

    /**
     * Steps after which a pause that went over budget may be tried again (10 s at the engine's
     * 200 ms steps): the application's load changes.
     */
    static final int FORGET_AFTER_STEPS = 50;

    private final double budget;
    private int pauseMs;
    /** A pause shorter than this went over budget within the last {@link #FORGET_AFTER_STEPS}. */
    private int shortestSafeMs;

    private int stepsSinceOver;

    /**
     * @param budgetPercent how much slower the application may get, in percent (10 = 10 %)
     */
    public ImpactController(int budgetPercent) {
        if (budgetPercent <= 0) {
            throw new IllegalArgumentException("the budget must be positive, not " + budgetPercent);
        }
        this.budget = budgetPercent / 100.0;
    }

    public int pauseMs() {
        return pauseMs;
    }

    /**
     * One step: the probe times since the last step (milliseconds) against those taken while bbm
     * was idle.
     *
     * @return the decision, or empty when there are not enough probes to judge (the pause holds)
     */
    public Optional<Decision> step(List<Double> recentMillis, List<Double> idleMillis) {
        if (recentMillis.size() < 3 || idleMillis.size() < 3) {
            return Optional.empty();
        }
        double now = tail(recentMillis);
        double idle = Math.max(tail(idleMillis), 0.05);
        double slowdown = now / idle - 1;
        int before = pauseMs;
        String why;
        if (slowdown > budget) {
            // This pause, and any shorter one, is too short for now.
            shortestSafeMs = Math.max(shortestSafeMs, pauseMs + 1);
            stepsSinceOver = 0;
            pauseMs = Math.min(LONGEST_PAUSE_MS, Math.max(FIRST_PAUSE_MS, pauseMs * 2));
            why = "over budget: pause doubled";
        } else if (slowdown < budget * SPEED_UP_BELOW) {
            if (++stepsSinceOver > FORGET_AFTER_STEPS) {
                shortestSafeMs = 0; // the application's load may have changed: try shorter again
            }
            int shorter = pauseMs <= 1 ? 0 : pauseMs - Math.max(1, pauseMs / 6);
            pauseMs = Math.min(pauseMs, Math.max(shorter, shortestSafeMs));
            why = pauseMs < before
                    ? "well under budget: pause shortened"
                    : "well under budget, but a shorter pause went over it lately: pause held";
        } else {
            stepsSinceOver++;
            why = "within budget: pause held";
        }
        return Optional.of(new Decision(
                pauseMs,
                slowdown,
                now,
                idle,
                String.format(
                        Locale.ROOT,
                        "probe p90 %.2f ms vs %.2f ms idle: %+.0f %% against a budget of %.0f %%; %s (%d -> %d ms)",
                        now,
                        idle,
                        slowdown * 100,
                        budget * 100,
                        why,
                        before,
                        pauseMs)));
    }

    /** The 90th percentile (nearest rank). */
    static double tail(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(0.9 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
