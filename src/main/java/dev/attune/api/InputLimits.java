package dev.attune.api;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Bounds every JSON body before a service (and so the database) sees it: object keys of at most
 * {@value #MAX_KEY} characters, strings of at most {@value #MAX_STRING}, at most {@value #MAX_ELEMENTS}
 * entries in one object or list and {@value #MAX_NODES} values in all, and no NUL character anywhere
 * (PostgreSQL's text types refuse it). Nesting depth is bounded while parsing ({@code config.JsonLimits}).
 * Field-specific limits (a worker id, a reason, a link) are checked where the field is read.
 */
@ControllerAdvice
public class InputLimits extends RequestBodyAdviceAdapter {
    static final int MAX_KEY = 200;
    static final int MAX_STRING = 65_536;
    static final int MAX_ELEMENTS = 10_000;
    static final int MAX_NODES = 100_000;

    @Override
    public boolean supports(
            MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(
            Object body,
            HttpInputMessage inputMessage,
            MethodParameter parameter,
            Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        check(body);
        return body;
    }

    /** Throws {@link InvalidInputException} naming the first fields over a limit. */
    public static void check(Object body) {
        check(body, "body");
    }

    /**
     * The same limits for one part of a streamed body (an imported event, say), with errors named from
     * {@code root}.
     */
    static void check(Object part, String root) {
        List<FieldError> errors = new ArrayList<>();
        int[] nodes = {0};
        walk(part, root, errors, nodes);
        if (nodes[0] > MAX_NODES) {
            errors.add(new FieldError(root, "has more than " + MAX_NODES + " values"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() > 10 ? errors.subList(0, 10) : errors);
        }
    }

    private static void walk(Object value, String path, List<FieldError> errors, int[] nodes) {
        if (++nodes[0] > MAX_NODES || errors.size() > 10) {
            return;
        }
        if (value == null) {
            return;
        }
        switch (value) {
            case Map<?, ?> m -> {
                if (m.size() > MAX_ELEMENTS) {
                    errors.add(new FieldError(path, "has more than " + MAX_ELEMENTS + " entries"));
                    return;
                }
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    String field = path.equals("body") ? shorten(key) : path + "." + shorten(key);
                    if (key.length() > MAX_KEY) {
                        errors.add(new FieldError(field, "is a key longer than " + MAX_KEY + " characters"));
                    } else if (key.indexOf('\0') >= 0) {
                        errors.add(new FieldError(field, "is a key containing the NUL character"));
                    }
                    walk(e.getValue(), field, errors, nodes);
                }
            }
            case List<?> l -> {
                if (l.size() > MAX_ELEMENTS) {
                    errors.add(new FieldError(path, "has more than " + MAX_ELEMENTS + " elements"));
                    return;
                }
                for (int i = 0; i < l.size(); i++) {
                    walk(l.get(i), path + "[" + i + "]", errors, nodes);
                }
            }
            case String s -> {
                if (s.length() > MAX_STRING) {
                    errors.add(new FieldError(path, "must be at most " + MAX_STRING + " characters"));
                } else if (s.indexOf('\0') >= 0) {
                    errors.add(new FieldError(path, "must not contain the NUL character"));
                }
            }
            default -> {}
        }
    }

    /** A key as it appears in an error message: at most 40 characters. */
    static String shorten(String key) {
        String printable = key.replace('\0', '?');
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
    }

    /** A path or query value: no NUL, and at most {@code max} characters. */
    static void checkParameter(String name, String value, int max) {
        if (value.length() > max) {
            throw InvalidInputException.of(name, "must be at most " + max + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw InvalidInputException.of(name, "must not contain the NUL character");
        }
    }
}
