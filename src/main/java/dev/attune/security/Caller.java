package dev.attune.security;

import org.jspecify.annotations.Nullable;

/**
 * The holder of a valid token: its id (recorded as the actor of what it does), its project ({@code null}
 * for the server-wide admin) and its role.
 */
public record Caller(String tokenId, @Nullable String project, Role role) {
    public static final String ADMIN_ID = "admin";

    public static Caller admin() {
        return new Caller(ADMIN_ID, null, Role.ADMIN);
    }

    /** Whether a study of {@code studyProject} exists for this caller (admins see every project). */
    public boolean sees(String studyProject) {
        return project == null || project.equals(studyProject);
    }
}
