package dev.attune.service;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.scheduler.MethodSpec;
import dev.attune.study.Views;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;

/** The methods this server supports, for {@code GET /methods}; the API does not reach the registry itself. */
@Service
public class MethodCatalog {
    private final MethodRegistry registry;

    public MethodCatalog(MethodRegistry registry) {
        this.registry = registry;
    }

    public List<Views.Method> methods() {
        return registry.all().stream().map(MethodCatalog::view).toList();
    }

    private static Views.Method view(MethodSpec m) {
        return new Views.Method(
                m.name(),
                m.description(),
                m.multiFidelity(),
                m.multiObjective(),
                m.options().stream()
                        .map(o -> new Views.Option(
                                o.name(),
                                o.type().name().toLowerCase(Locale.ROOT),
                                o.defaultValue(),
                                o.min(),
                                o.max(),
                                o.allowed(),
                                o.description()))
                        .toList());
    }
}
