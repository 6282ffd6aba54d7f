package dev.attune.api;

import dev.attune.security.ProjectService;
import dev.attune.security.TokenStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Projects and their API tokens: the admin's endpoints (docs/security.md). */
@RestController
@Tag(name = "Projects", description = "Projects own studies; tokens give a role in one project (admin only)")
public class ProjectController {
    private final ProjectService projects;

    public ProjectController(ProjectService projects) {
        this.projects = projects;
    }

    public record ProjectRequest(
            @Schema(example = "vision", requiredMode = Schema.RequiredMode.REQUIRED)
            String name) {}

    public record ProjectResponse(String name, Instant createdAt) {}

    public record ProjectList(List<ProjectResponse> items) {}

    public record TokenRequest(
            @Schema(example = "ci", requiredMode = Schema.RequiredMode.REQUIRED)
            String name,

            @Schema(
                    allowableValues = {"reader", "worker", "writer"},
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String role,

            @Schema(description = "optional; after this instant the token is refused", example = "2027-01-31T00:00:00Z")
            Instant expiresAt) {}

    @Schema(description = "A new token; `token` is the secret, shown only in this response")
    public record IssuedToken(
            String id, String token, String project, String name, String role, Instant createdAt, Instant expiresAt) {}

    @Schema(description = "A token without its secret")
    public record TokenResponse(
            String id,
            String project,
            String name,
            String role,

            @Schema(description = "the token id that created it (admin for ATTUNE_ADMIN_TOKEN)")
            String createdBy,

            Instant createdAt,
            Instant expiresAt,

            @Schema(description = "when the token was last used, to within a minute")
            Instant lastUsedAt,

            boolean revoked,
            Instant revokedAt) {}

    public record TokenList(List<TokenResponse> items) {}

    public record AuditEntry(
            long id,
            Instant at,
            String actor,

            @Schema(description = "PROJECT_CREATED, TOKEN_CREATED or TOKEN_REVOKED")
            String action,

            String project,
            String tokenId) {}

    public record AuditList(List<AuditEntry> items) {}

    @PostMapping(path = "/api/v1/projects", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Create a project",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = ProjectRequest.class))))
    public ResponseEntity<ProjectResponse> create(@RequestBody Map<String, Object> request) {
        TokenStore.Project p = projects.create(request);
        return ResponseEntity.created(URI.create("/api/v1/projects/" + p.name()))
                .body(new ProjectResponse(p.name(), p.createdAt()));
    }

    @GetMapping(path = "/api/v1/projects", produces = "application/json")
    @Operation(summary = "Every project, by name")
    public ProjectList list() {
        return new ProjectList(projects.projects().stream()
                .map(p -> new ProjectResponse(p.name(), p.createdAt()))
                .toList());
    }

    @PostMapping(path = "/api/v1/projects/{name}/tokens", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Create a token with a role in the project; its secret is in this response only",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = TokenRequest.class))))
    public ResponseEntity<IssuedToken> issue(@PathVariable String name, @RequestBody Map<String, Object> request) {
        ProjectService.Issued issued = projects.issue(name, request);
        TokenStore.Token t = issued.token();
        return ResponseEntity.created(URI.create("/api/v1/projects/" + name + "/tokens/" + t.id()))
                .body(new IssuedToken(
                        t.id(), issued.secret(), t.project(), t.name(), t.role().json(), t.createdAt(), t.expiresAt()));
    }

    @GetMapping(path = "/api/v1/projects/{name}/tokens", produces = "application/json")
    @Operation(summary = "The project's tokens, without their secrets")
    public TokenList tokens(@PathVariable String name) {
        return new TokenList(projects.tokens(name).stream()
                .map(t -> new TokenResponse(
                        t.id(),
                        t.project(),
                        t.name(),
                        t.role().json(),
                        t.createdBy(),
                        t.createdAt(),
                        t.expiresAt(),
                        t.lastUsedAt(),
                        t.revokedAt() != null,
                        t.revokedAt()))
                .toList());
    }

    @DeleteMapping(path = "/api/v1/projects/{name}/tokens/{id}", produces = "application/json")
    @Operation(summary = "Revoke a token: refused from the next request on, on every replica")
    public ResponseEntity<Void> revoke(@PathVariable String name, @PathVariable String id) {
        projects.revoke(name, id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping(path = "/api/v1/audit", produces = "application/json")
    @Operation(summary = "Who created projects and created or revoked tokens, newest first")
    public AuditList audit(@RequestParam(defaultValue = "100") int limit) {
        return new AuditList(projects.audit(limit).stream()
                .map(a -> new AuditEntry(a.id(), a.at(), a.actor(), a.action(), a.project(), a.tokenId()))
                .toList());
    }
}
