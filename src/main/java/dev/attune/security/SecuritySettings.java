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
    private final String jwkSetUri;
    private final String jwtIssuer;
    private final String jwtProjectClaim;
    private final String jwtRoleClaim;

    public SecuritySettings(
            Environment env,
            @Value("${attune.rate-limit.per-second:${ATTUNE_RATE_LIMIT:100}}") double ratePerSecond,
            @Value("${attune.rate-limit.burst:${ATTUNE_RATE_BURST:200}}") double burst,
            @Value("${attune.cors.origins:${ATTUNE_CORS_ORIGINS:}}") String corsOrigins,
            @Value("${attune.jwt.jwk-set-uri:${ATTUNE_JWT_JWK_SET_URI:}}") String jwkSetUri,
            @Value("${attune.jwt.issuer:${ATTUNE_JWT_ISSUER:}}") String jwtIssuer,
            @Value("${attune.jwt.project-claim:${ATTUNE_JWT_PROJECT_CLAIM:attune_project}}") String jwtProjectClaim,
            @Value("${attune.jwt.role-claim:${ATTUNE_JWT_ROLE_CLAIM:attune_role}}") String jwtRoleClaim) {
        this.jwkSetUri = jwkSetUri.strip();
        this.jwtIssuer = jwtIssuer.strip();
        this.jwtProjectClaim = jwtProjectClaim;
        this.jwtRoleClaim = jwtRoleClaim;
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

    /** Where the single sign-on issuer publishes its keys; empty: JWTs are not accepted. */
    public String jwkSetUri() {
        return jwkSetUri;
    }

    /** The issuer ({@code iss}) a JWT must name; empty: not checked. */
    public String jwtIssuer() {
        return jwtIssuer;
    }

    public String jwtProjectClaim() {
        return jwtProjectClaim;
    }

    public String jwtRoleClaim() {
        return jwtRoleClaim;
    }
}
