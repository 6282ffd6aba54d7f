package dev.attune.security;

import dev.attune.support.PostgresSupport;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The isolation, token and audit tests on PostgreSQL (the token store is plain JDBC). */
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class PostgresProjectIsolationTest extends ProjectIsolationTest {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry);
    }
}
