package dev.bbm.ui;

import io.quarkus.qute.TemplateData;

/** The sign-in form, with the page to return to and, after a failed attempt, why. */
@TemplateData
public record SignInPage(String returnTo, String error) {}
