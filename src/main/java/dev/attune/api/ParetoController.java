package dev.attune.api;

import dev.attune.service.ParetoService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Multi-objective results: the Pareto front and its hypervolume. */
@RestController
@RequestMapping(path = "/api/v1/studies", produces = "application/json")
@Tag(name = "Studies", description = "Create, inspect, stop and delete studies")
public class ParetoController {
    private final ParetoService pareto;

    public ParetoController(ParetoService pareto) {
        this.pareto = pareto;
    }

    @GetMapping("/{studyId}/pareto")
    @Operation(
            summary = "The non-dominated completed trials (the Pareto front), ordered by the first metric"
                    + " (best first) then trial id; with one metric: the best completed trial(s)")
    public ParetoService.Front pareto(@PathVariable String studyId) {
        return pareto.pareto(studyId);
    }

    @GetMapping("/{studyId}/hypervolume")
    @Operation(
            summary = "The exact hypervolume of the Pareto front for a reference point, and its history"
                    + " after each completed trial (trial-id order, at most 1000 points)")
    public ParetoService.HypervolumeResult hypervolume(
            @PathVariable String studyId,
            @Parameter(
                            description = "One value per study metric, in the study's order, in the metrics' own"
                                    + " units (repeat the parameter or separate by commas). Default: the nadir"
                                    + " of the completed trials plus 10 % of each metric's range")
                    @RequestParam(required = false)
                    List<String> reference) {
        return pareto.hypervolume(studyId, reference);
    }
}
