package dev.attune.api;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object request body, field by field with the values Jackson reads into {@code Object} (maps,
 * lists, strings, numbers, booleans, null), as a {@code Map<String, Object>} body has them; the endpoints
 * check its fields as before ({@code study.Fields}, {@link InputLimits}).
 *
 * <p>Why a class and not {@code Map<String, Object>}: for a parameterized body type Spring MVC and
 * Jackson resolve the generic type on every request (Jackson caches only classes), about a third of the
 * cost of reading a report's body in the issue 16 profile; a class is looked up in their caches.
 */
public final class JsonObjectBody {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public JsonObjectBody() {}

    @JsonAnySetter
    void put(String name, Object value) {
        fields.put(name, value);
    }

    /** The body's fields in the order sent (a repeated name keeps its last value, as a map body does). */
    public Map<String, Object> fields() {
        return fields;
    }

    /** The fields of a body that may be absent: null when it is. */
    static Map<String, Object> fieldsOf(JsonObjectBody body) {
        return body == null ? null : body.fields;
    }
}
