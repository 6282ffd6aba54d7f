package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The checkpoint store over HTTP with the directory store: an archive uploaded through the server is kept
 * only when its SHA-256 matches, its manifest says which archive is current, a trial resumed without its
 * checkpoint is flagged, a worker shutting down gives its trial back, and the store empties as the study
 * ends or is deleted.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:checkpoints;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
class CheckpointApiTest {
    static final Path STORE;

    static {
        try {
            STORE = Files.createTempDirectory("attune-checkpoint-store");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("attune.checkpoints.dir", STORE::toString);
    }

    @LocalServerPort
    int port;

    String study(Map<String, Object> extra) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.putAll(extra);
        return new Api(port).createStudy(d);
    }

    HttpResponse<String> putArchive(String path, byte[] bytes, String sha256) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/zip")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (sha256 != null) {
            b.header("X-Checkpoint-Sha256", sha256);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void anArchiveIsKeptOnlyWithItsChecksumAndServedBackWithItsManifest() throws Exception {
        Api api = new Api(port);
        String id = study(Map.of());
        String s = "/api/v1/studies/" + id;
        api.post(s + "/ask", null);
        byte[] archive = "PK not really a zip, but bytes".getBytes(StandardCharsets.UTF_8);
        String sha = sha256(archive);

        Api.Response target =
                api.post(s + "/trials/0/checkpoint/upload", Map.of("sha256", sha, "size", archive.length));
        assertThat(target.status()).isEqualTo(200);
        assertThat(target.json()).containsEntry("store", "directory").containsEntry("url", null);
        assertThat(api.post(s + "/trials/0/checkpoint/upload", Map.of("sha256", "abc", "size", 1))
                        .body())
                .contains("sha256");

        assertThat(putArchive(s + "/trials/0/checkpoint/data", archive, sha256(new byte[] {1}))
                        .statusCode())
                .as("a corrupted upload is refused")
                .isEqualTo(400);
        assertThat(putArchive(s + "/trials/0/checkpoint/data", archive, null).statusCode())
                .isEqualTo(400);
        assertThat(api.get(s + "/trials/0/checkpoint").status())
                .as("nothing committed yet")
                .isEqualTo(404);
        assertThat(putArchive(s + "/trials/0/checkpoint/data", archive, sha).statusCode())
                .isEqualTo(204);

        api.post(s + "/trials/0/reports", Map.of("metrics", Map.of("loss", 0.5), "step", 1));
        Api.Response commit =
                api.post(s + "/trials/0/checkpoint", Map.of("present", true, "sha256", sha, "size", archive.length));
        assertThat(commit.status()).isEqualTo(200);
        Map<String, Object> manifest = api.get(s + "/trials/0/checkpoint").json();
        assertThat(manifest)
                .containsEntry("present", true)
                .containsEntry("sha256", sha)
                .containsEntry("reports", 1)
                .containsEntry("trialReports", 1)
                .containsEntry("url", null);
        HttpResponse<byte[]> data = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + s + "/trials/0/checkpoint/data"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(data.statusCode()).isEqualTo(200);
        assertThat(data.body()).isEqualTo(archive);
        assertThat(STORE.resolve(id).resolve("trial-0.zip")).exists();

        api.post(s + "/trials/0/reports", Map.of("metrics", Map.of("loss", 0.4), "step", 2));
        assertThat(api.get(s + "/trials/0/checkpoint").json())
                .as("a manifest older than the trial's last report says so")
                .containsEntry("reports", 1)
                .containsEntry("trialReports", 2);

        assertThat(api.delete(s + "/trials/0/checkpoint").status()).isEqualTo(204);
        assertThat(api.get(s + "/trials/0/checkpoint").status()).isEqualTo(404);
        assertThat(api.post(s + "/trials/0/checkpoint", Map.of("present", "yes"))
                        .body())
                .contains("present");
    }

    @Test
    void aResumeWithoutCheckpointIsFlaggedOnTheTrialAndCountedOnTheStudy() {
        Api api = new Api(port);
        String s = "/api/v1/studies/" + study(Map.of());
        api.post(s + "/ask", null);
        assertThat(api.get(s + "/trials/0").get("resumedWithoutCheckpoint")).isEqualTo(false);
        assertThat(api.post(s + "/trials/0/checkpoint/missing", null).get("resumedWithoutCheckpoint"))
                .isEqualTo(true);
        assertThat(((Number) api.get(s).get("trialsResumedWithoutCheckpoint")).intValue())
                .isEqualTo(1);
        assertThat(api.post(s + "/trials/7/checkpoint/missing", null).status()).isEqualTo(404);
    }

    @Test
    void aReleasedTrialIsPausedAndResumedByTheNextAsk() {
        Api api = new Api(port);
        String s = "/api/v1/studies/" + study(Map.of());
        api.post(s + "/ask", null);
        Api.Response released = api.post(s + "/trials/0/release", Map.of("reason", "worker w shut down"));
        assertThat(released.string("status")).isEqualTo("PAUSED");
        assertThat(released.string("statusReason")).contains("shut down");
        assertThat(api.post(s + "/trials/0/release", null).status()).isEqualTo(409);
        Api.Response ask = api.post(s + "/ask", Map.of("workerId", "w2"));
        assertThat(ask.get("trial.id")).isEqualTo(0);
        assertThat(ask.get("trial.resumed")).isEqualTo(true);
    }

    @Test
    void theStoreEmptiesWhenAStudyWithDeleteCheckpointsEndsOrAStudyIsDeleted() throws Exception {
        Api api = new Api(port);
        byte[] archive = "bytes".getBytes(StandardCharsets.UTF_8);
        String sha = sha256(archive);

        String ending = study(Map.of("deleteCheckpoints", true, "stoppingCriterion", Map.of("maxNumTrialsStarted", 1)));
        String s = "/api/v1/studies/" + ending;
        api.post(s + "/ask", null);
        putArchive(s + "/trials/0/checkpoint/data", archive, sha);
        api.post(s + "/trials/0/checkpoint", Map.of("present", true, "sha256", sha, "size", archive.length));
        assertThat(STORE.resolve(ending)).exists();
        api.post(s + "/trials/0/complete", Map.of("metrics", Map.of("loss", 0.1)));
        assertThat(api.get(s).string("status")).isEqualTo("DONE");
        assertThat(STORE.resolve(ending)).as("removed once DONE").doesNotExist();

        String deleted = study(Map.of());
        String d = "/api/v1/studies/" + deleted;
        api.post(d + "/ask", null);
        putArchive(d + "/trials/0/checkpoint/data", archive, sha);
        assertThat(STORE.resolve(deleted).resolve("trial-0.zip")).exists();
        assertThat(api.delete(d).status()).isEqualTo(204);
        assertThat(STORE.resolve(deleted)).doesNotExist();
    }
}
