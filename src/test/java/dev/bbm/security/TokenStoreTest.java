package dev.bbm.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.config.BbmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void withoutAdminTokenOneIsGeneratedIntoAPrivateFileAndKeptAcrossRestarts() throws Exception {
        TokenStore first = new TokenStore(config(List.of(), List.of("viewer:r1")));
        Path file = dataDir.resolve(TokenStore.GENERATED_TOKEN_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).trim();
        assertTrue(first.authenticate(token).orElseThrow().admin());
        TokenStore second = new TokenStore(config(List.of(), List.of()));
        assertTrue(second.authenticate(token).isPresent());
        assertEquals("viewer", first.authenticate("r1").orElseThrow().name());
    }

    @Test
    void configuredTokensAreNamedAndNoneIsGenerated() {
        TokenStore store = new TokenStore(config(List.of("ops:s3cret", "plain"), List.of()));
        assertEquals("ops", store.authenticate("s3cret").orElseThrow().name());
        assertEquals("admin-2", store.authenticate("plain").orElseThrow().name());
        assertTrue(store.authenticate("ops:s3cret").isEmpty());
        assertTrue(Files.notExists(dataDir.resolve(TokenStore.GENERATED_TOKEN_FILE)));
    }

    private BbmConfig config(List<String> admin, List<String> read) {
        return new BbmConfig() {
            @Override
            public String dataDir() {
                return dataDir.toString();
            }

            @Override
            public Security security() {
                return new Security() {
                    @Override
                    public Optional<List<String>> adminTokens() {
                        return Optional.of(admin);
                    }

                    @Override
                    public Optional<List<String>> readTokens() {
                        return Optional.of(read);
                    }
                };
            }

            @Override
            public Embedded embedded() {
                return null;
            }

            @Override
            public java.util.Map<String, Database> databases() {
                return java.util.Map.of();
            }
        };
    }
}
