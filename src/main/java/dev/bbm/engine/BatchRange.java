package dev.bbm.engine;

/** Keys {@code [min, max]} (both inclusive) holding {@code keys} existing rows. */
public record BatchRange(long min, long max, int keys) {}
