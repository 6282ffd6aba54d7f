package dev.attune.api;

import dev.attune.service.CheckpointService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/studies/{studyId}/trials/{trialId}/checkpoint", produces = "application/json")
@Tag(name = "Checkpoints", description = "Checkpoints that follow their trial between workers")
public class CheckpointController {
    private final CheckpointService checkpoints;

    public CheckpointController(CheckpointService checkpoints) {
        this.checkpoints = checkpoints;
    }

    @PostMapping(path = "/upload", consumes = "application/json")
    @Operation(
            summary =
                    "Where to PUT the trial's checkpoint archive: a pre-signed URL, or null for PUT …/checkpoint/data",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.CheckpointArchive.class))))
    public Map<String, Object> uploadTarget(
            @PathVariable String studyId, @PathVariable long trialId, @RequestBody Map<String, Object> request) {
        return checkpoints.uploadTarget(studyId, trialId, request);
    }

    @PutMapping(path = "/data", consumes = MediaType.ALL_VALUE)
    @Operation(summary = "Upload the archive through the server; kept only when X-Checkpoint-Sha256 matches")
    public ResponseEntity<Void> upload(
            @PathVariable String studyId,
            @PathVariable long trialId,
            @RequestHeader(name = "X-Checkpoint-Sha256", required = false) String sha256,
            HttpServletRequest request)
            throws IOException {
        checkpoints.receive(studyId, trialId, sha256, request.getInputStream());
        return ResponseEntity.noContent().build();
    }

    @PostMapping(consumes = "application/json")
    @Operation(
            summary = "Record what the trial's run left: an uploaded archive (present, sha256, size) or none",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.CheckpointArchive.class))))
    public Map<String, Object> commit(
            @PathVariable String studyId, @PathVariable long trialId, @RequestBody Map<String, Object> request) {
        return checkpoints.commit(studyId, trialId, request).toJson();
    }

    @GetMapping
    @Operation(summary = "The trial's checkpoint manifest, where to download it, and the trial's report count now")
    public Map<String, Object> describe(@PathVariable String studyId, @PathVariable long trialId) {
        return checkpoints.describe(studyId, trialId);
    }

    @GetMapping(path = "/data", produces = "application/zip")
    @Operation(summary = "The archive's bytes (stores without pre-signed URLs)")
    public ResponseEntity<InputStreamResource> download(@PathVariable String studyId, @PathVariable long trialId) {
        InputStream in = checkpoints.archive(studyId, trialId);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .body(new InputStreamResource(in));
    }

    @DeleteMapping
    @Operation(summary = "Remove the trial's checkpoint from the store")
    public ResponseEntity<Void> delete(@PathVariable String studyId, @PathVariable long trialId) {
        checkpoints.delete(studyId, trialId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/missing")
    @Operation(summary = "Its worker found no checkpoint to resume, clone or retry the trial from")
    public Dtos.TrialResponse missing(@PathVariable String studyId, @PathVariable long trialId) {
        return Mapping.trial(checkpoints.markMissing(studyId, trialId));
    }
}
