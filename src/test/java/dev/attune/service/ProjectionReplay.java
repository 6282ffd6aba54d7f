package dev.attune.service;

import dev.attune.store.EventRepository;
import dev.attune.store.EventRow;
import dev.attune.store.JdbcWrites;
import dev.attune.store.StudyRepository;
import dev.attune.store.StudyRow;
import dev.attune.study.EventCodec;
import dev.attune.study.EventType;
import dev.attune.study.Study;
import dev.attune.study.StudyEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replays a study's stored log through {@link Study} and {@link StudyProjection} into a study of its own
 * that starts empty, and reads back both studies' rows, so a test can require that the rows written live
 * are exactly what the events alone project to. Columns that no event writes are left out: the lease
 * (heartbeats), {@code updated_at}, and PyGlove feedback (metadata, links, logs).
 */
public final class ProjectionReplay {
    static final String TRIAL_COLUMNS = "trial_id, status, config, metrics, objective, best_objective, status_reason,"
            + " worker_id, resumed, checkpoint_trial_id, report_count, created_at, retry_of";
    static final String REPORT_COLUMNS = "trial_id, level, step, metrics, decision, reason, received_at";
    static final String STUDY_COLUMNS = "status, status_reason, next_trial_id, last_seq";

    private final StudyRepository studies;
    private final EventRepository events;
    private final EngineCache engines;
    private final StudyProjection projection;
    private final JsonCodec json;
    private final TransactionTemplate tx;
    private final JdbcTemplate jdbc;

    public ProjectionReplay(ApplicationContext context) {
        this.studies = context.getBean(StudyRepository.class);
        this.events = context.getBean(EventRepository.class);
        this.engines = context.getBean(EngineCache.class);
        this.projection = context.getBean(StudyProjection.class);
        this.json = context.getBean(JsonCodec.class);
        this.tx = context.getBean(TransactionTemplate.class);
        this.jdbc = context.getBean(JdbcTemplate.class);
    }

    /** Every study's rows, as read back: the study row's log columns, its trials and its reports. */
    public record Rows(
            Map<String, Object> study, List<Map<String, Object>> trials, List<Map<String, Object>> reports) {}

    /** The ids of every study in the database that has at least one event. */
    public List<String> studiesWithEvents() {
        return jdbc.queryForList("select distinct study_id from study_event order by study_id", String.class);
    }

    /**
     * Replays {@code studyId}'s log into a new study {@code targetId} and answers both studies' rows, read
     * in one transaction that holds the source study's lock, so no write slips in between.
     */
    public Map<String, Rows> replay(String studyId, String targetId) {
        return tx.execute(status -> {
            StudyRow source = studies.lock(studyId).orElseThrow();
            Map<String, Rows> rows = new LinkedHashMap<>();
            rows.put("live", rows(studyId));
            StudyRow target = new StudyRow(
                    targetId,
                    source.getProject(),
                    source.getName(),
                    source.getMethod(),
                    source.getDefinition(),
                    source.getSeed(),
                    source.getCreatedAt());
            studies.saveAndFlush(target); // before the JDBC write path's rows refer to it
            Study study = Study.create(targetId, engines.definition(source), source.getCreatedAt());
            for (EventRow row : events.findByStudyIdAndSeqGreaterThanOrderBySeq(studyId, 0)) {
                StudyEvent event = EventCodec.decode(
                        row.getSeq(), EventType.valueOf(row.getType()), row.getTrialId(), json.read(row.getPayload()));
                study.apply(event);
                projection.project(target, study, event, row.getCreatedAt());
            }
            studies.flush();
            JdbcWrites.flushCurrent();
            rows.put("replayed", rows(targetId));
            status.setRollbackOnly();
            return rows;
        });
    }

    Rows rows(String studyId) {
        return new Rows(
                jdbc.queryForMap("select " + STUDY_COLUMNS + " from study where id = ?", studyId),
                normalized(jdbc.queryForList(
                        "select " + TRIAL_COLUMNS + " from trial where study_id = ? order by trial_id", studyId)),
                normalized(jdbc.queryForList(
                        "select " + REPORT_COLUMNS + " from report where study_id = ? order by id", studyId)));
    }

    /** Column names in lower case, so that H2 and PostgreSQL rows compare alike. */
    private static List<Map<String, Object>> normalized(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> copy = new LinkedHashMap<>();
            row.forEach((k, v) -> copy.put(k.toLowerCase(java.util.Locale.ROOT), v));
            out.add(copy);
        }
        return out;
    }
}
