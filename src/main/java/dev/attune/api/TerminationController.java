package dev.attune.api;

import dev.attune.service.TerminationService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Automatic termination (GP Bayesian optimization's {@code autoTermination} option): its estimates. */
@RestController
@RequestMapping(path = "/api/v1/studies", produces = "application/json")
@Tag(name = "Studies", description = "Create, inspect, stop and delete studies")
public class TerminationController {
    private final TerminationService termination;

    public TerminationController(TerminationService termination) {
        this.termination = termination;
    }

    @GetMapping("/{studyId}/termination")
    @Operation(
            summary = "The automatic-termination series: after each result (from autoTerminationMinTrials on), the"
                    + " GP's upper bound on the regret of the best trial and the threshold it is compared with;"
                    + " the study stops with reason 'converged' once the bound is below the threshold")
    public TerminationService.Series termination(@PathVariable String studyId) {
        return termination.series(studyId);
    }
}
