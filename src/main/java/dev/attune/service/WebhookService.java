package dev.attune.service;

import dev.attune.space.InvalidInputException;
import dev.attune.store.WebhookStore;
import dev.attune.study.Actor;
import dev.attune.study.Fields;
import dev.attune.study.NotFoundException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * A study's webhooks: register, list, read, delete, and read the delivery log. Who may call is settled
 * before (security.AccessRules: writers; the study's project: StudyAccess). The secret is write-only: no
 * answer carries it.
 */
@Service
public class WebhookService {
    static final int MAX_URL = 2048;
    static final int MIN_SECRET = 16;
    static final int MAX_SECRET = 256;
    static final int MAX_PER_STUDY = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore store;
    private final StudyService studies;
    private final Clock clock;

    public WebhookService(WebhookStore store, StudyService studies, Clock clock) {
        this.store = store;
        this.studies = studies;
        this.clock = clock;
    }

    /** A webhook as clients see it: everything but the secret. */
    public record Webhook(String id, String studyId, String url, List<String> eventTypes, Instant createdAt) {}

    /** One entry of the delivery log. */
    public record Delivery(
            String id,
            String eventType,
            long seq,
            @Nullable Long trialId,
            String status,
            int attempts,
            @Nullable Integer lastStatusCode,
            @Nullable String lastError,
            @Nullable Instant nextAttemptAt,
            @Nullable Instant deliveredAt,
            @Nullable String deliveredBy,
            Instant createdAt) {}

    public record WebhookList(List<Webhook> items) {}

    public record DeliveryPage(
            List<Delivery> items, @Nullable String nextPageToken) {}

    public Webhook create(String studyId, java.util.Map<String, Object> request) {
        studies.find(studyId);
        Fields f = Fields.body(request, Set.of("url", "eventTypes", "secret"));
        String url = f.string("url", null, MAX_URL);
        if (url == null && f.errors().stream().noneMatch(e -> e.field().equals("url"))) {
            f.error("url", "is required");
        } else if (url != null) {
            String problem = urlProblem(url);
            if (problem != null) {
                f.error("url", problem);
            }
        }
        List<String> types = eventTypes(f);
        String secret = f.string("secret", null, MAX_SECRET);
        if (secret == null && f.errors().stream().noneMatch(e -> e.field().equals("secret"))) {
            f.error("secret", "is required: " + MIN_SECRET + " to " + MAX_SECRET + " characters");
        } else if (secret != null
                && (secret.length() < MIN_SECRET || secret.chars().anyMatch(c -> c < 0x20))) {
            f.error("secret", "must be " + MIN_SECRET + " to " + MAX_SECRET + " characters without control characters");
        }
        f.throwIfInvalid();
        if (store.count(studyId) >= MAX_PER_STUDY) {
            throw InvalidInputException.of(
                    "url", "a study has at most " + MAX_PER_STUDY + " webhooks; delete one before adding another");
        }
        WebhookStore.Webhook row = new WebhookStore.Webhook(
                newId(), studyId, url, String.join(",", types), secret, clock.instant(), Actor.current());
        store.insert(row);
        return view(row);
    }

    public WebhookList list(String studyId) {
        studies.find(studyId);
        return new WebhookList(
                store.webhooks(studyId).stream().map(WebhookService::view).toList());
    }

    public Webhook get(String studyId, String webhookId) {
        return view(find(studyId, webhookId));
    }

    public void delete(String studyId, String webhookId) {
        studies.find(studyId);
        if (!store.delete(studyId, webhookId)) {
            throw notFound(studyId, webhookId);
        }
    }

    /** The webhook's deliveries, oldest first, a page at a time. */
    public DeliveryPage deliveries(String studyId, String webhookId, int limit, @Nullable String pageToken) {
        WebhookStore.Webhook hook = find(studyId, webhookId);
        Instant afterAt = null;
        String afterId = "";
        if (pageToken != null) {
            String key = PageTokens.decode(pageToken, "pageToken");
            int bar = key.indexOf('|');
            try {
                afterAt = Instant.parse(key.substring(0, Math.max(bar, 0)));
            } catch (RuntimeException e) {
                throw InvalidInputException.of("pageToken", "is not a page token this server issued");
            }
            afterId = key.substring(bar + 1);
        }
        List<WebhookStore.Delivery> rows = store.deliveries(hook.id(), limit + 1, afterAt, afterId);
        List<Delivery> items =
                rows.stream().limit(limit).map(WebhookService::view).toList();
        String next = null;
        if (rows.size() > limit) {
            WebhookStore.Delivery last = rows.get(limit - 1);
            next = PageTokens.encode(last.createdAt() + "|" + last.id());
        }
        return new DeliveryPage(items, next);
    }

    private WebhookStore.Webhook find(String studyId, String webhookId) {
        studies.find(studyId);
        return store.webhook(studyId, webhookId).orElseThrow(() -> notFound(studyId, webhookId));
    }

    private static NotFoundException notFound(String studyId, String webhookId) {
        String shown = webhookId.length() > 40 ? webhookId.substring(0, 40) + "…" : webhookId;
        return new NotFoundException("study " + studyId + " has no webhook " + shown);
    }

    /** Why {@code url} cannot receive deliveries, or null when it can. */
    static @Nullable String urlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http or https URL";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must name a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry credentials; the receiver checks the signature instead";
        }
        if (uri.getRawFragment() != null) {
            return "must not have a fragment";
        }
        return null;
    }

    private static List<String> eventTypes(Fields f) {
        Object raw = f.raw("eventTypes");
        if (raw == null) {
            f.error("eventTypes", "is required: a non-empty list of " + WebhookEvent.wireNames());
            return List.of();
        }
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            f.error("eventTypes", "must be a non-empty list of " + WebhookEvent.wireNames());
            return List.of();
        }
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof String s && WebhookEvent.byWireName(s).isPresent()) {
                types.add(s);
            } else {
                f.error("eventTypes[" + i + "]", "must be one of " + WebhookEvent.wireNames());
            }
        }
        return List.copyOf(types);
    }

    private static String newId() {
        StringBuilder id = new StringBuilder("wh");
        String digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 20; i++) {
            id.append(digits.charAt(RANDOM.nextInt(digits.length())));
        }
        return id.toString();
    }

    private static Webhook view(WebhookStore.Webhook w) {
        return new Webhook(w.id(), w.studyId(), w.url(), List.of(w.eventTypes().split(",")), w.createdAt());
    }

    private static Delivery view(WebhookStore.Delivery d) {
        return new Delivery(
                d.id(),
                d.eventType(),
                d.seq(),
                d.trialId(),
                d.status(),
                d.attempts(),
                d.lastStatusCode(),
                d.lastError(),
                WebhookStore.PENDING.equals(d.status()) ? d.nextAttemptAt() : null,
                d.deliveredAt(),
                d.deliveredBy(),
                d.createdAt());
    }
}
