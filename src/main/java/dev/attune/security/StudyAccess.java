package dev.attune.security;

import dev.attune.study.NotFoundException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Which studies the caller can see: a project token sees only its project's studies, and to it every
 * other study answers exactly as one that does not exist. With authentication off, or for the admin,
 * everything is visible.
 */
@Component
public class StudyAccess {
    private static final int MAX_CACHED = 100_000;
    private final TokenStore store;
    private final SecuritySettings settings;
    private final Map<String, String> projects = new java.util.concurrent.ConcurrentHashMap<>();

    public StudyAccess(TokenStore store, SecuritySettings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** The caller of the current request, when authentication is on and it presented a valid token. */
    public static Optional<Caller> caller() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a != null && a.getPrincipal() instanceof Caller c ? Optional.of(c) : Optional.empty();
    }

    /** Throws the same not-found as a missing study when the study belongs to another project. */
    public void checkStudy(String studyId) {
        Optional<Caller> caller = caller();
        if (caller.isEmpty() || caller.get().project() == null) {
            return;
        }
        Optional<String> project = projectOf(studyId);
        if (project.isPresent() && !caller.get().sees(project.get())) {
            throw new NotFoundException("study " + studyId + " does not exist");
        }
    }

    /** Which studies a list shows: none, or those of {@code project} ({@code null}: every project). */
    public record ListScope(boolean none, @Nullable String project) {}

    /**
     * A study's project, remembered: it never changes, so the cache cannot be stale (a deleted study's
     * entry only lets a request through to the 404 the study's own look-up gives). Saves one query per
     * request; the token itself is still read from the database every time.
     */
    private Optional<String> projectOf(String studyId) {
        String known = projects.get(studyId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> project = store.studyProject(studyId);
        project.ifPresent(p -> {
            if (projects.size() >= MAX_CACHED) {
                projects.clear();
            }
            projects.put(studyId, p);
        });
        return project;
    }

    /**
     * The scope of a study list filtered by {@code requested}: a project token lists its own project (and
     * nothing when it asks for another one); the admin, or anyone with authentication off, gets the filter
     * as asked.
     */
    public ListScope listScope(@Nullable String requested) {
        Optional<Caller> caller = caller();
        if (caller.isEmpty() || caller.get().project() == null) {
            return new ListScope(false, requested);
        }
        String own = caller.get().project();
        return requested == null || requested.equals(own) ? new ListScope(false, own) : new ListScope(true, null);
    }

    /**
     * The create request with its project settled: a project token's studies belong to its project (the
     * body may name it or leave it out), and the admin may name any existing project.
     */
    public Map<String, Object> forCreate(Map<String, Object> request) {
        if (!settings.authEnabled()) {
            return request;
        }
        Caller caller = caller().orElseThrow(() -> new IllegalStateException("no caller on an authenticated path"));
        Object named = request.get("project");
        if (caller.project() == null) {
            if (named instanceof String p && ProjectService.NAME.matcher(p).matches() && !store.projectExists(p)) {
                throw new SecurityProblem(
                        400,
                        "invalid-request",
                        "project",
                        "no project " + p + "; create it with POST /api/v1/projects");
            }
            return request;
        }
        if (named != null && !caller.project().equals(named)) {
            throw new SecurityProblem(
                    403,
                    "forbidden",
                    "project",
                    "this token belongs to project " + caller.project() + " and cannot create studies in " + named);
        }
        Map<String, Object> owned = new LinkedHashMap<>(request);
        owned.put("project", caller.project());
        return owned;
    }
}
