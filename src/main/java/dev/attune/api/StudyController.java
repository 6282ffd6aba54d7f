package dev.attune.api;

import dev.attune.security.StudyAccess;
import dev.attune.service.StudyService;
import dev.attune.space.InvalidInputException;
import dev.attune.study.Views;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/studies", produces = "application/json")
@Tag(name = "Studies", description = "Create, inspect, stop and delete studies")
public class StudyController {
    private final StudyService studies;
    private final StudyAccess access;

    public StudyController(StudyService studies, StudyAccess access) {
        this.studies = studies;
        this.access = access;
    }

    @PostMapping(consumes = "application/json")
    @Operation(
            summary = "Create a study",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = Dtos.CreateStudyRequest.class))))
    public ResponseEntity<Dtos.StudyResponse> create(@RequestBody Map<String, Object> request) {
        Views.Study study = studies.create(access.forCreate(request), access::checkStudy);
        return ResponseEntity.created(URI.create("/api/v1/studies/" + study.id()))
                .body(Mapping.created(study));
    }

    @GetMapping
    @Operation(summary = "List studies, oldest first (with a project token: only its project's)")
    public Dtos.StudyPage list(
            @RequestParam(required = false) String project,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String pageToken) {
        StudyAccess.ListScope scope = access.listScope(project);
        if (scope.none()) {
            Limits.check(limit);
            return new Dtos.StudyPage(java.util.List.of(), null);
        }
        Views.Page<Views.Study> page = studies.list(scope.project(), Limits.check(limit), pageToken);
        return new Dtos.StudyPage(page.items().stream().map(Mapping::study).toList(), page.nextPageToken());
    }

    @GetMapping("/{studyId}")
    @Operation(summary = "Get a study with its trial counts")
    public Dtos.StudyResponse get(@PathVariable String studyId) {
        return Mapping.study(studies.get(studyId));
    }

    @DeleteMapping("/{studyId}")
    @Operation(summary = "Delete a study with its trials, reports and events")
    public ResponseEntity<Void> delete(@PathVariable String studyId) {
        studies.delete(studyId);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{studyId}/events")
    @Operation(summary = "The study's event log (its audit trail), in order, after sequence number afterSeq")
    public Dtos.EventList events(
            @PathVariable String studyId,
            @RequestParam(defaultValue = "0") long afterSeq,
            @RequestParam(defaultValue = "1000") int limit) {
        return new Dtos.EventList(studies.events(studyId, afterSeq, Limits.check(limit)).stream()
                .map(e -> new Dtos.EventResponse(e.seq(), e.type(), e.trialId(), e.payload(), e.createdAt(), e.actor()))
                .toList());
    }

    @GetMapping("/{studyId}/best")
    @Operation(
            summary = "The trial with the best reported value of the study's metric (null before any); in a study"
                    + " with constraint metrics, among trials whose latest metrics have every constraint ≤ 0;"
                    + " a study with several metrics answers 400 pointing to GET /api/v1/studies/{studyId}/pareto")
    public Dtos.BestResponse best(@PathVariable String studyId) {
        return new Dtos.BestResponse(studies.best(studyId).map(Mapping::trial).orElse(null));
    }

    /** Page sizes: 1 to 1000. */
    static final class Limits {
        private Limits() {}

        static int check(int limit) {
            if (limit < 1 || limit > 1000) {
                throw InvalidInputException.of("limit", "must be between 1 and 1000, got " + limit);
            }
            return limit;
        }
    }
}
