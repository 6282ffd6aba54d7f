package dev.attune.service;

import dev.attune.support.PostgresSupport;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link JdbcWriteBatchSuite} on PostgreSQL; under CI it must run (see {@link PostgresSupport}). */
@SpringBootTest
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class PostgresJdbcWriteBatchTest extends JdbcWriteBatchSuite {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry);
    }
}
