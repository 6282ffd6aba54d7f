package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * A server-sent event stream (as the dashboard's) runs as its caller to the end: the async dispatch that
 * completes it keeps the token's identity instead of being refused halfway.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:async;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN
        })
@Import(fixtures.StreamController.class)
class AsyncDispatchTest {
    @LocalServerPort
    int port;

    @Test
    void aStreamCompletesForItsCallerAndIsRefusedToOthers() {
        Api admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "s");
        SecuredServer.project(admin, "t");
        Api reader = new Api(port, SecuredServer.token(admin, "s", "reader").secret());
        Api stranger = new Api(port, SecuredServer.token(admin, "t", "reader").secret());
        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>(SecuredServer.study("streamed"));
        d.put("project", "s");
        String study = admin.createStudy(d);
        Api.Response r = reader.get("/api/v1/studies/" + study + "/test-stream");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("event:hello").contains("data:" + study);
        assertThat(stranger.get("/api/v1/studies/" + study + "/test-stream").status())
                .isEqualTo(404);
        assertThat(new Api(port)
                        .get("/api/v1/studies/" + study + "/test-stream")
                        .status())
                .isEqualTo(401);
    }
}
