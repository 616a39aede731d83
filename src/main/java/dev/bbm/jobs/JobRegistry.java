package dev.bbm.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The job classes bbm knows, by name: every {@link BatchedMigrationJob} bean. */
@ApplicationScoped
public class JobRegistry {

    private final Map<String, BatchedMigrationJob> jobs;

    @Inject
    public JobRegistry(Instance<BatchedMigrationJob> beans) {
        this(beans.stream().toList());
    }

    /** A registry of exactly these job classes (outside CDI). */
    public JobRegistry(List<BatchedMigrationJob> jobClasses) {
        this.jobs = jobClasses.stream()
                .collect(Collectors.toUnmodifiableMap(BatchedMigrationJob::jobClassName, Function.identity()));
    }

    public Optional<BatchedMigrationJob> find(String jobClassName) {
        return Optional.ofNullable(jobClassName).map(jobs::get);
    }

    public Set<String> names() {
        return new TreeSet<>(jobs.keySet());
    }
}
