package dev.attune.service;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.store.StudyRepository;
import dev.attune.store.StudyRow;
import dev.attune.study.LogImport;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.study.StudyEvent;
import dev.attune.study.SyneTuneResults;
import dev.attune.study.Views;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves a study between servers: {@link #writeExport} streams its definition and whole event log as one
 * JSON document, and {@link #importLog} replays such a log into a new study that continues exactly as the
 * original would have (the same state, so the same next suggestion).
 *
 * <p>The export reads the log through one cursor up to the log head it saw first, so its memory does not
 * grow with the study and a write during the export cannot tear it. The import folds each event into a
 * fresh aggregate (checked by {@link LogImport}) and projects it to the rows as a live write would, in one
 * transaction: a refused event leaves nothing behind.
 */
@Service
public class StudyTransfer {
    /** The export's {@code format}, checked on import. */
    public static final String FORMAT = "attune-study-export";

    public static final int VERSION = 1;

    /** Persisted rows are flushed and dropped from the persistence context this often during an import. */
    private static final int FLUSH_EVERY = 1000;

    private static final SecureRandom SEEDS = new SecureRandom();

    private final StudyRepository studies;
    private final StudyService service;
    private final StudyProjection projection;
    private final StudyDefinitionParser parser;
    private final JsonCodec json;
    private final JdbcTemplate jdbc;
    private final EntityManager entities;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;
    private final Clock clock;

    public StudyTransfer(
            StudyRepository studies,
            StudyService service,
            StudyProjection projection,
            StudyDefinitionParser parser,
            JsonCodec json,
            JdbcTemplate jdbc,
            EntityManager entities,
            TransactionTemplate tx,
            PlatformTransactionManager tm,
            Clock clock) {
        this.studies = studies;
        this.service = service;
        this.projection = projection;
        this.parser = parser;
        this.json = json;
        this.jdbc = jdbc;
        this.entities = entities;
        this.tx = tx;
        this.readOnly = new TransactionTemplate(tm);
        this.readOnly.setReadOnly(true);
        this.clock = clock;
    }

    /** What an export starts from, read before streaming so that a missing study answers 404. */
    public record Head(Views.Study study, long lastSeq) {}

    public Head head(String studyId) {
        StudyRow row = service.find(studyId);
        return new Head(service.view(row), row.getLastSeq());
    }

    /**
     * Writes {@code {"format", "version", "study": {...}, "definition": {...}, "events": [...]}}: the
     * definition as stored, then each event of the log up to {@code head.lastSeq()} as {@code seq, type,
     * trialId, payload, createdAt, actor}, streamed row by row.
     */
    public void writeExport(Head head, OutputStream out) throws IOException {
        Views.Study s = head.study();
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        Map<String, Object> study = new LinkedHashMap<>();
        study.put("id", s.id());
        study.put("name", s.name());
        study.put("project", s.project());
        study.put("status", s.status());
        study.put("statusReason", s.statusReason());
        study.put("createdAt", s.createdAt().toString());
        study.put("lastSeq", head.lastSeq());
        w.write("{\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + ",\"study\":" + json.write(study)
                + ",\n\"definition\":" + json.write(s.definition()) + ",\n\"events\":[");
        boolean[] first = {true};
        RowCallbackHandler handler = rs -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seq", rs.getLong("seq"));
            e.put("type", rs.getString("type"));
            long trialId = rs.getLong("trial_id");
            e.put("trialId", rs.wasNull() ? null : trialId);
            Timestamp at = rs.getTimestamp("created_at");
            e.put("createdAt", at == null ? null : at.toInstant().toString());
            e.put("actor", rs.getString("actor"));
            try {
                w.write(first[0] ? "\n" : ",\n");
                first[0] = false;
                // The payload is stored JSON text: written as it is, never parsed.
                String entry = json.write(e);
                w.write(entry, 0, entry.length() - 1);
                w.write(",\"payload\":");
                w.write(rs.getString("payload"));
                w.write('}');
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        };
        readOnly.executeWithoutResult(t -> jdbc.query(
                con -> {
                    var ps = con.prepareStatement("select seq, type, trial_id, payload, created_at, actor"
                            + " from study_event where study_id = ? and seq <= ? order by seq");
                    ps.setFetchSize(2000);
                    ps.setString(1, s.id());
                    ps.setLong(2, head.lastSeq());
                    return ps;
                },
                handler));
        w.write("\n]}\n");
        w.flush();
    }

    /** One event of an imported log, as the export wrote it; {@code path} names it in errors. */
    public record ImportedEvent(
            long seq,
            String type,
            @Nullable Long trialId,
            Map<String, Object> payload,
            @Nullable Instant createdAt,
            String path) {}

    /**
     * A new study with the given definition (its project already settled by the caller's access) whose log
     * is {@code events}, replayed and checked; answers it as stored. {@code createdAt} is the original's
     * (its wall-clock budget runs from there), or now.
     *
     * @throws dev.attune.space.InvalidInputException naming the definition field or the event at fault
     */
    public Views.Study importLog(
            Map<String, Object> definitionJson, @Nullable Instant createdAt, Iterator<ImportedEvent> events) {
        StudyDefinition definition = parseDefinition(definitionJson);
        Instant now = clock.instant();
        Instant created = createdAt == null ? now : createdAt;
        String id = StudyService.newId(now);
        tx.executeWithoutResult(t -> {
            StudyRow[] row = {newRow(id, definition, created)};
            studies.saveAndFlush(row[0]); // before the batch of JdbcWrites refers to it
            LogImport log = new LogImport(Study.create(id, definition, created));
            int sinceFlush = 0;
            while (events.hasNext()) {
                ImportedEvent e = events.next();
                StudyEvent event = log.accept(e.seq(), e.type(), e.trialId(), e.payload(), e.path());
                projection.project(row[0], log.study(), event, e.createdAt() == null ? now : e.createdAt());
                if (++sinceFlush == FLUSH_EVERY) {
                    entities.flush();
                    entities.clear();
                    row[0] = studies.findById(id).orElseThrow();
                    sinceFlush = 0;
                }
            }
        });
        return service.get(id);
    }

    /**
     * A new study whose trials are the completed trials of a Syne Tune results table: {@code read} is given
     * the parsed definition and fills the table from the request; each trial is then added as a client adds
     * one evaluated elsewhere ({@code POST /trials} with metrics), in one transaction.
     *
     * @throws dev.attune.space.InvalidInputException naming the definition field or the table's line at fault
     */
    public Views.Study importResults(
            Map<String, Object> definitionJson, java.util.function.Function<StudyDefinition, SyneTuneResults> read) {
        StudyDefinition definition = parseDefinition(definitionJson);
        SyneTuneResults results = read.apply(definition);
        Instant now = clock.instant();
        String id = StudyService.newId(now);
        tx.executeWithoutResult(t -> {
            StudyRow row = newRow(id, definition, now);
            studies.saveAndFlush(row); // before the batch of JdbcWrites refers to it
            Study study = Study.create(id, definition, now);
            for (SyneTuneResults.Completed c : results.completed()) {
                Study.Outcome<Long> added;
                try {
                    added = study.add(c.config(), c.metrics(), now);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(e.errors().stream()
                            .map(f -> new FieldError(c.line() + "." + f.field(), f.message()))
                            .toList());
                }
                added.events().forEach(e -> projection.project(row, study, e, now));
            }
        });
        return service.get(id);
    }

    private StudyRow newRow(String id, StudyDefinition definition, Instant created) {
        return new StudyRow(
                id,
                definition.project(),
                definition.name(),
                definition.method().name(),
                json.write(definition.toJson()),
                definition.seed(),
                created);
    }

    /** The definition, with its errors named from {@code definition}. */
    private StudyDefinition parseDefinition(Map<String, Object> definitionJson) {
        try {
            return parser.parse(definitionJson, SEEDS.nextLong() >>> 1);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.errors().stream()
                    .map(f -> new FieldError("definition." + f.field(), f.message()))
                    .toList());
        }
    }
}
