package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With authentication off, events are recorded as caused by {@code anonymous}. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:anonymous;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
class AnonymousActorTest {
    @LocalServerPort
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void eventsWithoutAuthenticationAreAnonymous() {
        Api api = new Api(port);
        String study = api.createStudy(SecuredServer.study("anonymous"));
        assertThat(api.post("/api/v1/studies/" + study + "/ask", Map.of()).status())
                .isEqualTo(200);
        List<Map<String, Object>> events = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/events").get("items");
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.get("actor"))
                .isEqualTo("anonymous"));
    }
}
