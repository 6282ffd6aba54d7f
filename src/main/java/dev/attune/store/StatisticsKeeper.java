package dev.attune.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps PostgreSQL's statistics of the growing tables current, whatever autovacuum does: every few
 * seconds, a table changed by more than {@code attune.analyze-fraction} of its rows (at least
 * {@code attune.analyze-min-rows}) since its last analysis is analyzed.
 *
 * <p>Why: a statement's plan is made from the statistics at the time, and kept. On a database whose
 * tables were never analyzed (autovacuum off, or a study growing faster than its cycle) the plans made
 * while the tables were small stay: a report into a 100,000-trial study measured 46 reports/s until a
 * manual {@code ANALYZE}, then as fast as a small study (issue 16). {@code ANALYZE} samples at most
 * 30,000 rows per table, so its cost is bounded, and it invalidates the plans it makes stale. Does
 * nothing on H2, whose plans do not work this way.
 */
@Component
public class StatisticsKeeper {
    private static final Logger log = LoggerFactory.getLogger(StatisticsKeeper.class);
    static final List<String> TABLES = List.of("trial", "report", "study_event", "study");

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
    private final double fraction;
    private final long minRows;
    private final Counter analyzed;
    private Boolean postgres;

    public StatisticsKeeper(
            JdbcTemplate jdbc,
            DataSource dataSource,
            MeterRegistry meters,
            @Value("${attune.analyze-fraction:0.2}") double fraction,
            @Value("${attune.analyze-min-rows:500}") long minRows) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.fraction = fraction;
        this.minRows = minRows;
        this.analyzed = Counter.builder("attune.db.analyze")
                .description("tables analyzed by the server to keep the plans of its statements right")
                .register(meters);
    }

    @Scheduled(
            fixedDelayString = "${attune.analyze-interval-ms:5000}",
            initialDelayString = "${attune.analyze-interval-ms:5000}")
    public void keep() {
        try {
            if (!postgres()) {
                return;
            }
            for (String table : stale()) {
                long started = System.nanoTime();
                jdbc.execute("ANALYZE " + table);
                analyzed.increment();
                log.debug("analyzed {} in {} ms", table, (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) {
            log.debug("statistics check failed; will retry", e);
        }
    }

    /** The tables whose changes since their last analysis pass the threshold. */
    List<String> stale() {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select s.relname as name, s.n_mod_since_analyze as changed, c.reltuples as tuples"
                        + " from pg_stat_user_tables s join pg_class c on c.oid = s.relid"
                        + " where s.schemaname = current_schema() and s.relname in ('trial', 'report', 'study_event', 'study')");
        return rows.stream()
                .filter(r -> {
                    long changed = ((Number) r.get("changed")).longValue();
                    double tuples = Math.max(0, ((Number) r.get("tuples")).doubleValue());
                    return changed >= Math.max(minRows, fraction * tuples);
                })
                .map(r -> (String) r.get("name"))
                .filter(TABLES::contains)
                .toList();
    }

    private boolean postgres() {
        if (postgres == null) {
            try (Connection c = dataSource.getConnection()) {
                postgres =
                        c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            } catch (SQLException e) {
                return false;
            }
        }
        return postgres;
    }
}
