package dev.attune.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.PostgresSupport;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * On PostgreSQL the server analyzes a table that changed past the threshold since its last analysis, so
 * the plans of its statements never rest on the statistics of a much smaller table.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"attune.analyze-interval-ms=3600000", "attune.analyze-min-rows=500"})
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class StatisticsKeeperTest {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry);
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    StatisticsKeeper keeper;

    Timestamp lastAnalyze() {
        return jdbc.queryForObject(
                "select last_analyze from pg_stat_user_tables where relname = 'study_event' and schemaname = current_schema()",
                Timestamp.class);
    }

    @Test
    void analyzesATableThatGrewPastTheThreshold() throws Exception {
        jdbc.execute("ANALYZE study_event");
        Timestamp before = lastAnalyze();
        String study = "statskeeper" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update(
                "insert into study (id, project, name, method, definition, status, seed, next_trial_id, last_seq,"
                        + " created_at, updated_at) values (?, 'default', 'stats', 'RandomSearch', '{}', 'DONE', 1, 0, 0, ?, ?)",
                study,
                now,
                now);
        double tuples =
                jdbc.queryForObject("select reltuples from pg_class where relname = 'study_event'", Double.class);
        int rows = (int) Math.max(600, 0.25 * Math.max(tuples, 0)) + 10;
        // One connection inserts and then asks PostgreSQL (15+) to publish its table counters at once.
        jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<Void>) c -> {
            try (var insert = c.prepareStatement("insert into study_event (study_id, seq, type, trial_id, payload,"
                    + " created_at) select ?, g, 'STUDY_STATUS', null, '{}', ? from generate_series(1, ?) g")) {
                insert.setString(1, study);
                insert.setTimestamp(2, now);
                insert.setInt(3, rows);
                insert.executeUpdate();
            }
            try (var s = c.createStatement()) {
                s.execute("select pg_stat_force_next_flush()");
                s.execute("select 1");
            }
            return null;
        });
        for (int i = 0; i < 200 && !keeper.stale().contains("study_event"); i++) {
            Thread.sleep(100);
        }
        assertThat(keeper.stale()).contains("study_event");

        keeper.keep();

        assertThat(keeper.stale()).doesNotContain("study_event");
        Timestamp after = lastAnalyze();
        assertThat(after).isNotNull();
        if (before != null) {
            assertThat(after).isAfter(before);
        }
        jdbc.update("delete from study where id = ?", study);
    }
}
