package dev.attune.service;

import dev.attune.space.Values;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Turns the JSON text columns (configs, metrics, definitions, event payloads) into maps and back. */
@Component
public class JsonCodec {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private final JsonMapper mapper;

    public JsonCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        return mapper.writeValueAsString(value);
    }

    @SuppressWarnings("unchecked")
    public java.util.List<Object> readList(String json) {
        return (java.util.List<Object>) Values.canonical(mapper.readValue(json, java.util.List.class));
    }

    /** Reads an object with numbers in canonical form (integers as Long, reals as Double). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> read(String json) {
        return json == null ? null : (Map<String, Object>) Values.canonical(mapper.readValue(json, MAP));
    }
}
