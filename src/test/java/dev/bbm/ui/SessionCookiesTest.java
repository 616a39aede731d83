package dev.bbm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.security.TokenStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The signed session cookie: what any replica with the key accepts, and what nobody can forge. */
class SessionCookiesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final byte[] KEY = "a key shared by every replica".getBytes(StandardCharsets.UTF_8);

    private static SessionCookies at(Instant now, byte[] key) {
        return new SessionCookies(key, Duration.ofHours(8), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void anotherReplicaWithTheSameKeyReadsTheSession() {
        AdminSession session = at(NOW, KEY).start(new TokenStore.Principal("ops", true));
        String cookie = at(NOW, KEY).encode(session);
        assertEquals(session, at(NOW.plusSeconds(60), KEY).decode(cookie).orElseThrow());
    }

    @Test
    void aSessionEndsWhenItExpires() {
        SessionCookies cookies = at(NOW, KEY);
        String cookie = cookies.encode(cookies.start(new TokenStore.Principal("ops", true)));
        assertTrue(at(NOW.plus(Duration.ofHours(8)).minusSeconds(1), KEY)
                .decode(cookie)
                .isPresent());
        assertTrue(at(NOW.plus(Duration.ofHours(8)), KEY).decode(cookie).isEmpty());
    }

    @Test
    void aChangedCookieOrAnotherKeyIsRefused() {
        SessionCookies cookies = at(NOW, KEY);
        String cookie = cookies.encode(cookies.start(new TokenStore.Principal("reader", false)));
        String payload = new String(
                Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))), StandardCharsets.UTF_8);
        String promoted = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(payload.replace("|read|", "|admin|").getBytes(StandardCharsets.UTF_8))
                + cookie.substring(cookie.indexOf('.'));
        assertTrue(cookies.decode(promoted).isEmpty());
        assertTrue(at(NOW, "another key".getBytes(StandardCharsets.UTF_8))
                .decode(cookie)
                .isEmpty());
        assertTrue(cookies.decode("garbage").isEmpty());
        assertTrue(cookies.decode("%%%.%%%").isEmpty());
        assertTrue(cookies.decode(null).isEmpty());
    }

    @Test
    void eachSessionHasItsOwnCsrfToken() {
        SessionCookies cookies = at(NOW, KEY);
        AdminSession one = cookies.start(new TokenStore.Principal("ops", true));
        AdminSession two = cookies.start(new TokenStore.Principal("ops", true));
        assertNotEquals(cookies.csrfToken(one), cookies.csrfToken(two));
        assertTrue(cookies.csrfMatches(one, cookies.csrfToken(one)));
        assertFalse(cookies.csrfMatches(one, cookies.csrfToken(two)));
        assertFalse(cookies.csrfMatches(one, null));
        assertFalse(cookies.csrfMatches(one, ""));
    }
}
