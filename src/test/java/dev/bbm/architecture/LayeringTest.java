package dev.bbm.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers run one way: front ends (api, ui, cli, health, metrics, security) → problem → service →
 * engine → jobs and engine.health → db → migration (the model). A package imports only packages
 * below it, so there is no cycle. Read from the sources' import lines and fully qualified names.
 */
class LayeringTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("dev.bbm.api", 7),
            // The admin pages: a front end beside the API, on the same services.
            Map.entry("dev.bbm.ui", 7),
            // The command line: a front end that speaks HTTP to bbm, never to its services.
            Map.entry("dev.bbm.cli", 7),
            Map.entry("dev.bbm.api.error", 6),
            Map.entry("dev.bbm.security", 6),
            Map.entry("dev.bbm.health", 6),
            Map.entry("dev.bbm.metrics", 6),
            Map.entry("dev.bbm.problem", 5),
            Map.entry("dev.bbm.service", 4),
            Map.entry("dev.bbm.engine", 3),
            Map.entry("dev.bbm.engine.health", 2),
            Map.entry("dev.bbm.jobs", 2),
            Map.entry("dev.bbm.db", 1),
            Map.entry("dev.bbm.migration", 0),
            Map.entry("dev.bbm.config", 0),
            // Apart: it starts the database before CDI exists, and reads only the configuration.
            Map.entry("dev.bbm.embedded", 1));
    /**
     * What a package may not reach although it ranks higher: the admin pages read and act through
     * the services only, as the API does, never through the repositories or the engine.
     */
    private static final Map<String, Set<String>> BYPASSES = Map.of(
            "dev.bbm.ui",
            Set.of("dev.bbm.db", "dev.bbm.engine", "dev.bbm.engine.health", "dev.bbm.jobs", "dev.bbm.embedded"));

    /** Runs beside the service, not in it: it reaches bbm over HTTP and may read only the configuration's names. */
    private static final String COMMAND_LINE = "dev.bbm.cli";

    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.bbm(?:\\.[a-z]+)+)\\.[A-Z]");

    @Test
    void noPackageReachesAPackageAboveItOrBesideIt() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Integer rank = RANK.get(pkg);
                if (rank == null) {
                    violations.add(file + ": package " + pkg + " has no place in the layers");
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    if (line.trim().startsWith("*")
                            || line.trim().startsWith("//")
                            || line.trim().startsWith("/*")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        String target = m.group(1);
                        Integer targetRank = RANK.get(target);
                        if (!target.equals(pkg)
                                && (targetRank == null
                                        || targetRank >= rank
                                        || BYPASSES.getOrDefault(pkg, Set.of()).contains(target))) {
                            violations.add(file.getFileName() + " (" + pkg + ") → " + target);
                        } else if (pkg.equals(COMMAND_LINE)
                                && !target.equals(pkg)
                                && !target.equals("dev.bbm.config")) {
                            violations.add(file.getFileName() + " (" + pkg + ") → " + target + ": it speaks HTTP only");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
