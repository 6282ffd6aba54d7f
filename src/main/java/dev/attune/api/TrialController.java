package dev.attune.api;

import dev.attune.service.TrialLeases;
import dev.attune.service.TrialQueries;
import dev.attune.service.TrialService;
import dev.attune.study.Views;
import dev.attune.trial.TrialStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/studies/{studyId}", produces = "application/json")
@Tag(name = "Trials", description = "The worker protocol: ask, report, complete, fail, skip, heartbeat")
public class TrialController {
    /** The width of {@code trial.worker_id}. */
    static final int MAX_WORKER_ID = 200;

    /** The width of {@code trial.status_reason}. */
    static final int MAX_REASON = 2000;

    static void checkReason(Map<String, Object> request) {
        if (request != null && request.get("reason") instanceof String r && r.length() > MAX_REASON) {
            throw dev.attune.space.InvalidInputException.of("reason", "must be at most " + MAX_REASON + " characters");
        }
    }

    private final TrialService trials;
    private final TrialLeases leases;
    private final TrialQueries queries;

    public TrialController(TrialService trials, TrialLeases leases, TrialQueries queries) {
        this.trials = trials;
        this.leases = leases;
        this.queries = queries;
    }

    @PostMapping("/ask")
    @Operation(
            summary = "Get a trial to run: RUN, WAIT (retry later) or DONE; with count, up to that many trials",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.AskRequest.class))))
    public Dtos.AskResponse ask(
            @PathVariable String studyId, @RequestBody(required = false) Map<String, Object> request) {
        AskInput input = AskInput.of(request);
        return input.count() == null
                ? Mapping.ask(trials.ask(studyId, input.workerId()))
                : Mapping.batch(trials.askBatch(studyId, input.workerId(), input.count()));
    }

    @PostMapping(path = "/trials/{trialId}/reports", consumes = "application/json")
    @Operation(
            summary = "Report metrics of a running trial; answers CONTINUE, STOP or PAUSE",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.ReportRequest.class))))
    public Dtos.DecisionResponse report(
            @PathVariable String studyId, @PathVariable long trialId, @RequestBody Map<String, Object> request) {
        return Mapping.decision(trials.report(studyId, trialId, request));
    }

    @PostMapping("/trials/{trialId}/complete")
    @Operation(
            summary = "The trial finished",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.CompleteRequest.class))))
    public Dtos.TrialResponse complete(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestBody(required = false) Map<String, Object> request) {
        return Mapping.trial(trials.complete(studyId, trialId, request));
    }

    @PostMapping("/trials/{trialId}/fail")
    @Operation(
            summary = "The trial failed",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.ReasonRequest.class))))
    public Dtos.TrialResponse fail(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestBody(required = false) Map<String, Object> request) {
        checkReason(request);
        return Mapping.trial(trials.fail(studyId, trialId, request));
    }

    @PostMapping("/trials/{trialId}/release")
    @Operation(
            summary = "Give a running trial back (its worker shuts down) with its checkpoint: PAUSED, and the next ask"
                    + " resumes it",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.ReasonRequest.class))))
    public Dtos.TrialResponse release(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestBody(required = false) Map<String, Object> request) {
        checkReason(request);
        return Mapping.trial(trials.release(studyId, trialId, request));
    }

    @PostMapping("/trials/{trialId}/skip")
    @Operation(
            summary = "End the trial without feedback to the algorithm (PyGlove skip)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.ReasonRequest.class))))
    public Dtos.TrialResponse skip(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestBody(required = false) Map<String, Object> request) {
        checkReason(request);
        return Mapping.trial(trials.skip(studyId, trialId, request));
    }

    @PostMapping("/trials/{trialId}/heartbeat")
    @Operation(summary = "Extend the trial's lease; answers the decision that stands for it")
    public Dtos.DecisionResponse heartbeat(@PathVariable String studyId, @PathVariable long trialId) {
        return Mapping.decision(leases.heartbeat(studyId, trialId));
    }

    @PostMapping(path = "/trials", consumes = "application/json")
    @Operation(
            summary = "Add a trial evaluated elsewhere: COMPLETED with metrics, else PENDING for the next ask",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.AddTrialRequest.class))))
    public ResponseEntity<Dtos.TrialResponse> add(
            @PathVariable String studyId, @RequestBody Map<String, Object> request) {
        Views.Trial t = trials.add(studyId, request);
        return ResponseEntity.created(URI.create("/api/v1/studies/" + studyId + "/trials/" + t.id()))
                .body(Mapping.trial(t));
    }

    @GetMapping("/trials")
    @Operation(summary = "List trials by id, optionally of one status")
    public Dtos.TrialPage list(
            @PathVariable String studyId,
            @RequestParam(required = false) TrialStatus status,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String pageToken) {
        Views.Page<Views.Trial> page = queries.list(studyId, status, StudyController.Limits.check(limit), pageToken);
        return new Dtos.TrialPage(page.items().stream().map(Mapping::trial).toList(), page.nextPageToken());
    }

    @GetMapping("/checkpoints")
    @Operation(
            summary = "Paused trials whose checkpoints workers should delete (promotion types with maxNumCheckpoints)")
    public Map<String, List<Long>> checkpoints(@PathVariable String studyId) {
        return Map.of("remove", trials.checkpointsToRemove(studyId));
    }

    @GetMapping("/trials/{trialId}")
    @Operation(summary = "One trial with all its reports in order")
    public Dtos.TrialResponse get(@PathVariable String studyId, @PathVariable long trialId) {
        return Mapping.trial(queries.get(studyId, trialId));
    }
}
