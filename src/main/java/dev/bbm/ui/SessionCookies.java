package dev.bbm.ui;

import dev.bbm.config.UiConfig;
import dev.bbm.security.TokenStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless sessions for the admin pages: the cookie holds who signed in and until when, signed
 * with HMAC-SHA256, so that every replica sharing the key accepts it and none keeps state. The
 * key is {@code bbm.ui.session-secret}, or derived from the configured tokens (changing a token
 * then ends every session). The CSRF token of a session is derived from its random nonce.
 */
@ApplicationScoped
public class SessionCookies {

    static final String COOKIE = "bbm_session";
    /** The cookie is sent to the admin pages only, never to the API or the probes. */
    static final String COOKIE_PATH = "/admin";

    private static final String VERSION = "v1";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Duration lifetime;
    private final Clock clock;

    @Inject
    public SessionCookies(TokenStore tokens, UiConfig config) {
        this(
                config.sessionSecret()
                        .filter(secret -> !secret.isBlank())
                        .map(secret -> secret.getBytes(StandardCharsets.UTF_8))
                        .orElseGet(() -> tokens.derivedKey("bbm admin-page sessions")),
                config.sessionDuration(),
                Clock.systemUTC());
    }

    SessionCookies(byte[] key, Duration lifetime, Clock clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A new session for an operator who presented a valid token. */
    public AdminSession start(TokenStore.Principal principal) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return new AdminSession(
                principal.name(), principal.admin(), clock.instant().plus(lifetime), ENCODER.encodeToString(nonce));
    }

    /** The cookie's value: the session and its signature. */
    public String encode(AdminSession session) {
        String payload = String.join(
                "|",
                VERSION,
                session.operator(),
                session.admin() ? "admin" : "read",
                String.valueOf(session.expiresAt().getEpochSecond()),
                session.nonce());
        String encoded = ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + ENCODER.encodeToString(sign(encoded));
    }

    /** The session a cookie holds, if its signature is ours and it has not expired. */
    public Optional<AdminSession> decode(String cookie) {
        if (cookie == null) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String encoded = cookie.substring(0, dot);
        try {
            if (!MessageDigest.isEqual(sign(encoded), DECODER.decode(cookie.substring(dot + 1)))) {
                return Optional.empty();
            }
            String[] parts = new String(DECODER.decode(encoded), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 5 || !VERSION.equals(parts[0])) {
                return Optional.empty();
            }
            Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            if (!clock.instant().isBefore(expires)) {
                return Optional.empty();
            }
            return Optional.of(new AdminSession(parts[1], "admin".equals(parts[2]), expires, parts[4]));
        } catch (IllegalArgumentException e) {
            // Not base64 or not a number: a cookie we did not write.
            return Optional.empty();
        }
    }

    /** The token every form of this session carries: without it a POST changes nothing. */
    public String csrfToken(AdminSession session) {
        return ENCODER.encodeToString(sign("csrf|" + session.nonce()));
    }

    public boolean csrfMatches(AdminSession session, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        csrfToken(session).getBytes(StandardCharsets.UTF_8),
                        presented.getBytes(StandardCharsets.UTF_8));
    }

    /** HttpOnly and SameSite=Strict; Secure when the page was reached over HTTPS. */
    public NewCookie cookie(AdminSession session, boolean secure) {
        return build(encode(session), (int) lifetime.toSeconds(), secure);
    }

    /** A cookie that replaces the session's and expires at once: signed out. */
    public NewCookie cleared(boolean secure) {
        return build("", 0, secure);
    }

    private static NewCookie build(String value, int maxAge, boolean secure) {
        return new NewCookie.Builder(COOKIE)
                .value(value)
                .path(COOKIE_PATH)
                .maxAge(maxAge)
                .httpOnly(true)
                .secure(secure)
                .sameSite(NewCookie.SameSite.STRICT)
                .build();
    }

    private byte[] sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has HmacSHA256", e);
        }
    }
}
