package dev.attune.support;

import java.sql.DriverManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Where the PostgreSQL suite finds its database: {@code TEST_PG_URL} (CI starts Debian's PostgreSQL and
 * sets it), else Testcontainers when Docker answers. Without either the suite is skipped on a developer's
 * machine, but under CI ({@code CI=true}) it runs anyway and fails, so that it can never pass by skipping.
 */
public final class PostgresSupport {
    private static final String URL = System.getenv("TEST_PG_URL");
    private static PostgreSQLContainer container;

    private PostgresSupport() {}

    public static boolean external() {
        return URL != null && !URL.isBlank();
    }

    static boolean docker() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /** Whether the PostgreSQL tests run: when a database is available, and always under CI. */
    public static boolean enabled() {
        return external() || "true".equalsIgnoreCase(System.getenv("CI")) || docker();
    }

    public static String url() {
        if (external()) {
            return URL;
        }
        if (!docker()) {
            throw new IllegalStateException("CI=true but neither TEST_PG_URL nor Docker gives a PostgreSQL");
        }
        synchronized (PostgresSupport.class) {
            if (container == null) {
                container = new PostgreSQLContainer("postgres:16-alpine");
                container.start();
            }
        }
        return container.getJdbcUrl();
    }

    public static String user() {
        return external() ? System.getenv().getOrDefault("TEST_PG_USER", "postgres") : container.getUsername();
    }

    public static String password() {
        return external() ? System.getenv().getOrDefault("TEST_PG_PASSWORD", "") : container.getPassword();
    }

    public static void register(DynamicPropertyRegistry r) {
        String url = url();
        r.add("spring.datasource.url", () -> url);
        r.add("spring.datasource.username", PostgresSupport::user);
        r.add("spring.datasource.password", PostgresSupport::password);
    }

    /** Checks that the database answers, so a misconfigured CI fails with a clear message. */
    public static void ping() throws Exception {
        try (var c = DriverManager.getConnection(url(), user(), password())) {
            c.createStatement().execute("select 1");
        }
    }
}
