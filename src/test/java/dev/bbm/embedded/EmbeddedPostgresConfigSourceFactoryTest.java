package dev.bbm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EmbeddedPostgresConfigSourceFactoryTest {

    @Test
    void derivesTheJdbcUrlFromAReactiveUrlKeepingItsCredentials() {
        assertEquals(
                "jdbc:postgresql://db:5432/app?user=bbm&password=s3cret",
                EmbeddedPostgresConfigSourceFactory.toJdbcUrl("postgresql://bbm:s3cret@db:5432/app"));
        assertEquals(
                "jdbc:postgresql://db/app?sslmode=require&user=bbm",
                EmbeddedPostgresConfigSourceFactory.toJdbcUrl("postgres://bbm@db/app?sslmode=require"));
        assertEquals(
                "jdbc:postgresql://db:5432/app",
                EmbeddedPostgresConfigSourceFactory.toJdbcUrl("postgresql://db:5432/app"));
    }
}
