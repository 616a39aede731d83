package dev.bbm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatabaseUrlsTest {

    @Test
    void derivesTheJdbcUrlFromAReactiveUrlKeepingItsCredentials() {
        assertEquals(
                "jdbc:postgresql://db:5432/app?user=bbm&password=s3cret",
                DatabaseUrls.toJdbcUrl("postgresql://bbm:s3cret@db:5432/app"));
        assertEquals(
                "jdbc:postgresql://db/app?sslmode=require&user=bbm",
                DatabaseUrls.toJdbcUrl("postgres://bbm@db/app?sslmode=require"));
        assertEquals("jdbc:postgresql://db:5432/app", DatabaseUrls.toJdbcUrl("postgresql://db:5432/app"));
    }

    @Test
    void namesAnotherDatabaseOnTheSameServer() {
        assertEquals("postgresql://bbm@db:5432/ci", DatabaseUrls.onDatabase("postgresql://bbm@db:5432/app", "ci"));
        assertEquals(
                "postgresql://db/ci?sslmode=require",
                DatabaseUrls.onDatabase("postgresql://db/app?sslmode=require", "ci"));
        assertEquals("postgresql://db:5432/ci", DatabaseUrls.onDatabase("postgresql://db:5432", "ci"));
        assertEquals(
                "jdbc:postgresql://127.0.0.1:5/ci?user=postgres",
                DatabaseUrls.onDatabase("jdbc:postgresql://127.0.0.1:5/postgres?user=postgres", "ci"));
    }

    @Test
    void namesAreGitLabsKind() {
        assertTrue(DatabaseUrls.NAME.matcher("main").matches());
        assertTrue(DatabaseUrls.NAME.matcher("ci").matches());
        assertTrue(DatabaseUrls.NAME.matcher("embedding_2").matches());
        assertFalse(DatabaseUrls.NAME.matcher("CI").matches());
        assertFalse(DatabaseUrls.NAME.matcher("c-i").matches());
        assertFalse(DatabaseUrls.NAME.matcher("").matches());
    }
}
