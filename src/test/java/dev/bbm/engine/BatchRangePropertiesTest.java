package dev.bbm.engine;

import static dev.bbm.support.Api.MIGRATIONS;
import static dev.bbm.support.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.engine.SourceOfRandomness;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Properties of the batch ranges the engine cuts ({@link PrimaryKeyBatchingStrategy#next} and the
 * runner around it), run for real: a fresh table of arbitrary ids, a copy migration queued through
 * the API, the engine running it to the end while rows are added above {@code max_value}.
 *
 * <p>jqwik's {@code @Property} cannot run here: jqwik has its own test engine, which does not start
 * Quarkus. So a plain {@code @Test} loops over scenarios that jqwik generates from a fixed seed.
 * Every run sees the same scenarios. A failure names its seed and try; to reproduce it, run
 * {@code ./mvnw -B test -Dtest=BatchRangePropertiesTest -Dbatch-range.seed=<seed> -Dbatch-range.try=<try>}.
 * To explore new scenarios, pass another seed (and {@code -Dbatch-range.tries=<n>}); seed 3 finds the
 * bug pinned by {@link #theLastJobReachesMaxValueWhenTheKeysFillTheLastBatchExactly} at try 2. (The
 * properties are not named {@code bbm.…}: Quarkus refuses unknown keys under the application's prefix.)
 */
@QuarkusTest
class BatchRangePropertiesTest {

    private static final Logger LOG = Logger.getLogger(BatchRangePropertiesTest.class);

    static final long SEED = Long.getLong("batch-range.seed", 20_261_124L);
    /** Each try runs a whole migration, so few of them: enough for gaps, edges and clamps, fast enough to run always. */
    static final int TRIES = Integer.getInteger("batch-range.tries", 40);
    /** Run only this try (its scenarios are still generated in order, so it is the same one). */
    static final int ONLY = Integer.getInteger("batch-range.try", -1);

    static final long MAX_ID = 5_000;
    static final int MAX_ROWS = 2_000;
    /** Bounds on batches and sub-batches per try, so that a try takes a second or two, not a minute. */
    static final int MAX_JOBS = 60;

    static final int MAX_SUB_BATCHES = 200;
    static final Duration RUN_LIMIT = Duration.ofSeconds(90);

    /** One try: the table's ids (sorted), the migration's sizes and range ({@code maxValue} null: the default). */
    record Scenario(List<Long> ids, int batchSize, int subBatchSize, long minValue, Long maxValue, int extraRows) {
        @Override
        public String toString() {
            return "ids " + summary(ids) + ", batch_size " + batchSize + ", sub_batch_size " + subBatchSize
                    + ", min_value " + minValue + ", max_value " + (maxValue == null ? "default" : maxValue)
                    + ", " + extraRows + " rows added above max_value";
        }
    }

    @Inject
    Pool pool;

    Db db;

    @BeforeEach
    void setUp() {
        db = new Db(pool);
        db.clearMigrations();
    }

    @AfterEach
    void tearDown() {
        db.engine(false, 2);
    }

    @Test
    void jobsCoverTheRangeExactlyOnceAndCopyEveryRowInItAndNoneOutside() {
        SourceOfRandomness.create(String.valueOf(SEED));
        List<Scenario> scenarios = scenarios().sampleStream().limit(TRIES).toList();
        db.engine(true, 2);
        for (int i = 0; i < scenarios.size(); i++) {
            if (ONLY < 0 || ONLY == i) {
                check(i, scenarios.get(i));
            }
        }
    }

    /**
     * When the keys in range fill the last batch exactly, the rest up to an explicit
     * {@code max_value} still gets a job (of no keys), so that the jobs cover the whole range:
     * ids 1..10, batch_size 5, max_value 20 gives [1,5], [6,10], [11,20].
     */
    @Test
    void theLastJobReachesMaxValueWhenTheKeysFillTheLastBatchExactly() {
        db.engine(true, 2);
        check(-1, new Scenario(LongStream.rangeClosed(1, 10).boxed().toList(), 5, 5, 1, 20L, 3));
    }

    // ---- One try ---------------------------------------------------------------------------------

    private void check(int attempt, Scenario s) {
        String context = "seed " + SEED + ", try " + attempt + ": " + s;
        String table = "range_prop_" + (attempt < 0 ? "example" : attempt);
        db.exec("DROP TABLE IF EXISTS " + table);
        db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, a integer, b bigint)");
        if (!s.ids().isEmpty()) {
            db.rows("INSERT INTO " + table + " (id, a) SELECT g, g * 2 FROM unnest($1::bigint[]) g", (Object)
                    s.ids().toArray(Long[]::new));
        }
        Response queued = admin().body(body(table, s)).post(MIGRATIONS);
        assertEquals(201, queued.statusCode(), context + "\n" + queued.asString());
        long id = queued.<Integer>path("id");
        long minValue = queued.<Number>path("min_value").longValue();
        long maxValue = queued.<Number>path("max_value").longValue();
        String queuedStatus = queued.path("status");
        context += " (queued " + queuedStatus + ", max_value " + maxValue + ")";

        // Rows the application adds above max_value while the migration runs.
        db.exec("INSERT INTO " + table + " (id, a) SELECT g, g * 2 FROM generate_series(" + (maxValue + 1) + ", "
                + (maxValue + s.extraRows()) + ") g ON CONFLICT DO NOTHING");

        Awaitility.await(context)
                .atMost(RUN_LIMIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> List.of("finished", "failed").contains(db.status(id)));
        assertEquals("finished", db.status(id), context);

        List<long[]> jobs = new ArrayList<>();
        for (Row row : db.rows(
                "SELECT min_value, max_value, status FROM batched_background_migration_jobs"
                        + " WHERE batched_background_migration_id = $1 ORDER BY min_value, id",
                id)) {
            jobs.add(new long[] {row.getLong(0), row.getLong(1), row.getInteger(2)});
        }
        long inRange =
                s.ids().stream().filter(k -> k >= minValue && k <= maxValue).count();
        String ranges =
                jobs.stream().map(j -> "[" + j[0] + "," + j[1] + "]").toList().toString();

        if (s.ids().isEmpty()) {
            assertEquals("finished", queuedStatus, "an empty table is queued finished; " + context);
        }
        if (inRange == 0 && "finished".equals(queuedStatus)) {
            assertEquals(
                    List.of(),
                    jobs.stream().map(j -> j[0] + ".." + j[1]).toList(),
                    "queued finished, no jobs; " + context);
        } else {
            assertEquals(minValue, jobs.get(0)[0], "first job starts at min_value; " + context + "\njobs " + ranges);
            for (int j = 0; j < jobs.size(); j++) {
                assertTrue(
                        jobs.get(j)[0] <= jobs.get(j)[1], "job " + j + " is a range; " + context + "\njobs " + ranges);
                assertEquals(3, jobs.get(j)[2], "job " + j + " succeeded; " + context + "\njobs " + ranges);
                if (j > 0) {
                    assertEquals(
                            jobs.get(j - 1)[1] + 1,
                            jobs.get(j)[0],
                            "job " + j + " follows the previous one without gap or overlap; " + context + "\njobs "
                                    + ranges);
                }
            }
            assertEquals(
                    maxValue,
                    jobs.get(jobs.size() - 1)[1],
                    "last job ends at max_value; " + context + "\njobs " + ranges);
        }
        LOG.infof("%s -> %d rows in range, %d jobs", context, inRange, jobs.size());
        assertEquals(0, db.overlappingJobs(), context);
        assertEquals(
                0,
                db.count(
                        "SELECT count(*) FROM " + table + " WHERE id BETWEEN $1 AND $2 AND b IS DISTINCT FROM a",
                        minValue,
                        maxValue),
                "every row in range copied; " + context);
        assertEquals(
                0,
                db.count(
                        "SELECT count(*) FROM " + table + " WHERE (id < $1 OR id > $2) AND b IS NOT NULL",
                        minValue,
                        maxValue),
                "no row outside the range touched; " + context);
        assertEquals(
                s.ids().size()
                        + s.extraRows()
                        - s.ids().stream()
                                .filter(k -> k > maxValue && k <= maxValue + s.extraRows())
                                .count(),
                db.count("SELECT count(*) FROM " + table),
                "no row lost or added; " + context);
        db.exec("DROP TABLE " + table);
    }

    private static String body(String table, Scenario s) {
        return "{\"job_class_name\":\"CopyColumnUsingBackgroundMigrationJob\",\"table_name\":\"" + table + "\","
                + "\"column_name\":\"id\",\"job_arguments\":[[\"a\"],[\"b\"]],\"interval\":0,\"pause_ms\":0,"
                + "\"batch_size\":" + s.batchSize() + ",\"sub_batch_size\":" + s.subBatchSize()
                + ",\"min_value\":" + s.minValue() + (s.maxValue() == null ? "" : ",\"max_value\":" + s.maxValue())
                + "}";
    }

    // ---- Scenarios -------------------------------------------------------------------------------

    /**
     * Ids: either scattered over 1..5,000 (gaps everywhere) or runs with a gap every few keys; 0 to
     * 2,000 of them. Sizes: batch 1..500 and sub-batch 1..batch, the small ones only where there are
     * few rows (see MAX_JOBS). Range: min_value anywhere in 1..5,000, max_value at or above it or the default.
     */
    static Arbitrary<Scenario> scenarios() {
        Arbitrary<List<Long>> scattered = Arbitraries.longs()
                .between(1, MAX_ID)
                .set()
                .ofMaxSize(MAX_ROWS)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(ids -> ids.stream().sorted().toList());
        Arbitrary<List<Long>> runs = Combinators.combine(
                        Arbitraries.longs().between(1, MAX_ID),
                        Arbitraries.integers().between(0, MAX_ROWS),
                        Arbitraries.integers().between(0, 9))
                .as((start, length, gapEvery) -> LongStream.range(start, Math.min(MAX_ID + 1, start + length))
                        .filter(k -> gapEvery < 2 || k % gapEvery != 0)
                        .boxed()
                        .toList());
        return Arbitraries.oneOf(scattered, runs).flatMap(ids -> {
            int rows = ids.size();
            Arbitrary<Integer> batch = Arbitraries.integers().between(Math.max(1, ceilDiv(rows, MAX_JOBS)), 500);
            return batch.flatMap(batchSize -> {
                Arbitrary<Integer> sub = Arbitraries.integers()
                        .between(Math.min(batchSize, Math.max(1, ceilDiv(rows, MAX_SUB_BATCHES))), batchSize);
                Arbitrary<Long> min = Arbitraries.oneOf(
                        Arbitraries.just(1L),
                        Arbitraries.longs().between(1, MAX_ID),
                        ids.isEmpty() ? Arbitraries.just(1L) : Arbitraries.of(ids));
                return Combinators.combine(sub, min, Arbitraries.integers().between(0, 50))
                        .flatAs((subSize, minValue, extra) -> {
                            // max_value anywhere above min_value, or on an existing key (so that it is often the last
                            // one).
                            List<Long> keysAbove =
                                    ids.stream().filter(k -> k >= minValue).toList();
                            return Arbitraries.oneOf(
                                            Arbitraries.longs().between(minValue, MAX_ID + 200),
                                            keysAbove.isEmpty()
                                                    ? Arbitraries.just(minValue)
                                                    : Arbitraries.of(keysAbove))
                                    .injectNull(0.2)
                                    .map(maxValue -> new Scenario(ids, batchSize, subSize, minValue, maxValue, extra));
                        });
            });
        });
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static String summary(List<Long> ids) {
        if (ids.isEmpty()) {
            return "(none)";
        }
        StringBuilder runs = new StringBuilder();
        long start = ids.get(0);
        long previous = start;
        int shown = 0;
        for (int i = 1; i <= ids.size(); i++) {
            if (i == ids.size() || ids.get(i) != previous + 1) {
                if (shown++ < 12) {
                    runs.append(start == previous ? String.valueOf(start) : start + "-" + previous)
                            .append(' ');
                }
                if (i < ids.size()) {
                    start = ids.get(i);
                }
            }
            if (i < ids.size()) {
                previous = ids.get(i);
            }
        }
        return ids.size() + " ids, " + shown + " runs: " + runs.toString().trim() + (shown > 12 ? " …" : "");
    }
}
