package dev.attune.api;

import dev.attune.security.StudyAccess;
import dev.attune.service.StudyTransfer;
import dev.attune.space.InvalidInputException;
import dev.attune.study.SyneTuneResults;
import dev.attune.study.Views;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/** Moving a study between servers: its export (definition and event log) and the import of one. */
@RestController
@RequestMapping(path = "/api/v1/studies")
@Tag(name = "Studies", description = "Create, inspect, stop and delete studies")
public class StudyTransferController {
    private final StudyTransfer transfer;
    private final StudyAccess access;
    private final JsonMapper mapper;
    private final long maxEvents;

    public StudyTransferController(
            StudyTransfer transfer,
            StudyAccess access,
            JsonMapper mapper,
            @Value("${attune.import.max-events:10000000}") long maxEvents) {
        this.transfer = transfer;
        this.access = access;
        this.mapper = mapper;
        this.maxEvents = maxEvents;
    }

    @GetMapping(path = "/{studyId}/export", produces = "application/json")
    @Operation(
            summary = "The study's definition and whole event log, streamed: POST it to /api/v1/studies/import on"
                    + " any server to continue the study there")
    @ApiResponse(
            responseCode = "200",
            description = "{format: \"" + StudyTransfer.FORMAT + "\", version, study: {id, name, project, status,"
                    + " statusReason, createdAt, lastSeq}, definition, events: [{seq, type, trialId, createdAt,"
                    + " actor, payload}]}",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    public ResponseEntity<StreamingResponseBody> export(@PathVariable String studyId) {
        StudyTransfer.Head head = transfer.head(studyId);
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"study-" + studyId + ".attune.json\"")
                .contentType(MediaType.APPLICATION_JSON)
                .body(out -> transfer.writeExport(head, out));
    }

    @PostMapping(path = "/import", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "A new study from an export (GET /api/v1/studies/{studyId}/export): the log is replayed and"
                    + " checked, and the study continues exactly as the original would have",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(type = "object"))))
    public ResponseEntity<Dtos.StudyResponse> importExport(HttpServletRequest request) throws IOException {
        Views.Study study;
        try (InputStream body = request.getInputStream();
                ExportReader reader = new ExportReader(mapper, body, maxEvents)) {
            reader.readHeader();
            study = transfer.importLog(access.forCreate(reader.definition()), reader.createdAt(), reader.events());
        }
        return ResponseEntity.created(URI.create("/api/v1/studies/" + study.id()))
                .body(Mapping.study(study));
    }

    @PostMapping(path = "/import", consumes = "multipart/form-data", produces = "application/json")
    @Operation(
            summary = "A new study whose trials are the completed trials of a Syne Tune results table: multipart"
                    + " parts definition (a study definition, as for POST /api/v1/studies) and results (the"
                    + " tuner's results CSV: trial_id, config_<name>..., metric columns, st_status or status)")
    public ResponseEntity<Dtos.StudyResponse> importResults(
            @RequestPart(name = "definition", required = false) String definition,
            @RequestPart(name = "results", required = false) MultipartFile results)
            throws IOException {
        if (definition == null || definition.isBlank()) {
            throw InvalidInputException.of("definition", "is required: a part holding the study definition (JSON)");
        }
        if (results == null) {
            throw InvalidInputException.of("results", "is required: a part holding Syne Tune's results CSV");
        }
        Map<String, Object> json = definitionOf(definition);
        Views.Study study;
        try (Reader in = new InputStreamReader(results.getInputStream(), StandardCharsets.UTF_8)) {
            CsvReader csv = new CsvReader(new BufferedReader(in), "results");
            study = transfer.importResults(access.forCreate(json), d -> {
                List<String> header = csv.next();
                if (header == null) {
                    throw InvalidInputException.of("results", "is empty: a header line is required");
                }
                SyneTuneResults table = new SyneTuneResults(d, header);
                for (int line = csv.line(); ; line = csv.line()) {
                    List<String> cells = csv.next();
                    if (cells == null) {
                        return table;
                    }
                    if (!(cells.size() == 1 && cells.getFirst().isEmpty())) {
                        table.row(cells, csv.where(line));
                    }
                }
            });
        }
        return ResponseEntity.created(URI.create("/api/v1/studies/" + study.id()))
                .body(Mapping.created(study));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> definitionOf(String text) {
        Object json;
        try {
            json = mapper.readValue(text, Object.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw InvalidInputException.of("definition", "is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(json instanceof Map<?, ?>)) {
            throw InvalidInputException.of("definition", "must be a JSON object: a study definition");
        }
        InputLimits.check(json, "definition");
        return (Map<String, Object>) json;
    }
}
