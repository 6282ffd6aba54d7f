package dev.attune.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.AttuneApplication;
import dev.attune.store.WebhookStore;
import dev.attune.support.Api;
import dev.attune.support.PostgresSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two replicas (two application contexts, each with its own web server and dispatcher) on one PostgreSQL
 * database: trials written through both, and every event delivered, each by exactly one replica. Under CI
 * it must run (see {@link PostgresSupport}).
 */
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookReplicasTest {
    static final int STUDIES = 4;
    ConfigurableApplicationContext a;
    ConfigurableApplicationContext b;

    @BeforeAll
    void startReplicas() {
        a = replica("a");
        b = replica("b");
    }

    @AfterAll
    void stopReplicas() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    static ConfigurableApplicationContext replica(String name) {
        // Command-line arguments: they outrank application.properties (default properties would not).
        return new SpringApplicationBuilder(AttuneApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + PostgresSupport.url(),
                        "--spring.datasource.username=" + PostgresSupport.user(),
                        "--spring.datasource.password=" + PostgresSupport.password(),
                        "--spring.jmx.enabled=false",
                        "--attune.replica-id=" + name,
                        "--attune.webhooks.poll-interval-ms=20",
                        "--attune.webhooks.batch-size=1",
                        "--attune.webhooks.initial-backoff-ms=100",
                        "--attune.webhooks.max-backoff-ms=300");
    }

    static Api api(ConfigurableApplicationContext c) {
        return new Api(((WebServerApplicationContext) c).getWebServer().getPort());
    }

    @Test
    void everyEventIsDeliveredOnceByOneOfTwoReplicas() throws Exception {
        Api viaA = api(a);
        Api viaB = api(b);
        try (WebhookReceiver receiver = new WebhookReceiver(WebhookScenario.SECRET, 0)) {
            Map<String, String> hooks = new TreeMap<>();
            for (int i = 0; i < STUDIES; i++) {
                String study = viaA.createStudy(WebhookScenario.study("replicas-" + i));
                hooks.put(study, WebhookScenario.webhook(i % 2 == 0 ? viaA : viaB, study, receiver.url()));
            }
            // Both replicas write every study: each ask/complete goes to the next replica in turn.
            for (String study : hooks.keySet()) {
                WebhookScenario.run(study, viaA, viaB);
            }
            int expected = STUDIES * WebhookScenario.expectedEvents().size();
            WebhookScenario.await(
                    "every delivery of " + STUDIES + " studies",
                    Duration.ofSeconds(60),
                    () -> hooks.entrySet().stream()
                                    .flatMap(e -> WebhookScenario.log(viaB, e.getKey(), e.getValue()).stream())
                                    .filter(d -> d.get("status").equals("DELIVERED"))
                                    .count()
                            == expected);

            List<WebhookReceiver.Received> got = receiver.received().stream()
                    .filter(r -> hooks.containsKey((String) r.body().get("studyId")))
                    .toList();
            assertThat(got).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
            assertThat(got).map(WebhookReceiver.Received::deliveryId).doesNotHaveDuplicates();
            for (String study : hooks.keySet()) {
                assertThat(got.stream()
                                .filter(r -> r.body().get("studyId").equals(study))
                                .map(WebhookScenario::event))
                        .as("events of study %s", study)
                        .containsExactlyInAnyOrderElementsOf(WebhookScenario.expectedEvents());
            }
            Map<Object, Long> byReplica = hooks.entrySet().stream()
                    .flatMap(e -> WebhookScenario.log(viaA, e.getKey(), e.getValue()).stream())
                    .peek(d -> assertThat(d.get("attempts")).isEqualTo(1))
                    .collect(Collectors.groupingBy(d -> d.get("deliveredBy"), TreeMap::new, Collectors.counting()));
            System.out.println("WebhookReplicasTest: " + expected + " deliveries, by replica " + byReplica);
            assertThat(byReplica.keySet()).isSubsetOf("a", "b");
            assertThat(byReplica.values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(expected);
        }
    }

    /**
     * The claim itself: while one replica's claiming transaction holds due rows, the other's claim skips
     * them (FOR UPDATE SKIP LOCKED) instead of waiting or taking them too.
     */
    @Test
    void concurrentClaimsNeverShareARow() throws Exception {
        Api viaA = api(a);
        String study = viaA.createStudy(WebhookScenario.study("claims"));
        // A receiver that is never reached: the deliveries stay PENDING while this test claims them itself.
        String hook = WebhookScenario.webhook(viaA, study, "http://127.0.0.1:9/unreachable");
        WebhookStore storeA = a.getBean(WebhookStore.class);
        WebhookStore storeB = b.getBean(WebhookStore.class);
        TransactionTemplate txA = a.getBean(TransactionTemplate.class);
        TransactionTemplate txB = b.getBean(TransactionTemplate.class);
        WebhookScenario.run(study, viaA);
        // Far in the future, so that the replicas' own dispatchers (claiming at their now) leave them alone.
        Instant later = Instant.now().plus(Duration.ofDays(365));
        Instant until = later.plus(Duration.ofDays(1));
        CountDownLatch aHolds = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Set<String>> heldByA =
                new java.util.concurrent.atomic.AtomicReference<>();
        Function<List<WebhookStore.Delivery>, Set<String>> ids =
                l -> l.stream().map(WebhookStore.Delivery::id).collect(Collectors.toSet());
        CompletableFuture<Set<String>> claimedByA = CompletableFuture.supplyAsync(() -> txA.execute(s -> {
            List<WebhookStore.Delivery> mine = storeA.claimDue(later, until, "test-a", 3);
            heldByA.set(ids.apply(mine));
            aHolds.countDown();
            await(bDone);
            return ids.apply(mine);
        }));
        assertThat(aHolds.await(10, TimeUnit.SECONDS)).isTrue();
        Set<String> ofThisStudy = new HashSet<>();
        WebhookScenario.log(viaA, study, hook).forEach(d -> ofThisStudy.add((String) d.get("id")));
        Set<String> rest = difference(ofThisStudy, heldByA.get());
        // While A holds its rows, B claims the rest. A replica's own dispatcher may hold one of the rest for
        // the moment of its own delivery attempt (SKIP LOCKED skips it too), so B claims again until it has
        // them all or a few seconds passed; A's rows stay held throughout.
        Set<String> claimedByB = new HashSet<>();
        for (int attempt = 0; attempt < 50 && !claimedByB.containsAll(rest); attempt++) {
            if (attempt > 0) {
                Thread.sleep(100);
            }
            claimedByB.addAll(ids.apply(txB.execute(s -> storeB.claimDue(later, until, "test-b", 100))));
        }
        bDone.countDown();
        Set<String> fromA = claimedByA.get(10, TimeUnit.SECONDS);
        assertThat(fromA).hasSize(3);
        assertThat(claimedByB).doesNotContainAnyElementsOf(fromA);
        assertThat(new ArrayList<>(claimedByB)).containsAll(difference(ofThisStudy, fromA));
    }

    private static Set<String> difference(Set<String> all, Set<String> minus) {
        Set<String> d = new HashSet<>(all);
        d.removeAll(minus);
        return d;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
