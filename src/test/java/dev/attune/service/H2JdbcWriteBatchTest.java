package dev.attune.service;

import org.springframework.boot.test.context.SpringBootTest;

/** {@link JdbcWriteBatchSuite} on H2 (PostgreSQL mode). */
@SpringBootTest(
        properties =
                "spring.datasource.url=jdbc:h2:mem:jdbcbatch;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
class H2JdbcWriteBatchTest extends JdbcWriteBatchSuite {}
