package dev.bbm.migration;

import static dev.bbm.migration.MigrationStatus.ACTIVE;
import static dev.bbm.migration.MigrationStatus.FAILED;
import static dev.bbm.migration.MigrationStatus.FINALIZED;
import static dev.bbm.migration.MigrationStatus.FINALIZING;
import static dev.bbm.migration.MigrationStatus.FINISHED;
import static dev.bbm.migration.MigrationStatus.PAUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The status machine of a migration as an explicit table, checked against {@link MigrationTransition}
 * and then walked at random. A step is applied the way {@code MigrationRepository.transition} applies
 * it in SQL ({@code SET status = to WHERE status = ANY(from)}): on the status code, moving only when
 * the code is among the edge's {@code from} codes, otherwise refused.
 */
class MigrationTransitionPropertiesTest {

    /** The model, written out independently of the enum: each transition's allowed from statuses and its to. */
    record Edge(Set<MigrationStatus> from, MigrationStatus to) {}

    static final Map<MigrationTransition, Edge> TABLE = new EnumMap<>(Map.of(
            MigrationTransition.PAUSE, new Edge(EnumSet.of(ACTIVE), PAUSED),
            MigrationTransition.RESUME, new Edge(EnumSet.of(PAUSED), ACTIVE),
            MigrationTransition.RETRY, new Edge(EnumSet.of(FAILED), ACTIVE),
            MigrationTransition.FINALIZE, new Edge(EnumSet.of(ACTIVE, PAUSED, FAILED, FINALIZING), FINALIZING),
            MigrationTransition.MARK_FINISHED, new Edge(EnumSet.of(ACTIVE, PAUSED, FAILED, FINALIZING), FINISHED),
            MigrationTransition.FINISH, new Edge(EnumSet.of(ACTIVE, FINALIZING), FINISHED),
            MigrationTransition.FAIL, new Edge(EnumSet.of(ACTIVE, FINALIZING), FAILED)));

    /** What operators can do through the API; the others are the engine's. */
    static final Set<MigrationTransition> OPERATOR = EnumSet.of(
            MigrationTransition.PAUSE,
            MigrationTransition.RESUME,
            MigrationTransition.RETRY,
            MigrationTransition.FINALIZE,
            MigrationTransition.MARK_FINISHED);

    /** The statuses a migration is born with: queued (active, or finished for an empty table), or paused by SQL. */
    static final Set<MigrationStatus> BIRTH = EnumSet.of(ACTIVE, FINISHED, PAUSED);

    /** The one way out of each terminal status. */
    static final Map<MigrationStatus, Set<MigrationStatus>> TERMINAL_EXITS = Map.of(
            FINISHED, EnumSet.of(FINISHED),
            // Written by GitLab only (bbm keeps finished at 3); read as done, and never left.
            FINALIZED, EnumSet.of(FINALIZED));

    // ---- The table -------------------------------------------------------------------------------

    @Example
    void theTransitionTableIsExactlyTheModel() {
        assertEquals(EnumSet.allOf(MigrationTransition.class), TABLE.keySet(), "a transition without a model edge");
        for (MigrationTransition t : MigrationTransition.values()) {
            assertEquals(TABLE.get(t).from(), t.from(), t + " from");
            assertEquals(TABLE.get(t).to(), t.to(), t + " to");
            for (MigrationStatus s : MigrationStatus.values()) {
                assertEquals(t.from().contains(s), t.allowedFrom(s), t + " allowedFrom " + s);
            }
        }
    }

    @Example
    void everyStatusCodeSatisfiesTheDatabaseCheckConstraint() throws IOException {
        Set<Integer> allowed = databaseStatusCodes();
        Set<Integer> codes =
                Arrays.stream(MigrationStatus.values()).map(s -> (int) s.code()).collect(Collectors.toSet());
        assertEquals(allowed, codes, "MigrationStatus codes vs. check_status_known");
        for (MigrationStatus s : MigrationStatus.values()) {
            assertEquals(s, MigrationStatus.fromCode(s.code()));
            assertEquals(s, MigrationStatus.fromApiName(s.apiName()).orElseThrow());
        }
    }

    @Example
    void theDoneStatusesAreTheTerminalOnes() {
        for (MigrationStatus s : MigrationStatus.values()) {
            assertEquals(TERMINAL_EXITS.containsKey(s), s.isDone(), s.toString());
        }
    }

    @Example
    void everyRefusalTellsTheOperatorWhatIsAllowed() {
        for (MigrationTransition t : MigrationTransition.values()) {
            assertFalse(t.refusal().isBlank(), t.toString());
            assertTrue(t.refusal().endsWith("."), t.toString());
            assertFalse(t.refusal().contains("Exception") || t.refusal().contains("dev.bbm"), t.toString());
        }
    }

    // ---- Random walks ----------------------------------------------------------------------------

    @Property(tries = 2000)
    void aRandomSequenceOfTransitionsStaysInsideTheMachine(
            @ForAll("births") MigrationStatus start, @ForAll @Size(max = 60) List<MigrationTransition> steps) {
        MigrationStatus current = start;
        for (MigrationTransition t : steps) {
            MigrationStatus next = apply(current, t);
            assertTrue(EnumSet.allOf(MigrationStatus.class).contains(next), "outside the enum: " + next);
            if (TERMINAL_EXITS.containsKey(current)) {
                assertTrue(TERMINAL_EXITS.get(current).contains(next), current + " left by " + t + " to " + next);
            }
            if (next != current) {
                // A move is an edge of the table, nothing else.
                assertTrue(
                        TABLE.get(t).from().contains(current) && TABLE.get(t).to() == next,
                        current + " -" + t + "-> " + next);
            }
            current = next;
        }
    }

    @Property(tries = 2000)
    void aRefusedTransitionLeavesTheStatusUnchanged(
            @ForAll("births") MigrationStatus start,
            @ForAll @Size(max = 30) List<MigrationTransition> before,
            @ForAll MigrationTransition attempt) {
        MigrationStatus current = walk(start, before);
        if (!TABLE.get(attempt).from().contains(current)) {
            assertEquals(current, apply(current, attempt), attempt + " from " + current);
        } else {
            assertEquals(TABLE.get(attempt).to(), apply(current, attempt), attempt + " from " + current);
        }
    }

    @Property(tries = 1000)
    void fromAnyReachableStatusTheMigrationCanStillFinish(
            @ForAll("births") MigrationStatus start, @ForAll @Size(max = 60) List<MigrationTransition> steps) {
        MigrationStatus reached = walk(start, steps);
        Set<MigrationStatus> ahead = reachable(reached, EnumSet.allOf(MigrationTransition.class));
        assertTrue(ahead.contains(FINISHED) || ahead.contains(FINALIZED), "no way to finish from " + reached);
        // And operators alone can get it there, without waiting for the engine.
        Set<MigrationStatus> byOperators = reachable(reached, OPERATOR);
        assertTrue(
                byOperators.contains(FINISHED) || byOperators.contains(FINALIZED),
                "operators cannot finish from " + reached);
    }

    @Property(tries = 200)
    void finalizedHasNoWayOutAndFinishedOnlyToFinalized(@ForAll @Size(max = 60) List<MigrationTransition> steps) {
        assertEquals(EnumSet.of(FINALIZED), reachable(FINALIZED, EnumSet.allOf(MigrationTransition.class)));
        assertEquals(EnumSet.of(FINISHED), reachable(FINISHED, EnumSet.allOf(MigrationTransition.class)));
        assertEquals(FINALIZED, walk(FINALIZED, steps));
        assertEquals(FINISHED, walk(FINISHED, steps));
    }

    @Provide
    Arbitrary<MigrationStatus> births() {
        return Arbitraries.of(BIRTH);
    }

    // ---- The machine -----------------------------------------------------------------------------

    /** One step as MigrationRepository.transition takes it: on the stored code, moving only from an allowed code. */
    static MigrationStatus apply(MigrationStatus current, MigrationTransition t) {
        int code = current.code();
        boolean allowed = t.from().stream().anyMatch(s -> s.code() == code);
        return MigrationStatus.fromCode(allowed ? t.to().code() : code);
    }

    static MigrationStatus walk(MigrationStatus start, List<MigrationTransition> steps) {
        MigrationStatus current = start;
        for (MigrationTransition t : steps) {
            current = apply(current, t);
        }
        return current;
    }

    /** The statuses reachable from {@code start} along the model table's edges, {@code start} included. */
    static Set<MigrationStatus> reachable(MigrationStatus start, Set<MigrationTransition> allowed) {
        Set<MigrationStatus> seen = EnumSet.of(start);
        Deque<MigrationStatus> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            MigrationStatus s = todo.pop();
            for (MigrationTransition t : allowed) {
                if (TABLE.get(t).from().contains(s) && seen.add(TABLE.get(t).to())) {
                    todo.push(TABLE.get(t).to());
                }
            }
        }
        return seen;
    }

    /** The codes allowed by {@code check_status_known} in bbm's schema. */
    private static Set<Integer> databaseStatusCodes() throws IOException {
        try (InputStream in = MigrationTransitionPropertiesTest.class.getResourceAsStream(
                "/db/migration/V1__batched_background_migrations.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("check_status_known CHECK \\(status IN \\(([0-9, ]+)\\)\\)")
                    .matcher(sql);
            assertTrue(m.find(), "check_status_known not found");
            return Arrays.stream(m.group(1).split(","))
                    .map(String::trim)
                    .map(Integer::valueOf)
                    .collect(Collectors.toSet());
        }
    }
}
