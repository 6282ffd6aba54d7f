package dev.attune.api;

import dev.attune.security.StudyAccess;
import dev.attune.service.WhatIfService;
import dev.attune.study.WhatIf;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "What-if", description = "Replay a multi-fidelity method over recorded learning curves")
public class WhatIfController {
    private final WhatIfService whatIf;
    private final StudyAccess access;

    public WhatIfController(WhatIfService whatIf, StudyAccess access) {
        this.whatIf = whatIf;
        this.access = access;
    }

    @Schema(description = "Curves from a study (studyId) or uploaded (curves with space, metrics, resource)")
    public record WhatIfRequest(
            @Schema(description = "replay this study's reports")
            String studyId,

            @Schema(description = "uploaded curves: [{config, reports: [{epoch: 1, loss: 0.9}, …]}]")
            List<Map<String, Object>> curves,

            Map<String, Object> space,
            List<Dtos.MetricSpec> metrics,
            Dtos.ResourceSpec resource,
            @Schema(example = "ASHA") String method,
            Map<String, Object> options,
            Long seed,

            @Schema(description = "simulated workers, default 4")
            Integer workers) {}

    @PostMapping(path = "/api/v1/whatif", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "What would a method have decided, found and saved on these learning curves?",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = WhatIfRequest.class))))
    public WhatIf.Result run(@RequestBody Map<String, Object> request) {
        if (request.get("studyId") instanceof String studyId) {
            access.checkStudy(studyId);
        }
        return whatIf.run(request);
    }
}
