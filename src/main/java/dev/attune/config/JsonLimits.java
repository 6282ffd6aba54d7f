package dev.attune.config;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;

/**
 * Bounds what the JSON parser accepts, before any object is built: nesting depth {@value #MAX_DEPTH},
 * numbers of at most {@value #MAX_NUMBER_LENGTH} digits, names of at most {@value #MAX_NAME_LENGTH}
 * characters. Sizes and counts of the parsed body are checked by {@code api.InputLimits}.
 *
 * <p>Implementation note: Jackson 3's mapper builder takes its stream factory, and so its constraints,
 * when it is created, and Spring Boot creates it after resolving the customizers; so the customizer
 * bean sets the process-wide default while it is made. Every parser in the process gets these bounds,
 * which no valid Attune document comes near.
 */
@Configuration(proxyBeanMethods = false)
public class JsonLimits {
    public static final int MAX_DEPTH = 32;
    public static final int MAX_NUMBER_LENGTH = 400;
    public static final int MAX_NAME_LENGTH = 10_000;

    /** Sets the bounds for every parser made from now on. */
    public static void apply() {
        StreamReadConstraints.overrideDefaultStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxNameLength(MAX_NAME_LENGTH)
                .build());
    }

    @Bean
    static JsonMapperBuilderCustomizer jsonReadLimits() {
        apply();
        return builder -> {};
    }
}
