package dev.bbm.ui;

import io.quarkus.qute.TemplateData;

/** Asks before marking a migration finished: its remaining batches never run, data can be lost. */
@TemplateData
public record ConfirmPage(MigrationView migration, String actionHref, String cancelHref, String here) {}
