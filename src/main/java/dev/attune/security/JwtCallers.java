package dev.attune.security;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Single sign-on: a JWT from the configured issuer (signature checked against its JWK set, expiry and,
 * when configured, issuer validated) becomes a caller with the project and role its claims name, e.g.
 * {@code "attune_project": "vision", "attune_role": "worker"} ({@code "attune_role": "admin"} for the
 * server-wide admin). Its actor id is {@code jwt:} and the subject.
 */
final class JwtCallers {
    private final JwtDecoder decoder;
    private final String projectClaim;
    private final String roleClaim;
    private final TokenStore store;

    JwtCallers(JwtDecoder decoder, String projectClaim, String roleClaim, TokenStore store) {
        this.decoder = decoder;
        this.projectClaim = projectClaim;
        this.roleClaim = roleClaim;
        this.store = store;
    }

    static @Nullable JwtCallers of(SecuritySettings settings, TokenStore store) {
        if (settings.jwkSetUri().isEmpty()) {
            return null;
        }
        NimbusJwtDecoder decoder =
                NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri()).build();
        decoder.setJwtValidator(
                settings.jwtIssuer().isEmpty()
                        ? JwtValidators.createDefault()
                        : JwtValidators.createDefaultWithIssuer(settings.jwtIssuer()));
        return new JwtCallers(decoder, settings.jwtProjectClaim(), settings.jwtRoleClaim(), store);
    }

    /** Whether the bearer value has a JWT's shape (three dot-separated parts); API tokens never do. */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    /** The caller the token names, or empty when it is invalid, expired or carries no Attune role. */
    Optional<Caller> authenticate(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtException e) {
            return Optional.empty();
        }
        String subject = jwt.getSubject() == null ? "unknown" : jwt.getSubject();
        String id = ("jwt:" + subject).substring(0, Math.min(64, 4 + subject.length()));
        String role = jwt.getClaimAsString(roleClaim);
        if ("admin".equals(role)) {
            return Optional.of(new Caller(id, null, Role.ADMIN));
        }
        String project = jwt.getClaimAsString(projectClaim);
        for (Role r : Role.values()) {
            if (r != Role.ADMIN && r.json().equals(role) && project != null && store.projectExists(project)) {
                return Optional.of(new Caller(id, project, r));
            }
        }
        return Optional.empty();
    }
}
