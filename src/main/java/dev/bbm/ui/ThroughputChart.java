package dev.bbm.ui;

import dev.bbm.migration.JobStatus;
import dev.bbm.migration.JobTiming;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * The migration page's chart, drawn on the server as inline SVG (no script, works offline): the
 * rows per second of each succeeded batch and the batch size over time, so that an operator sees
 * the optimizer at work and a batch that slowed down. Two vertical scales: rows per second on the
 * left, batch size on the right.
 */
final class ThroughputChart {

    static final int WIDTH = 960;
    static final int HEIGHT = 300;
    private static final int LEFT = 72;
    private static final int RIGHT = 72;
    private static final int TOP = 36;
    private static final int BOTTOM = 64;
    private static final int TICKS = 4;
    /** Colours with at least 4.5:1 contrast on white, told apart by dash pattern too. */
    static final String THROUGHPUT_COLOUR = "#1d4ed8";

    static final String BATCH_SIZE_COLOUR = "#b45309";

    private ThroughputChart() {}

    /** The chart, or empty when no batch has run to an end yet. */
    static String svg(List<JobTiming> timings) {
        if (timings.isEmpty()) {
            return "";
        }
        OffsetDateTime start = timings.stream()
                .map(JobTiming::startedAt)
                .min(OffsetDateTime::compareTo)
                .orElseThrow();
        OffsetDateTime end = timings.stream()
                .map(JobTiming::finishedAt)
                .max(OffsetDateTime::compareTo)
                .orElseThrow();
        double span = Math.max(1, Duration.between(start, end).toMillis());
        List<JobTiming> succeeded =
                timings.stream().filter(t -> t.status() == JobStatus.SUCCEEDED).toList();
        double maxRate = niceCeiling(
                succeeded.stream().mapToDouble(JobTiming::rowsPerSecond).max().orElse(0));
        double maxBatch = niceCeiling(
                timings.stream().mapToDouble(JobTiming::batchSize).max().orElse(0));
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;

        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"chart-title chart-desc\""
                        .formatted(WIDTH, HEIGHT))
                .append(" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n")
                .append("<title id=\"chart-title\">Throughput and batch size over time</title>\n")
                .append("<desc id=\"chart-desc\">")
                .append(description(timings, succeeded, start, end))
                .append("</desc>\n");
        for (int i = 0; i <= TICKS; i++) {
            double y = TOP + plotHeight - plotHeight * i / TICKS;
            svg.append("<line x1=\"%d\" x2=\"%d\" y1=\"%s\" y2=\"%s\" stroke=\"#d4d4d8\"/>\n"
                    .formatted(LEFT, WIDTH - RIGHT, n(y), n(y)));
            svg.append("<text x=\"%d\" y=\"%s\" text-anchor=\"end\" fill=\"%s\">%s</text>\n"
                    .formatted(LEFT - 6, n(y + 4), THROUGHPUT_COLOUR, Formats.rate(maxRate * i / TICKS)));
            svg.append("<text x=\"%d\" y=\"%s\" fill=\"%s\">%s</text>\n"
                    .formatted(WIDTH - RIGHT + 6, n(y + 4), BATCH_SIZE_COLOUR, Formats.rate(maxBatch * i / TICKS)));
        }
        for (int i = 0; i <= 2; i++) {
            double x = LEFT + plotWidth * i / 2;
            OffsetDateTime at = start.plus(Duration.ofMillis(Math.round(span * i / 2)));
            String anchor = i == 0 ? "start" : i == 2 ? "end" : "middle";
            svg.append("<text x=\"%s\" y=\"%d\" text-anchor=\"%s\" fill=\"#3f3f46\">%s</text>\n"
                    .formatted(n(x), TOP + (int) plotHeight + 18, anchor, Formats.clock(at)));
        }
        svg.append("<text x=\"%d\" y=\"%d\" fill=\"%s\">rows/s</text>\n".formatted(4, TOP - 18, THROUGHPUT_COLOUR));
        svg.append("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"%s\">batch size</text>\n"
                .formatted(WIDTH - 4, TOP - 18, BATCH_SIZE_COLOUR));

        // Batch size: a step line, each batch's size from its start to its end.
        StringBuilder steps = new StringBuilder();
        for (JobTiming t : timings) {
            double y = TOP + plotHeight - (maxBatch == 0 ? 0 : plotHeight * t.batchSize() / maxBatch);
            steps.append(n(x(t.startedAt(), start, span, plotWidth)))
                    .append(',')
                    .append(n(y))
                    .append(' ')
                    .append(n(x(t.finishedAt(), start, span, plotWidth)))
                    .append(',')
                    .append(n(y))
                    .append(' ');
        }
        svg.append("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n"
                .formatted(steps.toString().trim(), BATCH_SIZE_COLOUR));

        // Throughput: one point per succeeded batch, at its end.
        StringBuilder line = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (JobTiming t : succeeded) {
            double x = x(t.finishedAt(), start, span, plotWidth);
            double y = TOP + plotHeight - (maxRate == 0 ? 0 : plotHeight * t.rowsPerSecond() / maxRate);
            line.append(n(x)).append(',').append(n(y)).append(' ');
            dots.append(
                    "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"><title>Job %d: %s rows/s, batch size %s</title></circle>\n"
                            .formatted(
                                    n(x),
                                    n(y),
                                    THROUGHPUT_COLOUR,
                                    t.jobId(),
                                    Formats.rate(t.rowsPerSecond()),
                                    Formats.number(t.batchSize())));
        }
        if (!succeeded.isEmpty()) {
            svg.append("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n"
                    .formatted(line.toString().trim(), THROUGHPUT_COLOUR));
            svg.append(dots);
        }

        int legendY = HEIGHT - 12;
        svg.append("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n"
                        .formatted(LEFT, LEFT + 24, legendY - 4, legendY - 4, THROUGHPUT_COLOUR))
                .append("<text x=\"%d\" y=\"%d\">Rows per second (succeeded batches)</text>\n"
                        .formatted(LEFT + 30, legendY))
                .append(("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\""
                                + " stroke-dasharray=\"6 3\"/>\n")
                        .formatted(LEFT + 290, LEFT + 314, legendY - 4, legendY - 4, BATCH_SIZE_COLOUR))
                .append("<text x=\"%d\" y=\"%d\">Batch size</text>\n".formatted(LEFT + 320, legendY))
                .append("</svg>");
        return svg.toString();
    }

    /** What the chart shows, in words, for those who cannot see it. */
    static String description(
            List<JobTiming> all, List<JobTiming> succeeded, OffsetDateTime start, OffsetDateTime end) {
        String rates = succeeded.isEmpty()
                ? "no batch succeeded"
                : "from %s to %s rows per second"
                        .formatted(
                                Formats.rate(succeeded.stream()
                                        .mapToDouble(JobTiming::rowsPerSecond)
                                        .min()
                                        .orElse(0)),
                                Formats.rate(succeeded.stream()
                                        .mapToDouble(JobTiming::rowsPerSecond)
                                        .max()
                                        .orElse(0)));
        return "%d batches between %s and %s: %s; batch size from %s to %s."
                .formatted(
                        all.size(),
                        Formats.time(start),
                        Formats.time(end),
                        rates,
                        Formats.number(all.get(0).batchSize()),
                        Formats.number(all.get(all.size() - 1).batchSize()));
    }

    private static double x(OffsetDateTime at, OffsetDateTime start, double span, double plotWidth) {
        return LEFT + plotWidth * Duration.between(start, at).toMillis() / span;
    }

    /** The next of 1, 2, 2.5, 5 times a power of ten: round numbers on the scales. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String n(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
