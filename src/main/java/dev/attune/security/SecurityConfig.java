package dev.attune.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Stateless bearer-token security for the API: no sessions, no cookies, so no CSRF to defend against.
 * With authentication off every request is let through as before (and still gets the security headers).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class SecurityConfig implements WebMvcConfigurer {
    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);
    private final StudyAccess access;

    public SecurityConfig(StudyAccess access) {
        this.access = access;
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, SecuritySettings settings, TokenStore store, Clock clock)
            throws Exception {
        log.info(
                settings.authEnabled()
                        ? "Authentication is ON: /api/v1 needs Authorization: Bearer <token>"
                        : "Authentication is OFF (ATTUNE_ADMIN_TOKEN is not set): anyone who reaches the port can"
                                + " do anything");
        AuthorizationManager<RequestAuthorizationContext> rules = (authentication, context) -> {
            if (!settings.authEnabled()) {
                return new AuthorizationDecision(true);
            }
            HttpServletRequest request = context.getRequest();
            String path =
                    request.getRequestURI().substring(request.getContextPath().length());
            return AccessRules.required(request.getMethod(), path)
                    .map(role -> new AuthorizationDecision(authentication.get().getPrincipal() instanceof Caller c
                            && c.role().includes(role)))
                    .orElseGet(() -> new AuthorizationDecision(true));
        };
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                // No code asks the servlet request for its user (isUserInRole, getUserPrincipal): without the
                // wrapper every request attribute, header and method read skips a layer (issue 16 item 6).
                .servletApi(s -> s.disable())
                .securityContext(c -> c.securityContextRepository(BearerTokenFilter.CONTEXTS))
                .cors(c -> c.configurationSource(cors(settings.corsOrigins())))
                .headers(h -> h.referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .addFilterBefore(new BearerTokenFilter(settings, store, clock), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a.anyRequest().access(rules))
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            ProblemJson.write(
                                    response,
                                    HttpServletResponse.SC_UNAUTHORIZED,
                                    "unauthorized",
                                    "Unauthorized",
                                    request.getHeader("Authorization") == null
                                            ? "this server needs Authorization: Bearer <token>"
                                            : "the token is unknown, expired or revoked");
                        })
                        .accessDeniedHandler((request, response, ex) -> ProblemJson.write(
                                response,
                                HttpServletResponse.SC_FORBIDDEN,
                                "forbidden",
                                "Forbidden",
                                "this token's role does not allow " + request.getMethod() + " "
                                        + request.getRequestURI())));
        return http.build();
    }

    /** Closed unless ATTUNE_CORS_ORIGINS names the origins that may call the API from a browser. */
    static UrlBasedCorsConfigurationSource cors(List<String> origins) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!origins.isEmpty()) {
            CorsConfiguration c = new CorsConfiguration();
            c.setAllowedOrigins(origins);
            c.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
            c.setAllowedHeaders(List.of("Authorization", "Content-Type"));
            c.setExposedHeaders(List.of("Location", "Retry-After", "WWW-Authenticate"));
            c.setMaxAge(3600L);
            source.registerCorsConfiguration("/api/**", c);
        }
        return source;
    }

    /** A path under one study, whatever its handler calls the id. */
    private static final java.util.regex.Pattern STUDY_PATH =
            java.util.regex.Pattern.compile("^/api/v1/studies/([^/]+)(/.*)?$");

    /**
     * Requests for one study of another project answer 404, as for a study that does not exist. Checked
     * on the path (so that a new endpoint under {@code /studies/{id}} is covered whatever it names its
     * variable) and on any {@code studyId} path variable (decoded, as the controller sees it).
     */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
                    @Override
                    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                        java.util.regex.Matcher m = STUDY_PATH.matcher(request.getRequestURI()
                                .substring(request.getContextPath().length()));
                        if (m.matches()) {
                            access.checkStudy(m.group(1));
                        }
                        if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE)
                                        instanceof Map<?, ?> variables
                                && variables.get("studyId") instanceof String studyId) {
                            access.checkStudy(studyId);
                        }
                        return true;
                    }
                })
                .addPathPatterns("/api/**");
    }
}
