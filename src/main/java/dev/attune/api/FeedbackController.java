package dev.attune.api;

import dev.attune.service.FeedbackService;
import dev.attune.study.Views;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/studies/{studyId}", produces = "application/json")
@Tag(name = "Feedback", description = "PyGlove-style metadata, related links and output tails")
public class FeedbackController {
    private final FeedbackService feedback;

    public FeedbackController(FeedbackService feedback) {
        this.feedback = feedback;
    }

    @GetMapping("/metadata")
    @Operation(summary = "The study's metadata")
    public Map<String, Object> studyMetadata(@PathVariable String studyId) {
        return feedback.studyMetadata(studyId);
    }

    @PutMapping(path = "/metadata", consumes = "application/json")
    @Operation(summary = "Merge keys into the study's metadata (a null value removes a key)")
    public Map<String, Object> setStudyMetadata(@PathVariable String studyId, @RequestBody Map<String, Object> update) {
        return feedback.setStudyMetadata(studyId, update);
    }

    @GetMapping("/trials/{trialId}/metadata")
    @Operation(summary = "The trial's metadata")
    public Map<String, Object> trialMetadata(@PathVariable String studyId, @PathVariable long trialId) {
        return feedback.trialMetadata(studyId, trialId);
    }

    @PutMapping(path = "/trials/{trialId}/metadata", consumes = "application/json")
    @Operation(summary = "Merge keys into the trial's metadata (a null value removes a key)")
    public Map<String, Object> setTrialMetadata(
            @PathVariable String studyId, @PathVariable long trialId, @RequestBody Map<String, Object> update) {
        return feedback.setTrialMetadata(studyId, trialId, update);
    }

    @PostMapping(path = "/trials/{trialId}/links", consumes = "application/json")
    @Operation(
            summary = "Add a related link to the trial",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.LinkRequest.class))))
    public Dtos.TrialResponse addLink(
            @PathVariable String studyId, @PathVariable long trialId, @RequestBody Map<String, Object> request) {
        return Mapping.trial(feedback.addLink(studyId, trialId, request));
    }

    @GetMapping("/trials/{trialId}/logs")
    @Operation(summary = "The tails of the trial's standard output and error, as its worker uploaded them")
    public Dtos.LogsPayload logs(@PathVariable String studyId, @PathVariable long trialId) {
        Views.Logs l = feedback.logs(studyId, trialId);
        return new Dtos.LogsPayload(l.stdout(), l.stderr());
    }

    @PutMapping(path = "/trials/{trialId}/logs", consumes = "application/json")
    @Operation(
            summary = "Upload the tails of the trial's output (workers do this)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.LogsPayload.class))))
    public Dtos.LogsPayload setLogs(
            @PathVariable String studyId, @PathVariable long trialId, @RequestBody Map<String, Object> request) {
        Views.Logs l = feedback.setLogs(studyId, trialId, request);
        return new Dtos.LogsPayload(l.stdout(), l.stderr());
    }
}
