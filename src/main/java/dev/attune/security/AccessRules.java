package dev.attune.security;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The role each request needs, by method and path; empty means open to anyone. Deny by default: any
 * {@code /api/v1} request not named here needs a writer ({@code GET}: a reader), so a new endpoint is
 * never open by accident. Which project's study a path names is checked after this, by {@link
 * StudyAccess}.
 *
 * <p>So {@code GET /studies/{id}/export} needs a reader (it reveals no more than the trial list and event
 * log do), and {@code POST /studies/import} a writer, like a create: a batch ask ({@code POST
 * /studies/{id}/ask} with {@code count}) is a worker's ask.
 */
public final class AccessRules {
    private static final String STUDY = "^/api/v1/studies/[^/]+";
    private static final String TRIAL = STUDY + "/trials/[^/]+";

    /** What a worker does while running its project's trials (ask/tell, feedback, logs). */
    private static final List<Rule> WORKER = List.of(
            new Rule("POST", Pattern.compile(STUDY + "/ask$")),
            new Rule("POST", Pattern.compile(TRIAL + "/(reports|complete|fail|release|skip|heartbeat|links)$")),
            new Rule("PUT", Pattern.compile(TRIAL + "/(logs|metadata)$")),
            new Rule("PUT", Pattern.compile(STUDY + "/metadata$")),
            new Rule("POST", Pattern.compile(TRIAL + "/checkpoint(/upload|/missing)?$")),
            new Rule("PUT", Pattern.compile(TRIAL + "/checkpoint/data$")),
            new Rule("DELETE", Pattern.compile(TRIAL + "/checkpoint$")));

    /**
     * Reads that need a writer: a study's webhooks (their URLs may carry tokens of the receiving system) and
     * their delivery logs are managed by writers only.
     */
    private static final List<Rule> WRITER_READS = List.of(
            new Rule("GET", Pattern.compile(STUDY + "/webhooks(/[^/]+(/deliveries)?)?$")),
            new Rule("HEAD", Pattern.compile(STUDY + "/webhooks(/[^/]+(/deliveries)?)?$")));

    /**
     * What an operator does to a running study (stop, change its settings, stop, pause or resume a trial):
     * a writer's, never a worker's, since a worker token must not end other workers' trials.
     */
    private static final List<Rule> OPERATOR = List.of(
            new Rule("POST", Pattern.compile(STUDY + "/stop$")),
            new Rule("PATCH", Pattern.compile(STUDY + "$")),
            new Rule("POST", Pattern.compile(TRIAL + "/(stop|pause|resume)$")));

    private record Rule(String method, Pattern path) {
        boolean matches(String m, String p) {
            return method.equals(m) && path.matcher(p).matches();
        }
    }

    private AccessRules() {}

    public static Optional<Role> required(String method, String path) {
        if (path.equals("/api/v1") || path.startsWith("/api/v1/")) {
            if (isUnder(path, "/api/v1/projects") || isUnder(path, "/api/v1/audit")) {
                return Optional.of(Role.ADMIN);
            }
            if (WRITER_READS.stream().anyMatch(r -> r.matches(method, path))) {
                return Optional.of(Role.WRITER);
            }
            if (method.equals("GET") || method.equals("HEAD")) {
                return Optional.of(Role.READER);
            }
            if (OPERATOR.stream().anyMatch(r -> r.matches(method, path))) {
                return Optional.of(Role.WRITER);
            }
            return Optional.of(WORKER.stream().anyMatch(r -> r.matches(method, path)) ? Role.WORKER : Role.WRITER);
        }
        if (isUnder(path, "/actuator")) {
            // Probes stay open for load balancers and Kubernetes; metrics need any valid token.
            return isUnder(path, "/actuator/health") ? Optional.empty() : Optional.of(Role.READER);
        }
        // The dashboard's static pages, Swagger UI and the OpenAPI document: the pages send the token
        // themselves when they call the API.
        return Optional.empty();
    }

    private static boolean isUnder(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
