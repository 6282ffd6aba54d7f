package dev.attune.api;

import dev.attune.support.PostgresSupport;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The study's life over HTTP on PostgreSQL (see {@link PostgresSupport}). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class PostgresStudyLifeApiTest extends StudyLifeApiSuite {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry);
    }
}
