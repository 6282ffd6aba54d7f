package dev.attune.scheduler;

import dev.attune.searcher.Options;
import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Metric;
import java.util.List;

/**
 * Builds the method a wrapper delegates to (the median stopping rule's, the linear scalarization's):
 * its options come from the wrapper's {@code baseOptions}, its errors are reported under that field.
 */
final class BaseMethod {
    private BaseMethod() {}

    static Scheduler build(MethodContext context, MethodSpec spec, Options baseOptions, List<Metric> metrics) {
        if (spec.multiFidelity() && context.resource() == null) {
            throw InvalidInputException.of("resource", "is required by the base method " + spec.name());
        }
        return spec.factory()
                .apply(new MethodContext(
                        context.space(),
                        metrics,
                        context.resource(),
                        context.seed(),
                        context.initialConfigs(),
                        context.allowDuplicates(),
                        baseOptions,
                        context.restrictConfigurations(),
                        context.transfer()));
    }

    /** The base method's options from the wrapper's {@code baseOptions} object. */
    static Options options(MethodContext context, MethodSpec spec) {
        try {
            return Options.parse(context.options().object("baseOptions"), spec.options());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.errors().stream()
                    .map(f -> new FieldError(f.field().replace("options.", "options.baseOptions."), f.message()))
                    .toList());
        }
    }
}
