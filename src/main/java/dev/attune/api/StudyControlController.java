package dev.attune.api;

import dev.attune.service.StudyControl;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** An operator's actions on a running study: stop it, change its settings, stop, pause or resume one trial. */
@RestController
@RequestMapping(path = "/api/v1/studies/{studyId}", produces = "application/json")
@Tag(name = "Operator", description = "Stop, pause and resume trials; stop or change a study")
public class StudyControlController {
    private final StudyControl control;

    public StudyControlController(StudyControl control) {
        this.control = control;
    }

    @PostMapping("/stop")
    @Operation(
            summary = "Stop handing out trials (PyGlove end_loop); running trials are answered STOP at their next"
                    + " report unless stopRunningTrials is false (default: unless waitTrialCompletionWhenStopping)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.StopStudyRequest.class))))
    public Dtos.StudyResponse stop(
            @PathVariable String studyId, @RequestBody(required = false) Map<String, Object> request) {
        return Mapping.study(control.stop(studyId, request));
    }

    @PatchMapping(consumes = {"application/merge-patch+json", "application/json"})
    @Operation(
            summary = "Change a study's stoppingCriterion, maxConcurrentTrials, leaseSeconds, maxRetries, maxFailures,"
                    + " name or metadata; a stopping or done study whose new criterion no longer fires is ACTIVE again",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.ChangeStudyRequest.class))))
    public Dtos.StudyResponse change(@PathVariable String studyId, @RequestBody Map<String, Object> patch) {
        return Mapping.study(control.change(studyId, patch));
    }

    @PostMapping("/trials/{trialId}/stop")
    @Operation(
            summary = "Stop a trial: its next report answers STOP; a paused trial stops at once, a pending one is"
                    + " skipped",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.ReasonRequest.class))))
    public Dtos.TrialResponse stopTrial(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestBody(required = false) Map<String, Object> request) {
        TrialController.checkReason(request);
        return Mapping.trial(control.stopTrial(studyId, trialId, request));
    }

    @PostMapping("/trials/{trialId}/pause")
    @Operation(
            summary = "Pause a running trial: its next report answers PAUSE",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = Dtos.ReasonRequest.class))))
    public Dtos.TrialResponse pauseTrial(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestBody(required = false) Map<String, Object> request) {
        TrialController.checkReason(request);
        return Mapping.trial(control.pauseTrial(studyId, trialId, request));
    }

    @PostMapping("/trials/{trialId}/resume")
    @Operation(summary = "Resume a paused trial: the next ask hands it out, before the scheduler's own choice")
    public Dtos.TrialResponse resumeTrial(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestBody(required = false) Map<String, Object> request) {
        return Mapping.trial(control.resumeTrial(studyId, trialId, request));
    }
}
