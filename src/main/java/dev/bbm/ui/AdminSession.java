package dev.bbm.ui;

import java.time.Instant;

/**
 * Who signed in to the admin pages, with which kind of token, until when. It lives in a signed
 * cookie, not on the server, so that any replica behind a load balancer reads it.
 *
 * @param nonce random per sign-in: the CSRF token is derived from it
 */
public record AdminSession(String operator, boolean admin, Instant expiresAt, String nonce) {}
