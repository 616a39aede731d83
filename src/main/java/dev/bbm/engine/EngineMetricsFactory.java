package dev.bbm.engine;

/** Where each database's engine reports: the same meters, labelled with the database's name. */
public interface EngineMetricsFactory {

    EngineMetrics forDatabase(String database);
}
