package dev.attune.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The shape filter in front of Spring MVC's mapping look-up never drops a mapping whose pattern matches
 * (it may only keep some that do not): checked against {@link PathPattern} on seeded random patterns and
 * paths.
 */
class RequestMappingLookupTest {
    private static final String[] LITERALS = {"api", "v1", "studies", "trials", "reports", "a", "", "x.json"};
    private static final String[] PIECES = {"{v}", "{v:[0-9]+}", "*", "x*", "?", "{v}.json"};

    @Test
    void neverDropsAMappingWhosePatternMatches() {
        Random random = new Random(16);
        PathPatternParser parser = new PathPatternParser();
        int matched = 0;
        int dropped = 0;
        for (int round = 0; round < 20_000; round++) {
            List<String> texts = new ArrayList<>();
            for (int k = 1 + random.nextInt(2); k > 0; k--) {
                texts.add(pattern(random));
            }
            RequestMappingLookup.Shapes shapes = RequestMappingLookup.Shapes.of(texts);
            String path = path(random);
            boolean matches = texts.stream().anyMatch(t -> parser.parse(t).matches(PathContainer.parsePath(path)));
            boolean kept = shapes.mayMatch(path);
            if (matches) {
                matched++;
                assertThat(kept).as("%s against %s", path, texts).isTrue();
            } else if (!kept) {
                dropped++;
            }
        }
        // the property is not vacuous: both sides occur often
        assertThat(matched).isGreaterThan(200);
        assertThat(dropped).isGreaterThan(5_000);
    }

    @Test
    void dropsTheMappingsOfOtherShapes() {
        RequestMappingLookup.Shapes reports =
                RequestMappingLookup.Shapes.of(List.of("/api/v1/studies/{studyId}/trials/{trialId}/reports"));
        assertThat(reports.mayMatch("/api/v1/studies/s1/trials/7/reports")).isTrue();
        assertThat(reports.mayMatch("/api/v1/studies/s1/trials/7/complete")).isFalse();
        assertThat(reports.mayMatch("/api/v1/studies/s1/trials/7")).isFalse();
        assertThat(reports.mayMatch("/api/v1/studies/s1/trials/7/reports/x")).isFalse();
        // escapes and matrix variables are left to Spring
        assertThat(reports.mayMatch("/api/v1/studies/s1/trials/7/%72eports")).isTrue();
        assertThat(RequestMappingLookup.Shapes.of(List.of("/static/**")).mayMatch("/other"))
                .isTrue();
    }

    @Test
    void theIndexByShapeOfPathKeepsExactlyTheMappingsTheirShapesKeep() {
        Random random = new Random(17);
        int kept = 0;
        int dropped = 0;
        for (int round = 0; round < 200; round++) {
            Map<String, RequestMappingLookup.Shapes> mappings = new LinkedHashMap<>();
            for (int m = 0; m < 20; m++) {
                List<String> texts = new ArrayList<>();
                for (int k = 1 + random.nextInt(2); k > 0; k--) {
                    texts.add(pattern(random));
                }
                mappings.put(new String("m" + m), RequestMappingLookup.Shapes.of(texts));
            }
            RequestMappingLookup.ShapeIndex<String> index = new RequestMappingLookup.ShapeIndex<>(mappings);
            // many paths per index, so that most are answered from a shape remembered for another path
            for (int p = 0; p < 100; p++) {
                String path = path(random);
                Set<String> candidates = index.candidates(path);
                for (Map.Entry<String, RequestMappingLookup.Shapes> e : mappings.entrySet()) {
                    boolean expected = e.getValue().mayMatch(path);
                    assertThat(candidates == null || candidates.contains(e.getKey()))
                            .as("%s for %s", e.getKey(), path)
                            .isEqualTo(expected);
                    if (expected) {
                        kept++;
                    } else {
                        dropped++;
                    }
                }
            }
        }
        assertThat(kept).isGreaterThan(1_000);
        assertThat(dropped).isGreaterThan(10_000);
        // escapes are left to Spring whole
        assertThat(new RequestMappingLookup.ShapeIndex<String>(Map.of()).candidates("/a/%62"))
                .isNull();
    }

    private static String pattern(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            b.append('/');
            b.append(
                    random.nextInt(3) == 0
                            ? PIECES[random.nextInt(PIECES.length)].replace("{v", "{v" + i) // one name per variable
                            : LITERALS[random.nextInt(LITERALS.length)]);
        }
        return b.toString();
    }

    private static String path(Random random) {
        String[] values = {"api", "v1", "studies", "trials", "reports", "a", "", "7", "x.json", "xy", "b"};
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            b.append('/').append(values[random.nextInt(values.length)]);
        }
        if (random.nextInt(10) == 0) {
            b.append('/');
        }
        return b.toString();
    }
}
