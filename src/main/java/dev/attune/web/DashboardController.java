package dev.attune.web;

import dev.attune.security.StudyAccess;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.TrialStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The query API behind the dashboard, for any dashboard: summaries, downsampled series, export, events. */
@RestController
@Tag(name = "Dashboard", description = "Summaries, downsampled series, importance, export and live events of studies")
public class DashboardController {
    private static final String JSON = "application/json";
    private final DashboardQueries queries;
    private final CurveQueries curves;
    private final ParamQueries params;
    private final StudyExport export;
    private final EventStream stream;
    private final LogStream logStream;
    private final StudyAccess access;

    public DashboardController(
            DashboardQueries queries,
            CurveQueries curves,
            ParamQueries params,
            StudyExport export,
            EventStream stream,
            LogStream logStream,
            StudyAccess access) {
        this.logStream = logStream;
        this.queries = queries;
        this.curves = curves;
        this.params = params;
        this.export = export;
        this.stream = stream;
        this.access = access;
    }

    @GetMapping(path = "/api/v1/summaries", produces = JSON)
    @Operation(summary = "Studies at a glance, newest first: trial counts by status, best value, progress")
    public DashboardViews.SummaryList studySummaries(
            @Parameter(description = "part of the name, project, method or id (case-insensitive)")
                    @RequestParam(required = false)
                    String q,
            @Parameter(description = "ACTIVE, STOPPING or DONE") @RequestParam(required = false) String status,
            @Parameter(description = "this project's studies only (a project token sees only its own anyway)")
                    @RequestParam(required = false)
                    String project,
            @RequestParam(defaultValue = "100") int limit) {
        int bounded = range("limit", limit, 1, 1000);
        StudyAccess.ListScope scope = access.listScope(project);
        if (scope.none()) {
            return new DashboardViews.SummaryList(List.of());
        }
        return queries.studies(q, status, scope.project(), bounded);
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/summary", produces = JSON)
    @Operation(summary = "One study: definition, trial counts, best trial and its config, progress")
    public DashboardViews.StudySummary studySummary(@PathVariable String studyId) {
        return queries.summary(studyId);
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/series/best", produces = JSON)
    @Operation(summary = "Best value so far against trial id and wall time (improvements only), and a sample of values")
    public DashboardViews.BestSeries bestSeries(
            @PathVariable String studyId, @RequestParam(defaultValue = "2000") int maxPoints) {
        return queries.bestSeries(studyId, range("maxPoints", maxPoints, 10, 100_000));
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/series/curves", produces = JSON)
    @Operation(
            summary = "Learning curves with STOP / PAUSE / RESUME markers and reasons: the given trials, else the"
                    + " best and the latest")
    public DashboardViews.Curves curveSeries(
            @PathVariable String studyId,
            @RequestParam(defaultValue = "100") int maxTrials,
            @Parameter(description = "these trials only, e.g. 3,17") @RequestParam(required = false)
                    List<Long> trialIds) {
        return curves.curves(studyId, range("maxTrials", maxTrials, 1, 1000), trialIds == null ? List.of() : trialIds);
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/trial-table", produces = JSON)
    @Operation(summary = "A page of trials, sorted and filtered on the server, with the total that matched")
    public DashboardViews.TrialTable trialTable(
            @PathVariable String studyId,
            @RequestParam(required = false) TrialStatus status,
            @Parameter(description = "id, value, status, created, updated or reports")
                    @RequestParam(defaultValue = "id")
                    String sort,
            @Parameter(description = "asc or desc") @RequestParam(defaultValue = "desc") String order,
            @Parameter(description = "smallest best value to include, in the metric's units")
                    @RequestParam(required = false)
                    Double minValue,
            @RequestParam(required = false) Double maxValue,
            @Parameter(description = "filter by this parameter of the config (with paramMin/paramMax or paramValue)")
                    @RequestParam(required = false)
                    String param,
            @Parameter(description = "smallest value of param to include") @RequestParam(required = false)
                    Double paramMin,
            @Parameter(description = "largest value of param to include") @RequestParam(required = false)
                    Double paramMax,
            @Parameter(description = "param's value to match exactly (a category, or a number as written)")
                    @RequestParam(required = false)
                    String paramValue,
            @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "50") int limit) {
        return queries.trials(
                studyId,
                status,
                sort,
                order,
                minValue,
                maxValue,
                DashboardQueries.ParamFilter.of(param, paramMin, paramMax, paramValue),
                offset,
                range("limit", limit, 1, 1000));
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/params", produces = JSON)
    @Operation(
            summary = "Configs and values for parallel coordinates and slice plots: every k-th trial plus the best"
                    + " when there are more than maxPoints")
    public DashboardViews.ParamSample paramSample(
            @PathVariable String studyId, @RequestParam(defaultValue = "2000") int maxPoints) {
        return params.sample(studyId, range("maxPoints", maxPoints, 10, 20_000));
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/importance", produces = JSON)
    @Operation(summary = "Parameter importance: the share of the value's rank variance each parameter explains alone")
    public DashboardViews.Importance parameterImportance(
            @PathVariable String studyId, @RequestParam(defaultValue = "2000") int maxPoints) {
        return params.importance(studyId, range("maxPoints", maxPoints, 10, 20_000));
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/workers", produces = JSON)
    @Operation(summary = "Which worker ran which of the latest trials, and when")
    public DashboardViews.Workers workersTimeline(
            @PathVariable String studyId, @RequestParam(defaultValue = "500") int limit) {
        return queries.workers(studyId, range("limit", limit, 1, 5000));
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/trials/{trialId}/events", produces = JSON)
    @Operation(summary = "One trial's events in order: added, run, reports with decisions, resumes, its end")
    public DashboardViews.TrialEvents trialEvents(
            @PathVariable String studyId, @PathVariable long trialId, @RequestParam(defaultValue = "1000") int limit) {
        return queries.trialEvents(studyId, trialId, range("limit", limit, 1, 10_000));
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/export.csv", produces = "text/csv")
    @Operation(summary = "Every report as a CSV row with Syne Tune's columns (trial_id, config_*, metrics, st_*)")
    @ApiResponse(
            responseCode = "200",
            description = "header: trial_id, config_<name>…, <metric>…, st_decision, st_status, st_tuner_time,"
                    + " st_worker_time, st_step, st_reason, st_received_at; then one row per report",
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string")))
    public ResponseEntity<StreamingResponseBody> exportCsv(@PathVariable String studyId) {
        StudyExport.Columns columns = export.columns(studyId);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"study-" + studyId + ".csv\"")
                .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .body(out -> export.csv(studyId, columns, out));
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/export.json", produces = JSON)
    @Operation(summary = "The CSV export's rows as JSON objects: {studyId, columns, rows}")
    @ApiResponse(
            responseCode = "200",
            description = "the CSV export's columns, and its rows as objects keyed by column",
            content =
                    @Content(mediaType = JSON, schema = @Schema(implementation = DashboardViews.ExportDocument.class)))
    public ResponseEntity<StreamingResponseBody> exportJson(@PathVariable String studyId) {
        StudyExport.Columns columns = export.columns(studyId);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"study-" + studyId + ".json\"")
                .contentType(MediaType.APPLICATION_JSON)
                .body(out -> export.json(studyId, columns, out));
    }

    @GetMapping(
            path = "/api/v1/studies/{studyId}/trials/{trialId}/logs",
            params = "follow=true",
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "The trial's output while it runs, as Server-Sent Events: event = \"logs\", data = {stdout,"
                    + " stderr, status} on each change; ends when the trial stops running")
    @ApiResponse(
            responseCode = "200",
            description = "a text/event-stream",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string")))
    public SseEmitter followLogs(
            @PathVariable String studyId, @PathVariable long trialId, @RequestParam boolean follow) {
        return logStream.open(studyId, trialId);
    }

    @GetMapping(path = "/api/v1/studies/{studyId}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "The study's events pushed as Server-Sent Events after afterSeq (or Last-Event-ID): id = seq,"
                    + " event = \"event\", data = {seq, type, trialId, payload, createdAt}")
    @ApiResponse(
            responseCode = "200",
            description = "an endless text/event-stream; reconnecting with Last-Event-ID resumes after that seq",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string")))
    public SseEmitter eventStream(
            @PathVariable String studyId,
            @RequestParam(required = false) Long afterSeq,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        long after = afterSeq != null ? afterSeq : 0;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw InvalidInputException.of("Last-Event-ID", "must be an event's seq, got " + lastEventId);
            }
        }
        if (after < 0) {
            throw InvalidInputException.of("afterSeq", "must be at least 0, got " + after);
        }
        return stream.open(studyId, after);
    }

    private static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw InvalidInputException.of(field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
