package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/** The bench profile's one-INSERT endpoint stores one row per request and stays out of the API contract. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:baseline;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
@ActiveProfiles("bench")
class BaselineEndpointTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void eachRequestIsOneInsertedRow() {
        Api api = new Api(port);
        for (int i = 0; i < 3; i++) {
            Api.Response r = api.post("/bench/baseline", Map.of("metrics", Map.of("loss", 0.5), "step", i));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.string("decision")).isEqualTo("CONTINUE");
        }
        assertThat(jdbc.queryForObject("select count(*) from bench_baseline", Long.class))
                .isEqualTo(3);
        assertThat(api.get("/v3/api-docs").body()).doesNotContain("/bench/baseline");
    }
}
