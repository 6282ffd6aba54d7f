package dev.attune.api;

import dev.attune.service.MethodCatalog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Methods", description = "What this server can run")
public class MethodController {
    private final MethodCatalog catalog;

    public MethodController(MethodCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping(path = "/api/v1/methods", produces = "application/json")
    @Operation(summary = "Every supported method with its options, their types and defaults")
    public Dtos.MethodList methods() {
        return new Dtos.MethodList(catalog.methods().stream()
                .map(m -> new Dtos.MethodResponse(
                        m.name(),
                        m.description(),
                        m.multiFidelity(),
                        m.multiObjective(),
                        m.options().stream()
                                .map(o -> new Dtos.OptionResponse(
                                        o.name(),
                                        o.type(),
                                        o.defaultValue(),
                                        o.min(),
                                        o.max(),
                                        o.allowed(),
                                        o.description()))
                                .toList()))
                .toList());
    }
}
