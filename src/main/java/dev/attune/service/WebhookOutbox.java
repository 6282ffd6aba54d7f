package dev.attune.service;

import dev.attune.store.WebhookStore;
import dev.attune.study.Study;
import dev.attune.study.StudyEvent;
import dev.attune.study.StudyEvent.Reported;
import dev.attune.study.StudyEvent.StudyStatusChanged;
import dev.attune.study.StudyEvent.TrialCompleted;
import dev.attune.study.StudyEvent.TrialEvent;
import dev.attune.study.StudyEvent.TrialFailed;
import dev.attune.study.StudyEvent.TrialStale;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The transactional outbox of webhook deliveries: for each stored study event that a webhook of the study
 * subscribed to, one delivery row, inserted by {@link StudyProjection} in the transaction that stores the
 * event. A delivery exists exactly when its event was committed; {@link WebhookDispatcher} sends it later.
 */
@Component
public class WebhookOutbox {
    private final WebhookStore store;
    private final JsonCodec json;

    public WebhookOutbox(WebhookStore store, JsonCodec json) {
        this.store = store;
        this.json = json;
    }

    /** Queues the deliveries {@code event} causes; {@code study} has folded it in. */
    void record(Study study, StudyEvent event, Instant at) {
        List<WebhookEvent> kinds = WebhookEvent.of(event, study.bestSeq());
        if (kinds.isEmpty()) {
            return;
        }
        List<WebhookStore.Webhook> hooks = store.webhooks(study.id());
        for (WebhookStore.Webhook hook : hooks) {
            List<String> subscribed = List.of(hook.eventTypes().split(","));
            for (WebhookEvent kind : kinds) {
                if (subscribed.contains(kind.wireName())) {
                    String id = UUID.randomUUID().toString();
                    store.insert(new WebhookStore.Delivery(
                            id,
                            hook.id(),
                            study.id(),
                            event.seq(),
                            kind.wireName(),
                            event instanceof TrialEvent t ? t.trialId() : null,
                            json.write(body(id, kind, study, event, at)),
                            WebhookStore.PENDING,
                            0,
                            at,
                            null,
                            null,
                            null,
                            at,
                            null));
                }
            }
        }
    }

    /** The JSON a receiver gets: the same bytes on every attempt, so its signature is stable too. */
    static Map<String, Object> body(String deliveryId, WebhookEvent kind, Study study, StudyEvent event, Instant at) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deliveryId", deliveryId);
        body.put("type", kind.wireName());
        body.put("studyId", study.id());
        body.put("seq", event.seq());
        body.put("occurredAt", at.toString());
        if (event instanceof TrialEvent t) {
            body.put("trial", trial(study, t));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("status", study.status().name());
        s.put("statusReason", event instanceof StudyStatusChanged c ? c.reason() : study.statusReason());
        body.put("study", s);
        return body;
    }

    private static Map<String, Object> trial(Study study, TrialEvent event) {
        Map<String, Object> trial = new LinkedHashMap<>();
        trial.put("id", event.trialId());
        trial.put("status", String.valueOf(study.trialStatus(event.trialId())));
        trial.put("config", study.config(event.trialId()));
        Map<String, Double> metrics =
                switch (event) {
                    case TrialCompleted e -> e.metrics();
                    case Reported e -> e.metrics();
                    default -> null;
                };
        if (metrics != null) {
            trial.put("metrics", metrics);
            trial.put("objective", study.objective(metrics));
        }
        String reason =
                switch (event) {
                    case TrialFailed e -> e.reason();
                    case TrialStale e -> e.reason();
                    default -> null;
                };
        if (reason != null) {
            trial.put("reason", reason);
        }
        return trial;
    }
}
