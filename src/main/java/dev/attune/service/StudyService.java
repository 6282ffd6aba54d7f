package dev.attune.service;

import dev.attune.space.InvalidInputException;
import dev.attune.store.EventRepository;
import dev.attune.store.StudyRepository;
import dev.attune.store.StudyRow;
import dev.attune.store.TrialRepository;
import dev.attune.study.NotFoundException;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.study.Views;
import dev.attune.trial.TrialStatus;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Study lifecycle: create, read, list, stop, delete, and the best trial. */
@Service
public class StudyService {
    private static final SecureRandom IDS = new SecureRandom();
    private final StudyRepository studies;
    private final TrialRepository trials;
    private final EventRepository events;
    private final StudyDefinitionParser parser;
    private final StudyWriter writer;
    private final EngineCache engines;
    private final JsonCodec json;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final TransferSources transferSources;

    private final org.springframework.context.ApplicationEventPublisher publisher;

    public StudyService(
            StudyRepository studies,
            TrialRepository trials,
            EventRepository events,
            StudyDefinitionParser parser,
            StudyWriter writer,
            EngineCache engines,
            JsonCodec json,
            TransactionTemplate tx,
            Clock clock,
            org.springframework.context.ApplicationEventPublisher publisher,
            TransferSources transferSources) {
        this.transferSources = transferSources;
        this.publisher = publisher;
        this.studies = studies;
        this.trials = trials;
        this.events = events;
        this.parser = parser;
        this.writer = writer;
        this.engines = engines;
        this.json = json;
        this.tx = tx;
        this.clock = clock;
    }

    /** Checks the whole definition first; nothing is stored unless it is valid. */
    public Views.Study create(Map<String, Object> request) {
        return create(request, id -> {});
    }

    /**
     * As {@link #create(Map)}, with {@code transferFrom}'s studies read into the definition first; {@code
     * checkRead} throws as the caller's read of such a study would.
     */
    public Views.Study create(Map<String, Object> request, java.util.function.Consumer<String> checkRead) {
        StudyDefinition definition = parser.parse(transferSources.resolve(request, checkRead), IDS.nextLong() >>> 1);
        Instant now = clock.instant();
        StudyRow row = new StudyRow(
                newId(now),
                definition.project(),
                definition.name(),
                definition.method().name(),
                json.write(definition.toJson()),
                definition.seed(),
                now);
        tx.executeWithoutResult(s -> studies.save(row));
        return view(row);
    }

    /** Time-ordered ids, so that listing by id lists by creation. */
    static String newId(Instant now) {
        return String.format("%011x%08x", now.toEpochMilli(), IDS.nextInt() & 0xffffffffL);
    }

    public Views.Study get(String studyId) {
        return view(find(studyId));
    }

    StudyRow find(String studyId) {
        return studies.findById(studyId)
                .orElseThrow(() -> new NotFoundException("study " + studyId + " does not exist"));
    }

    public Views.Page<Views.Study> list(String project, int limit, String pageToken) {
        String after = pageToken == null ? "" : PageTokens.decode(pageToken, "pageToken");
        List<StudyRow> rows = project == null
                ? studies.findByIdGreaterThanOrderById(after, Limit.of(limit + 1))
                : studies.findByProjectAndIdGreaterThanOrderById(project, after, Limit.of(limit + 1));
        List<Views.Study> items = rows.stream().limit(limit).map(this::view).toList();
        String next =
                rows.size() > limit ? PageTokens.encode(rows.get(limit - 1).getId()) : null;
        return new Views.Page<>(items, next);
    }

    /** The study's event log from {@code afterSeq} on, at most {@code limit} entries: its audit trail. */
    public List<Views.Event> events(String studyId, long afterSeq, int limit) {
        find(studyId);
        return events.findByStudyIdAndSeqGreaterThanOrderBySeq(studyId, afterSeq, Limit.of(limit)).stream()
                .map(e -> new Views.Event(
                        e.getSeq(),
                        e.getType(),
                        e.getTrialId(),
                        json.read(e.getPayload()),
                        e.getCreatedAt(),
                        e.getActor()))
                .toList();
    }

    public void delete(String studyId) {
        writer.write(studyId, ctx -> {
            studies.deleteStudy(studyId);
            return null;
        });
        engines.forget(studyId);
        publisher.publishEvent(new StudyDeleted(studyId));
    }

    /**
     * The trial with the best value of the study's metric in any of its reports or its completion; in a
     * study with constraint metrics, among the trials whose latest metrics satisfy all of them.
     */
    public Optional<Views.Trial> best(String studyId) {
        StudyRow row = find(studyId);
        StudyDefinition definition = engines.definition(row);
        if (definition.metrics().size() > 1) {
            throw InvalidInputException.of(
                    "metrics",
                    "the study has several metrics; ask for GET /api/v1/studies/" + studyId
                            + "/pareto instead of /best");
        }
        List<String> constraints = ConstraintMetrics.of(definition);
        if (!constraints.isEmpty()) {
            // Only feasible trials count: every constraint metric of the trial's latest metrics ≤ 0.
            return trials
                    .findByStudyIdAndBestObjectiveNotNullAndStatusNotOrderByBestObjectiveAscTrialIdAsc(
                            studyId, TrialStatus.FAILED.name())
                    .stream()
                    .filter(t -> t.getMetrics() != null
                            && ConstraintMetrics.feasible(constraints, json.read(t.getMetrics())))
                    .findFirst()
                    .map(t -> TrialViews.of(t, json, null));
        }
        return trials.findFirstByStudyIdAndBestObjectiveNotNullAndStatusNotOrderByBestObjectiveAscTrialIdAsc(
                        studyId, TrialStatus.FAILED.name())
                .map(t -> TrialViews.of(t, json, null));
    }

    Views.Study view(StudyRow row) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TrialStatus s : TrialStatus.values()) {
            counts.put(s.name(), 0L);
        }
        for (Object[] c : trials.countByStatus(row.getId())) {
            counts.put((String) c[0], (Long) c[1]);
        }
        return new Views.Study(
                row.getId(),
                row.getName(),
                row.getProject(),
                row.getStatus(),
                row.getStatusReason(),
                row.getMethod(),
                row.getSeed(),
                json.read(row.getDefinition()),
                counts,
                trials.countResumedWithoutCheckpoint(row.getId()),
                row.getCreatedAt(),
                row.getUpdatedAt());
    }
}
