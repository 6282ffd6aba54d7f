package dev.attune.api;

import dev.attune.service.TrialLeases;
import dev.attune.service.TrialQueries;
import dev.attune.service.TrialService;
import dev.attune.study.Views;
import dev.attune.trial.TrialStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
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
            description = "With an " + IdempotencyKey.HEADER + " header, a retry of an ask that handed out"
                    + " trials still running answers them again, recording nothing, with the response header "
                    + IdempotencyKey.REPLAYED + ": true. The same key from another worker (or asking for fewer"
                    + " trials than it got) is answered 422; a key whose trials no longer run, 409.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.AskRequest.class))),
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "RUN, WAIT or DONE",
                        headers =
                                @Header(
                                        name = IdempotencyKey.REPLAYED,
                                        description = "true when the answer is a replay of an earlier ask's"
                                                + " with the same " + IdempotencyKey.HEADER,
                                        schema = @Schema(type = "string", allowableValues = "true"))),
                @ApiResponse(
                        responseCode = "409",
                        description = "Illegal in the current status; currentStatus names it (here also: the trials"
                                + " handed out to the ask with this " + IdempotencyKey.HEADER + " no longer run)",
                        content =
                                @Content(
                                        mediaType = "application/problem+json",
                                        schema = @Schema(ref = "#/components/schemas/Problem"))),
                @ApiResponse(
                        responseCode = "422",
                        description = "The " + IdempotencyKey.HEADER
                                + " was sent by another worker's ask, or by one that got more trials",
                        content =
                                @Content(
                                        mediaType = "application/problem+json",
                                        schema = @Schema(ref = "#/components/schemas/Problem")))
            })
    public ResponseEntity<Dtos.AskResponse> ask(
            @PathVariable String studyId,
            @Parameter(
                            in = ParameterIn.HEADER,
                            description = "Names this ask among its retries (IETF httpapi Idempotency-Key): 1 to "
                                    + IdempotencyKey.MAX_LENGTH + " printable ASCII characters (0x21-0x7E);"
                                    + " a fresh one per ask, the same on each of its retries")
                    @RequestHeader(name = IdempotencyKey.HEADER, required = false)
                    String idempotencyKey,
            @RequestBody(required = false) Map<String, Object> request) {
        String key = IdempotencyKey.check(idempotencyKey);
        AskInput input = AskInput.of(request);
        boolean replayed;
        Dtos.AskResponse body;
        if (input.count() == null) {
            Views.Ask answer = trials.ask(studyId, input.workerId(), key);
            replayed = answer.replayed();
            body = Mapping.ask(answer);
        } else {
            Views.BatchAsk answer = trials.askBatch(studyId, input.workerId(), input.count(), key);
            replayed = answer.replayed();
            body = Mapping.batch(answer);
        }
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (replayed) {
            ok.header(IdempotencyKey.REPLAYED, "true");
        }
        return ok.body(body);
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
            @Parameter(in = ParameterIn.HEADER, description = ENDING_KEY)
                    @RequestHeader(name = IdempotencyKey.HEADER, required = false)
                    String idempotencyKey,
            @RequestBody(required = false) Map<String, Object> request) {
        String key = IdempotencyKey.check(idempotencyKey);
        return Mapping.trial(trials.complete(studyId, trialId, request, key));
    }

    /** The {@code Idempotency-Key} of a completion or failure, as documented. */
    private static final String ENDING_KEY = "Names this request among its retries: 1 to "
            + IdempotencyKey.MAX_LENGTH + " printable ASCII characters (0x21-0x7E). A repeat of the request that"
            + " ended the trial (same metrics or reason) answers the trial as stored, recording nothing; when"
            + " that request carried a key, only a repeat with the same key is its retry, so a co-worker's"
            + " second ending is refused with 409";

    @PostMapping("/trials/{trialId}/fail")
    @Operation(
            summary = "The trial failed",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.ReasonRequest.class))))
    public Dtos.TrialResponse fail(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @Parameter(in = ParameterIn.HEADER, description = ENDING_KEY)
                    @RequestHeader(name = IdempotencyKey.HEADER, required = false)
                    String idempotencyKey,
            @RequestBody(required = false) Map<String, Object> request) {
        checkReason(request);
        String key = IdempotencyKey.check(idempotencyKey);
        return Mapping.trial(trials.fail(studyId, trialId, request, key));
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
