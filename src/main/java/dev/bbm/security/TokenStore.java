package dev.bbm.security;

import dev.bbm.config.BbmConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The API tokens. Each configured token may carry a name ({@code ops:s3cret}) that the audit
 * trail records; without one it is named by kind and position ({@code admin-1}). When no admin
 * token is configured, one is generated at first start into {@code <data-dir>/admin-token}
 * (mode 0600). Configured tokens are never logged.
 */
@Startup
@ApplicationScoped
public class TokenStore {

    private static final Logger LOG = Logger.getLogger(TokenStore.class);
    static final String GENERATED_TOKEN_FILE = "admin-token";

    /** A caller who presented a known token. */
    public record Principal(String name, boolean admin) {}

    private record Token(String name, byte[] secret, boolean admin) {}

    private final List<Token> tokens = new ArrayList<>();

    public TokenStore(BbmConfig config) {
        List<String> admin = config.security().adminTokens().orElse(List.of());
        admin.stream().filter(t -> !t.isBlank()).forEach(t -> add(t, "admin", true));
        config.security().readTokens().orElse(List.of()).stream()
                .filter(t -> !t.isBlank())
                .forEach(t -> add(t, "read", false));
        if (tokens.stream().noneMatch(Token::admin)) {
            tokens.add(new Token(
                    "admin-generated",
                    generatedToken(Path.of(config.dataDir())).getBytes(StandardCharsets.UTF_8),
                    true));
        }
    }

    private void add(String configured, String kind, boolean admin) {
        int colon = configured.indexOf(':');
        boolean named = colon > 0 && configured.substring(0, colon).matches("[A-Za-z0-9_.-]+");
        long sameKind = tokens.stream().filter(t -> t.admin() == admin).count();
        String name = named ? configured.substring(0, colon) : kind + "-" + (sameKind + 1);
        String secret = named ? configured.substring(colon + 1) : configured;
        tokens.add(new Token(name, secret.getBytes(StandardCharsets.UTF_8), admin));
    }

    /** The principal a presented token belongs to; compared in constant time. */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        Principal found = null;
        for (Token token : tokens) {
            if (MessageDigest.isEqual(token.secret(), candidate) && found == null) {
                found = new Principal(token.name(), token.admin());
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * A key for {@code purpose} derived from every token: replicas configured with the same tokens
     * derive the same key, and changing or revoking a token changes it. The tokens cannot be read
     * back from it (SHA-256).
     */
    public byte[] derivedKey(String purpose) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(purpose.getBytes(StandardCharsets.UTF_8));
            for (Token token : tokens) {
                byte[] name = token.name().getBytes(StandardCharsets.UTF_8);
                // Lengths first, so that no two lists of tokens feed the digest the same bytes.
                digest.update(java.nio.ByteBuffer.allocate(9)
                        .putInt(name.length)
                        .putInt(token.secret().length)
                        .put((byte) (token.admin() ? 1 : 0))
                        .array());
                digest.update(name);
                digest.update(token.secret());
            }
            return digest.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    private static String generatedToken(Path dataDir) {
        Path file = dataDir.resolve(GENERATED_TOKEN_FILE);
        try {
            if (Files.exists(file)) {
                LOG.infof("No admin token configured: using the generated one in %s", file.toAbsolutePath());
                return Files.readString(file).trim();
            }
            Files.createDirectories(dataDir);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String token = "bbm_" + HexFormat.of().formatHex(random);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n");
            LOG.infof(
                    "No admin token configured: generated one into %s (read it with: cat %s)",
                    file.toAbsolutePath(), file.toAbsolutePath());
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or write the generated admin token " + file, e);
        }
    }
}
