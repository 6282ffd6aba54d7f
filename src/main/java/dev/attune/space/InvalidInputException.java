package dev.attune.space;

import java.util.List;

/** Input from a client (a space, a config, options) could not be accepted; lists every problem found. */
public final class InvalidInputException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidInputException(List<FieldError> errors) {
        super(
                errors.isEmpty()
                        ? "invalid"
                        : errors.getFirst().field() + ": " + errors.getFirst().message());
        this.errors = List.copyOf(errors);
    }

    public static InvalidInputException of(String field, String message) {
        return new InvalidInputException(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
