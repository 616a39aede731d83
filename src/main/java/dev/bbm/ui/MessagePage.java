package dev.bbm.ui;

import io.quarkus.qute.TemplateData;

/** A page that says what went wrong and where to go from here; never a stack trace. */
@TemplateData
public record MessagePage(int status, String title, String message, String backHref, String backLabel) {}
