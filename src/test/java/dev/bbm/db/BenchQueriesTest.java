package dev.bbm.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bench/sql/job_queries.sql holds the job-table queries section 3 of the benchmarks explains and
 * times, with their parameters bound. Each block must start with the query the code runs today
 * (the constant its name line ends with), so the benchmark never times a query bbm no longer sends.
 */
class BenchQueriesTest {

    private static final Path FILE = Path.of("bench/sql/job_queries.sql");
    private static final Map<String, String> QUERIES = Map.of(
            "JobRepository.FURTHEST", JobRepository.FURTHEST,
            "JobRepository.NEXT_RETRIABLE", JobRepository.NEXT_RETRIABLE,
            "JobRepository.TALLY", JobRepository.TALLY,
            "JobRepository.PAGE_COUNT", JobRepository.PAGE_COUNT,
            "JobRepository.PAGE_ROWS", JobRepository.PAGE_ROWS,
            "MigrationRepository.SELECT", MigrationRepository.SELECT,
            "MigrationRepository.EXECUTABLE", MigrationRepository.EXECUTABLE);

    private record Block(String constant, String params, String sql) {}

    private static List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        String constant = null;
        String params = "";
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(FILE)) {
            if (line.startsWith("-- name: ")) {
                if (constant != null) {
                    blocks.add(new Block(constant, params, sql.toString()));
                }
                constant = line.substring(line.lastIndexOf(", ") + 2).trim();
                params = "";
                sql.setLength(0);
            } else if (line.startsWith("-- params:")) {
                params = line.substring("-- params:".length()).trim();
            } else if (constant != null && !line.startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        blocks.add(new Block(constant, params, sql.toString()));
        return blocks;
    }

    private static String normalized(String sql) {
        return sql.replaceAll("\\s+", " ")
                .replace("( ", "(")
                .replace(" )", ")")
                .replace(" ,", ",")
                .trim();
    }

    /** The code's query with each {@code $n} replaced by the literal the block binds it to. */
    private static String bound(String query, String params) {
        String result = query;
        if (!params.isEmpty()) {
            String[] assignments = params.split(" ");
            // $10 before $1: replace the longest placeholders first.
            for (int i = assignments.length - 1; i >= 0; i--) {
                String[] pair = assignments[i].split("=", 2);
                result = result.replace(pair[0], pair[1]);
            }
        }
        return result;
    }

    @Test
    void everyBenchmarkedQueryIsTheOneTheCodeRuns() throws IOException {
        List<Block> blocks = blocks();
        assertEquals(8, blocks.size(), "blocks in " + FILE);
        for (Block block : blocks) {
            String query = QUERIES.get(block.constant());
            assertTrue(query != null, block.constant() + " is not one of the queries this test knows");
            String expected = normalized(bound(query, block.params()));
            String actual = normalized(block.sql());
            assertTrue(
                    actual.startsWith(expected),
                    block.constant() + " drifted; the code runs\n" + expected + "\nand " + FILE + " has\n" + actual);
        }
    }
}
