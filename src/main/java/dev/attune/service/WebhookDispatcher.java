package dev.attune.service;

import dev.attune.store.WebhookStore;
import dev.attune.store.WebhookStore.Delivery;
import dev.attune.store.WebhookStore.Webhook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the outbox's due deliveries, on every replica: claims a batch (rows locked with {@code SKIP
 * LOCKED} and pushed past the claim timeout, in a short transaction), posts each to its webhook with the
 * JDK's HTTP client, and records the attempt. A 2xx answer delivers; anything else is retried with
 * exponential backoff up to {@code attune.webhooks.max-attempts}, then the delivery is {@code FAILED}.
 *
 * <p>Implementation note: at least once, by exactly one replica per attempt. The claim makes a row not
 * due for {@code claim-seconds}, longer than an attempt can take (connect + request timeouts), so no other
 * replica sends it while its claimer does; if the claimer dies, the row falls due again and another
 * replica sends it (a receiver may then see a delivery id twice and should ignore the repeat).
 */
@Component
public class WebhookDispatcher {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_ERROR_CHARS = 1000;

    private final WebhookStore store;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration claim;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxAttempts;
    private final int batchSize;
    private final String replica;
    private final boolean enabled;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    public WebhookDispatcher(
            WebhookStore store,
            TransactionTemplate tx,
            Clock clock,
            @Value("${attune.webhooks.enabled:true}") boolean enabled,
            @Value("${attune.webhooks.connect-timeout-ms:5000}") long connectTimeoutMs,
            @Value("${attune.webhooks.request-timeout-ms:10000}") long requestTimeoutMs,
            @Value("${attune.webhooks.initial-backoff-ms:2000}") long initialBackoffMs,
            @Value("${attune.webhooks.max-backoff-ms:3600000}") long maxBackoffMs,
            @Value("${attune.webhooks.max-attempts:12}") int maxAttempts,
            @Value("${attune.webhooks.batch-size:32}") int batchSize,
            @Value("${attune.replica-id:}") String replicaId) {
        this.store = store;
        this.tx = tx;
        this.clock = clock;
        this.enabled = enabled;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(connectTimeoutMs))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.requestTimeout = Duration.ofMillis(requestTimeoutMs);
        // Longer than one attempt can last, so that a claim never runs out while its replica still sends.
        this.claim = Duration.ofMillis(2 * (connectTimeoutMs + requestTimeoutMs) + 5000);
        this.initialBackoff = Duration.ofMillis(initialBackoffMs);
        this.maxBackoff = Duration.ofMillis(maxBackoffMs);
        this.maxAttempts = maxAttempts;
        this.batchSize = batchSize;
        this.replica =
                replicaId.isBlank() ? "replica-" + UUID.randomUUID().toString().substring(0, 8) : replicaId;
    }

    /** This replica's name in the delivery log ({@code deliveredBy}). */
    public String replica() {
        return replica;
    }

    @Scheduled(
            fixedDelayString = "${attune.webhooks.poll-interval-ms:1000}",
            initialDelayString = "${attune.webhooks.poll-interval-ms:1000}")
    public void poll() {
        if (!enabled) {
            return;
        }
        try {
            while (dispatchDue() == batchSize) {
                // a full batch: more may be due
            }
        } catch (RuntimeException e) {
            log.warn("webhook dispatch failed; will retry", e);
        }
    }

    /** Claims and sends one batch of due deliveries; answers how many it claimed. */
    public int dispatchDue() {
        Instant now = clock.instant();
        List<Delivery> claimed = tx.execute(s -> store.claimDue(now, now.plus(claim), replica, batchSize));
        if (claimed == null || claimed.isEmpty()) {
            return 0;
        }
        List<Future<?>> sends = claimed.stream()
                .<Future<?>>map(d -> senders.submit(() -> attempt(d)))
                .toList();
        for (Future<?> f : sends) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return claimed.size();
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("webhook delivery attempt failed unexpectedly", e.getCause());
            }
        }
        return claimed.size();
    }

    private void attempt(Delivery d) {
        Optional<Webhook> hook = store.webhook(d.studyId(), d.webhookId());
        if (hook.isEmpty()) {
            return; // deleted meanwhile; its deliveries went with it
        }
        Integer code = null;
        String error = null;
        try {
            byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(URI.create(hook.get().url()))
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Attune-Webhooks/1")
                    .header(
                            WebhookSignature.HEADER,
                            WebhookSignature.sign(hook.get().secret(), body))
                    .header(
                            WebhookSignature.TIMESTAMP_HEADER,
                            Long.toString(clock.instant().getEpochSecond()))
                    .header(WebhookSignature.DELIVERY_HEADER, d.id())
                    .header(WebhookSignature.EVENT_HEADER, d.eventType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            code = response.statusCode();
            if (code < 200 || code >= 300) {
                error = "the receiver answered " + code;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted (the replica is shutting down)";
        } catch (Exception e) {
            error = (e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        record(d, code, error);
    }

    private void record(Delivery d, Integer code, String error) {
        Instant now = clock.instant();
        int attempts = d.attempts() + 1;
        String status;
        Instant next = now;
        if (error == null) {
            status = WebhookStore.DELIVERED;
        } else if (attempts >= maxAttempts) {
            status = WebhookStore.FAILED;
        } else {
            status = WebhookStore.PENDING;
            next = now.plus(backoff(attempts, initialBackoff, maxBackoff));
        }
        String shortError =
                error == null || error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS);
        store.recordAttempt(d.id(), replica, status, code, shortError, now, next);
    }

    /** The wait after the {@code attempts}-th failed attempt: initial × 2^(attempts−1), at most {@code max}. */
    static Duration backoff(int attempts, Duration initial, Duration max) {
        int doublings = Math.min(attempts - 1, 30);
        Duration d = initial.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    @jakarta.annotation.PreDestroy
    void shutdown() {
        senders.shutdownNow();
    }
}
