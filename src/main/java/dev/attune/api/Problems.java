package dev.attune.api;

import dev.attune.security.SecurityProblem;
import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.study.ConflictException;
import dev.attune.study.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as RFC 9457 {@code application/problem+json} with {@code type}, {@code title},
 * {@code status}, {@code detail}, and for invalid input an {@code errors} list of {field, message}.
 */
@RestControllerAdvice
public class Problems extends ResponseEntityExceptionHandler {
    static final String TYPES = "https://attune.dev/problems/";
    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPES + slug));
        p.setTitle(title);
        return p;
    }

    static ResponseEntity<Object> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    static ProblemDetail invalid(List<FieldError> errors) {
        String detail = errors.stream()
                .map(e -> e.field() + ": " + e.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
        p.setProperty(
                "errors",
                errors.stream()
                        .map(e -> Map.of("field", e.field(), "message", e.message()))
                        .toList());
        return p;
    }

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<Object> invalidInput(InvalidInputException e) {
        return respond(invalid(e.errors()));
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException e) {
        return respond(problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage()));
    }

    @ExceptionHandler(SecurityProblem.class)
    ResponseEntity<Object> refused(SecurityProblem e) {
        HttpStatus status = HttpStatus.valueOf(e.status());
        ProblemDetail p = e.field() != null && e.status() == 400
                ? invalid(List.of(new FieldError(e.field(), e.getMessage())))
                : problem(status, e.slug(), status.getReasonPhrase(), e.getMessage());
        if (e.field() != null && e.status() != 400) {
            p.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        }
        return respond(p);
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<Object> conflict(ConflictException e) {
        // A key that names a different request is the IETF Idempotency-Key draft's 422, not a state conflict.
        boolean mismatch = e.kind() == ConflictException.Kind.IDEMPOTENCY_KEY_MISMATCH;
        ProblemDetail p = problem(
                mismatch ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.CONFLICT,
                e.kind().slug(),
                (mismatch ? "Unprocessable: " : "Conflict: ") + e.kind().slug().replace('-', ' '),
                e.getMessage());
        p.setProperty("currentStatus", e.status());
        if (e.kind().field() != null) {
            p.setProperty("errors", List.of(Map.of("field", e.kind().field(), "message", e.getMessage())));
        }
        return respond(p);
    }

    @ExceptionHandler(dev.attune.service.OverloadedException.class)
    ResponseEntity<Object> overloaded(dev.attune.service.OverloadedException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "overloaded", "Overloaded", e.getMessage()));
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<Object> tooLarge(PayloadTooLargeException e) {
        return respond(problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large", e.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        return respond(invalid(List.of(new FieldError(e.getName(), "has an invalid value \"" + e.getValue() + "\""))));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        String id = correlationId();
        if (DatabaseFaults.unavailable(e)) {
            log.warn(
                    "database unavailable on {} {} [correlationId={}]: {}",
                    request.getMethod(),
                    request.getRequestURI(),
                    id,
                    DatabaseFaults.describe(e));
            ProblemDetail p = problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "database-unavailable",
                    "Database unavailable",
                    "the database cannot be reached; the request was not applied, retry it later");
            p.setProperty("correlationId", id);
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(DatabaseFaults.RETRY_AFTER_SECONDS))
                    .header(CORRELATION_HEADER, id)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(p);
        }
        log.error("unexpected error on {} {} [correlationId={}]", request.getMethod(), request.getRequestURI(), id, e);
        ProblemDetail p = problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "the server failed; the request was not applied (correlation id " + id + " is in the server's log)");
        p.setProperty("correlationId", id);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .header(CORRELATION_HEADER, id)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    static final String CORRELATION_HEADER = "X-Correlation-Id";

    /** A random id that ties a 5xx answer to its log line. */
    static String correlationId() {
        return java.util.HexFormat.of()
                .toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof PayloadTooLargeException tooLarge) {
            return tooLarge(tooLarge);
        }
        String message = cause.getMessage() == null ? "malformed body" : cause.getMessage();
        int cut = message.indexOf("\n at [Source");
        message = cut > 0 ? message.substring(0, cut) : message;
        return respond(invalid(List.of(new FieldError(
                "body", "is not valid JSON: " + message.lines().findFirst().orElse(message)))));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return respond(invalid(e.getFieldErrors().stream()
                .map(f -> new FieldError(f.getField(), String.valueOf(f.getDefaultMessage())))
                .toList()));
    }

    /** Spring's own problems (415, 405, 404 for unknown paths …) get a type and keep problem+json. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p =
                body instanceof ProblemDetail given ? given : ProblemDetail.forStatusAndDetail(status, e.getMessage());
        if (p.getType() == null || "about:blank".equals(p.getType().toString())) {
            HttpStatus known = HttpStatus.resolve(status.value());
            String reason = known == null ? "error" : known.getReasonPhrase();
            p.setType(URI.create(TYPES + reason.toLowerCase().replace(' ', '-')));
            p.setTitle(reason);
        }
        if (p.getDetail() == null) {
            p.setDetail(e.getMessage());
        }
        return ResponseEntity.status(status)
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }
}
