package dev.attune.api;

import dev.attune.service.WebhookService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A study's webhooks and their delivery log (docs/webhooks.md: the payload, the signature, retries). */
@RestController
@RequestMapping(path = "/api/v1/studies/{studyId}/webhooks", produces = "application/json")
@Tag(name = "Webhooks", description = "Signed HTTP callbacks on trial and study events, with a delivery log")
public class WebhookController {
    private final WebhookService webhooks;

    public WebhookController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    /** The body of {@code POST …/webhooks}, for the OpenAPI document. */
    @Schema(description = "A webhook to register; the secret is never shown again")
    public record WebhookRequest(
            @Schema(example = "https://ci.example.org/attune-hook", description = "http or https, at most 2048 chars")
            String url,

            @Schema(
                    example = "[\"trial.completed\", \"study.new_best\", \"study.done\"]",
                    description = "any of trial.completed, trial.failed, trial.stale, study.done," + " study.new_best")
            List<String> eventTypes,

            @Schema(description = "16 to 256 characters; the key of the HMAC-SHA256 signature")
            String secret) {}

    @PostMapping(consumes = "application/json")
    @Operation(
            summary = "Register a webhook: deliveries of the chosen events, signed with HMAC-SHA256 of the body",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = WebhookRequest.class))))
    public ResponseEntity<WebhookService.Webhook> create(
            @PathVariable String studyId, @RequestBody Map<String, Object> request) {
        WebhookService.Webhook w = webhooks.create(studyId, request);
        return ResponseEntity.created(URI.create("/api/v1/studies/" + studyId + "/webhooks/" + w.id()))
                .body(w);
    }

    @GetMapping
    @Operation(summary = "The study's webhooks (without their secrets)")
    public WebhookService.WebhookList list(@PathVariable String studyId) {
        return webhooks.list(studyId);
    }

    @GetMapping("/{webhookId}")
    @Operation(summary = "One webhook (without its secret)")
    public WebhookService.Webhook get(@PathVariable String studyId, @PathVariable String webhookId) {
        return webhooks.get(studyId, webhookId);
    }

    @DeleteMapping("/{webhookId}")
    @Operation(summary = "Delete a webhook and its delivery log; nothing more is sent to it")
    public ResponseEntity<Void> delete(@PathVariable String studyId, @PathVariable String webhookId) {
        webhooks.delete(studyId, webhookId);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{webhookId}/deliveries")
    @Operation(
            summary = "The webhook's delivery log, oldest first: event, attempts, last status code and error,"
                    + " when it was delivered and by which replica")
    public WebhookService.DeliveryPage deliveries(
            @PathVariable String studyId,
            @PathVariable String webhookId,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String pageToken) {
        return webhooks.deliveries(studyId, webhookId, StudyController.Limits.check(limit), pageToken);
    }
}
