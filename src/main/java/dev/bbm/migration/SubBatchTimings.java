package dev.bbm.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * What the sub-batches of one attempt did: each one's seconds and rows changed, in order. Kept in
 * memory and written into the job's {@code metrics} when the attempt ends, as GitLab's wrapper does.
 */
public final class SubBatchTimings {

    private final List<Double> seconds = new ArrayList<>();
    private final List<Integer> rows = new ArrayList<>();

    public void add(double subBatchSeconds, int rowsAffected) {
        seconds.add(subBatchSeconds);
        rows.add(rowsAffected);
    }

    public boolean isEmpty() {
        return seconds.isEmpty();
    }

    public List<Double> seconds() {
        return List.copyOf(seconds);
    }

    public List<Integer> rows() {
        return List.copyOf(rows);
    }
}
