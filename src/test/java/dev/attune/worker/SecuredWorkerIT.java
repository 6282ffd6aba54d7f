package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link WorkerIT}'s tests with authentication on: the studies are made with a writer token and the
 * workers run with a worker token from {@code ATTUNE_TOKEN}, as a team would run them.
 */
class SecuredWorkerIT extends WorkerIT {
    static final String ADMIN = "worker-it-admin-token";

    @Override
    @BeforeAll
    void start() throws IOException {
        startServer(Map.of("ATTUNE_ADMIN_TOKEN", ADMIN));
        Api admin = new Api(server.port, ADMIN);
        assertThat(admin.post("/api/v1/projects", Map.of("name", "training")).status())
                .isEqualTo(201);
        apiToken = admin.post("/api/v1/projects/training/tokens", Map.of("name", "tests", "role", "writer"))
                .string("token");
        workerToken = admin.post("/api/v1/projects/training/tokens", Map.of("name", "workers", "role", "worker"))
                .string("token");
        assertThat(new Api(server.port).get("/api/v1/studies").status()).isEqualTo(401);
    }
}
