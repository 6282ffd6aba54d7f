package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bounds every parsed body must keep, whatever endpoint it goes to. */
class InputLimitsTest {
    static List<String> fields(Object body) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> InputLimits.check(body));
        assertThat(e).as("refused").isNotNull();
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void acceptsABodyJustInsideEveryBound() {
        Map<String, Object> body = Map.of(
                "k".repeat(InputLimits.MAX_KEY),
                "v".repeat(InputLimits.MAX_STRING),
                "list",
                Collections.nCopies(InputLimits.MAX_ELEMENTS, 1));
        assertThatCode(() -> InputLimits.check(body)).doesNotThrowAnyException();
    }

    @Test
    void refusesAStringOverTheLimitNamingItsPath() {
        assertThat(fields(Map.of("metadata", Map.of("note", "v".repeat(InputLimits.MAX_STRING + 1)))))
                .containsExactly("metadata.note");
    }

    @Test
    void refusesALongKeyAndANulCharacter() {
        assertThat(fields(Map.of("k".repeat(InputLimits.MAX_KEY + 1), 1))).hasSize(1);
        assertThat(fields(Map.of("list", List.of("ok", "a\0b")))).containsExactly("list[1]");
    }

    @Test
    void refusesTooManyElementsInOneContainerOrInAll() {
        assertThat(fields(Map.of("points", Collections.nCopies(InputLimits.MAX_ELEMENTS + 1, 1))))
                .containsExactly("points");
        List<Object> wide = Collections.nCopies(20, Collections.nCopies(InputLimits.MAX_NODES / 20, 1));
        assertThat(fields(Map.of("wide", wide))).contains("body");
    }
}
