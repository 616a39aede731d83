package dev.bbm.engine;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The databases this bbm serves, by the names operators use ({@code main}, {@code ci}), each with
 * its context. Today: the configured datasource as {@code main}.
 */
@ApplicationScoped
public class Databases {

    private final Map<String, DatabaseContext> contexts;

    public Databases(DatabaseContext main) {
        this.contexts = Map.of(main.name(), main);
    }

    public Set<String> names() {
        return new TreeSet<>(contexts.keySet());
    }

    public Optional<DatabaseContext> find(String name) {
        return Optional.ofNullable(contexts.get(name));
    }
}
