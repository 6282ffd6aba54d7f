package dev.attune.security;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The security configuration, from the environment: authentication is on exactly when an admin token is
 * set ({@code ATTUNE_ADMIN_TOKEN} or {@code ATTUNE_ADMIN_TOKEN_FILE}).
 */
@Component
public class SecuritySettings {
    private final @Nullable String adminTokenHash;
    private final double ratePerSecond;
    private final double burst;
    private final List<String> corsOrigins;

    public SecuritySettings(
            Environment env,
            @Value("${attune.rate-limit.per-second:${ATTUNE_RATE_LIMIT:100}}") double ratePerSecond,
            @Value("${attune.rate-limit.burst:${ATTUNE_RATE_BURST:200}}") double burst,
            @Value("${attune.cors.origins:${ATTUNE_CORS_ORIGINS:}}") String corsOrigins) {
        String adminToken = AdminToken.read(env);
        this.adminTokenHash = adminToken.isEmpty() ? null : Tokens.hash(adminToken);
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.corsOrigins = Arrays.stream(corsOrigins.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    public boolean authEnabled() {
        return adminTokenHash != null;
    }

    /** The SHA-256 of the admin token; only meaningful when {@link #authEnabled()}. */
    @Nullable
    String adminTokenHash() {
        return adminTokenHash;
    }

    /** Requests per second a token may make on average; 0 or less turns the limit off. */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    public double burst() {
        return burst;
    }

    public List<String> corsOrigins() {
        return corsOrigins;
    }
}
