package dev.bbm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The impact controller against a model of a database: bbm's sub-batches take {@code work} ms,
 * and while one runs the application's probe is {@code 1 + full} times slower; between them (the
 * pause) it is as fast as idle. So the slowdown is {@code full × work / (work + pause)}.
 */
class ImpactControllerTest {

    private static final double IDLE_MS = 2.0;
    private static final List<Double> IDLE = Collections.nCopies(20, IDLE_MS);

    /** The probes the model gives at this pause. */
    private static List<Double> probes(double full, double work, int pauseMs) {
        double slowdown = slowdown(full, work, pauseMs);
        return Collections.nCopies(10, IDLE_MS * (1 + slowdown));
    }

    private static double slowdown(double full, double work, int pauseMs) {
        return full * work / (work + pauseMs);
    }

    @Property(tries = 300)
    void itConvergesWithinTheBudgetAndStaysThere(
            @ForAll @IntRange(min = 5, max = 50) int budgetPercent,
            @ForAll @DoubleRange(min = 0.2, max = 100) double full,
            @ForAll @DoubleRange(min = 0.5, max = 50) double work) {
        ImpactController controller = new ImpactController(budgetPercent);
        double budget = budgetPercent / 100.0;
        boolean reachable = slowdown(full, work, ImpactController.LONGEST_PAUSE_MS) <= budget;
        for (int step = 0; step < 100; step++) {
            controller.step(probes(full, work, controller.pauseMs()), IDLE);
        }
        int over = 0;
        for (int step = 0; step < 100; step++) {
            int pause = controller.pauseMs();
            if (reachable) {
                if (slowdown(full, work, pause) > budget + 1e-9) {
                    over++;
                }
            } else {
                assertEquals(ImpactController.LONGEST_PAUSE_MS, pause, "as slow as it goes, and still going");
            }
            controller.step(probes(full, work, pause), IDLE);
        }
        // Once converged it goes over budget only when it tries a shorter pause again, after
        // FORGET_AFTER_STEPS, and comes back at once.
        assertTrue(over <= 100 / ImpactController.FORGET_AFTER_STEPS + 1, over + " steps over budget out of 100");
        // Not slower than it must be: at full speed, or using at least half the budget, or the
        // next shorter pause would go over it.
        int pause = controller.pauseMs();
        int shorter = pause <= 1 ? 0 : pause - Math.max(1, pause / 6);
        if (reachable) {
            assertTrue(
                    pause == 0
                            // (the controller computes it from probe times: allow for rounding, also
                            // where the shorter pause lands exactly on the budget)
                            || slowdown(full, work, pause) >= budget * ImpactController.SPEED_UP_BELOW - 1e-9
                            || slowdown(full, work, shorter) > budget - 1e-9,
                    "needlessly slow: " + slowdown(full, work, pause) + " at " + pause + " ms");
        }
    }

    /** A case found by jqwik: at full speed the slowdown lands exactly on the budget. */
    @Test
    void aSlowdownExactlyOnTheBudgetAtFullSpeed() {
        itConvergesWithinTheBudgetAndStaysThere(32, 0.32, 0.5);
    }

    @Property(tries = 200)
    void itBacksOffAtOnce(
            @ForAll @IntRange(min = 0, max = 1500) int startPause,
            @ForAll @IntRange(min = 5, max = 50) int budgetPercent) {
        ImpactController controller = new ImpactController(budgetPercent);
        // Walk the pause to roughly startPause with over-budget steps from zero.
        while (controller.pauseMs() < startPause) {
            controller.step(Collections.nCopies(10, IDLE_MS * 10), IDLE);
        }
        int before = controller.pauseMs();
        var decision = controller.step(Collections.nCopies(10, IDLE_MS * (1 + budgetPercent / 100.0 * 1.5)), IDLE);
        assertTrue(decision.isPresent());
        assertEquals(
                Math.min(ImpactController.LONGEST_PAUSE_MS, Math.max(ImpactController.FIRST_PAUSE_MS, before * 2)),
                controller.pauseMs());
        assertTrue(decision.get().slowedDown(before) || before == ImpactController.LONGEST_PAUSE_MS);
    }

    @Property(tries = 100)
    void itNeverStallsWhenTheApplicationIsUnaffected(@ForAll @IntRange(min = 1, max = 100) int budgetPercent) {
        ImpactController controller = new ImpactController(budgetPercent);
        for (int i = 0; i < 20; i++) {
            controller.step(Collections.nCopies(10, 1000.0), IDLE);
        }
        assertEquals(ImpactController.LONGEST_PAUSE_MS, controller.pauseMs());
        int steps = 0;
        while (controller.pauseMs() > 0) {
            controller.step(IDLE, IDLE);
            steps++;
        }
        // It holds while a shorter pause is known to go over budget, then goes back to full speed:
        // in well under a minute of 200 ms steps.
        assertTrue(steps < ImpactController.FORGET_AFTER_STEPS + 60, steps + " steps");
    }

    @Test
    void tooFewProbesHoldThePace() {
        ImpactController controller = new ImpactController(10);
        assertTrue(controller.step(List.of(50.0, 50.0), IDLE).isEmpty());
        assertTrue(controller.step(IDLE, List.of(2.0)).isEmpty());
        assertEquals(0, controller.pauseMs());
    }

    @Test
    void theDecisionSaysWhy() {
        ImpactController controller = new ImpactController(10);
        var decision = controller.step(Collections.nCopies(10, 3.0), IDLE).orElseThrow();
        assertEquals(0.5, decision.slowdown(), 1e-9);
        assertEquals(ImpactController.FIRST_PAUSE_MS, decision.pauseMs());
        assertTrue(decision.reason().contains("+50 % against a budget of 10 %"), decision.reason());
        assertTrue(decision.reason().contains("0 -> 5 ms"), decision.reason());
    }

    @Test
    void aBudgetMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ImpactController(0));
    }
}
