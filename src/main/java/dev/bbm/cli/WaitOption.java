package dev.bbm.cli;

import picocli.CommandLine.Option;

/** How long bbm waits for a finalize to end before it answers "still finalizing" (the API's {@code timeout}). */
final class WaitOption {

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "When finalizing, how long bbm waits at most, 1 to 3600 (default: bbm's, 300)")
    Integer seconds;
}
