package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A token that spends its burst is answered 429 with Retry-After; another token is not affected. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:ratelimit;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN,
            "attune.rate-limit.per-second=0.2",
            "attune.rate-limit.burst=5"
        })
class RateLimitTest {
    @LocalServerPort
    int port;

    @Test
    void aTokenOverItsRateGets429WithRetryAfter() {
        Api admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "p");
        Api reader = new Api(port, SecuredServer.token(admin, "p", "reader").secret());
        for (int i = 0; i < 5; i++) {
            assertThat(reader.get("/api/v1/methods").status()).isEqualTo(200);
        }
        Api.Response limited = reader.get("/api/v1/methods");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        // one token every 5 s: the wait is between 1 and 5 seconds
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 5);
        Api other = new Api(port, SecuredServer.token(admin, "p", "reader").secret());
        assertThat(other.get("/api/v1/methods").status()).isEqualTo(200);
    }
}
