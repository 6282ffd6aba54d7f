package dev.attune.security;

import dev.attune.study.Actor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer …} into a {@link Caller}, looked up in the database on every request
 * (so a revocation holds at once on every replica), applies the caller's rate limit, and records who is
 * acting for the events the request writes. An unknown, expired or revoked token leaves the request
 * anonymous, which the authorization rules then answer with 401.
 *
 * <p>{@code lastUsedAt} is written at most once a minute per token and replica, so that reading a token
 * does not turn every request into a write.
 */
final class BearerTokenFilter extends OncePerRequestFilter {
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    static final RequestAttributeSecurityContextRepository CONTEXTS = new RequestAttributeSecurityContextRepository();
    private final SecuritySettings settings;
    private final TokenStore store;
    private final RateLimiter limiter;
    private final Clock clock;
    private final @Nullable JwtCallers jwts;

    BearerTokenFilter(SecuritySettings settings, TokenStore store, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.jwts = JwtCallers.of(settings, store);
        this.limiter = new RateLimiter(settings.ratePerSecond(), settings.burst());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!settings.authEnabled()) {
            Actor.set(Actor.ANONYMOUS);
            try {
                chain.doFilter(request, response);
            } finally {
                Actor.clear();
            }
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Optional<Caller> caller =
                AccessRules.required(request.getMethod(), path).isPresent()
                        ? authenticate(request.getHeader("Authorization"))
                        : Optional.empty();
        if (caller.isPresent()) {
            if (limiter.enabled()) {
                long waitMs = limiter.acquire(caller.get().tokenId(), System.nanoTime());
                if (waitMs > 0) {
                    response.setHeader("Retry-After", Long.toString(Math.max(1, (waitMs + 999) / 1000)));
                    ProblemJson.write(
                            response,
                            429,
                            "too-many-requests",
                            "Too many requests",
                            "this token's rate limit is " + settings.ratePerSecond() + " requests per second");
                    return;
                }
            }
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new CallerAuthentication(caller.get()));
            SecurityContextHolder.setContext(context);
            // Kept on the request, so that its async and error dispatches (a server-sent event stream's
            // completion, an error page) run as the same caller instead of as nobody.
            CONTEXTS.saveContext(context, request, response);
        }
        Actor.set(caller.map(Caller::tokenId).orElse(Actor.ANONYMOUS));
        try {
            chain.doFilter(request, response);
        } finally {
            Actor.clear();
        }
    }

    private Optional<Caller> authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String secret = header.substring(7).strip();
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        String hash = Tokens.hash(secret);
        if (Tokens.sameHash(hash, settings.adminTokenHash())) {
            return Optional.of(Caller.admin());
        }
        if (jwts != null && JwtCallers.looksLikeJwt(secret)) {
            return jwts.authenticate(secret);
        }
        Instant now = clock.instant();
        return store.byHash(hash).filter(t -> t.validAt(now)).map(t -> {
            if (t.lastUsedAt() == null || t.lastUsedAt().plus(TOUCH_EVERY).isBefore(now)) {
                store.touch(t.id(), now);
            }
            return new Caller(t.id(), t.project(), t.role());
        });
    }
}
