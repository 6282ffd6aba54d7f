package dev.attune.web;

import dev.attune.support.PostgresSupport;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same suite on PostgreSQL (the database the 100,000-trial numbers are measured on). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class PostgresDashboardApiTest extends DashboardApiSuite {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry);
    }
}
