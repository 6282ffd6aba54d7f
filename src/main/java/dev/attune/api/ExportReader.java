package dev.attune.api;

import dev.attune.service.StudyTransfer;
import dev.attune.service.StudyTransfer.ImportedEvent;
import dev.attune.space.InvalidInputException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a study export ({@link StudyTransfer#writeExport}) from a request body as a stream: the header
 * fields and the definition first, then one event at a time, so that a log of any length is never held
 * whole. Each event and the definition are held to the same limits as any JSON body ({@link InputLimits},
 * named {@code events[i]} and {@code definition}); malformed JSON answers 400 naming {@code body}.
 */
final class ExportReader implements AutoCloseable {
    private static final java.util.List<String> HEADER_FIELDS =
            java.util.List.of("format", "version", "study", "definition", "events");
    private static final Set<String> EVENT_FIELDS = Set.of("seq", "type", "trialId", "payload", "createdAt", "actor");

    private final ObjectReader values;
    private final JsonParser parser;
    private final long maxEvents;
    private Map<String, Object> definition;
    private Instant createdAt;
    private boolean inEvents;

    ExportReader(JsonMapper mapper, InputStream body, long maxEvents) {
        // one value at a time from a longer document: what follows it is not an error here
        this.values = mapper.readerFor(Object.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.maxEvents = maxEvents;
        this.parser = guarded(() -> mapper.createParser(body));
    }

    /** Reads up to the start of the event list; afterwards {@link #definition} and {@link #createdAt} are set. */
    @SuppressWarnings("unchecked")
    void readHeader() {
        guarded(() -> {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw InvalidInputException.of("body", "must be a study export: a JSON object");
            }
            String format = null;
            Object version = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                switch (name) {
                    case "format" -> format = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getString() : "";
                    case "version" -> version = values.readValue(parser);
                    case "study" -> {
                        Object study = values.readValue(parser);
                        InputLimits.check(study, "study");
                        if (study instanceof Map<?, ?> m && m.get("createdAt") != null) {
                            createdAt = instant(m.get("createdAt"), "study.createdAt");
                        }
                    }
                    case "definition" -> {
                        Object d = values.readValue(parser);
                        if (!(d instanceof Map<?, ?>)) {
                            throw InvalidInputException.of("definition", "must be an object: a study definition");
                        }
                        InputLimits.check(d, "definition");
                        definition = (Map<String, Object>) d;
                    }
                    case "events" -> {
                        if (parser.currentToken() != JsonToken.START_ARRAY) {
                            throw InvalidInputException.of("events", "must be a list of events");
                        }
                        inEvents = true;
                    }
                    default ->
                        throw InvalidInputException.of(
                                name,
                                "is not a field of a study export; known: [format, version, study, definition, events]");
                }
                if (inEvents) {
                    break;
                }
            }
            if (!StudyTransfer.FORMAT.equals(format)) {
                throw InvalidInputException.of("format", "must be \"" + StudyTransfer.FORMAT + "\"");
            }
            if (!(version instanceof Number n) || n.intValue() != StudyTransfer.VERSION) {
                throw InvalidInputException.of("version", "must be " + StudyTransfer.VERSION);
            }
            if (definition == null) {
                throw InvalidInputException.of("definition", "is required, before events");
            }
            if (!inEvents) {
                throw InvalidInputException.of("events", "is required: the study's event log");
            }
            return null;
        });
    }

    Map<String, Object> definition() {
        return definition;
    }

    Instant createdAt() {
        return createdAt;
    }

    /** The events, read as they are consumed; the end of the list must end the document. */
    Iterator<ImportedEvent> events() {
        return new Iterator<>() {
            private long index;
            private ImportedEvent next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    next = guarded(this::read);
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public ImportedEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ImportedEvent e = next;
                next = null;
                return e;
            }

            private ImportedEvent read() {
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    if (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = parser.currentName();
                        throw InvalidInputException.of(
                                name,
                                HEADER_FIELDS.contains(name)
                                        ? "must come before events"
                                        : "is not a field of a study export; known: " + HEADER_FIELDS);
                    }
                    if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                        throw InvalidInputException.of("body", "must end after the export's object");
                    }
                    return null;
                }
                String path = "events[" + index + "]";
                if (++index > maxEvents) {
                    throw InvalidInputException.of("events", "must have at most " + maxEvents + " entries");
                }
                if (t != JsonToken.START_OBJECT) {
                    throw InvalidInputException.of(path, "must be an object: an event");
                }
                Object raw = values.readValue(parser);
                InputLimits.check(raw, path);
                return event(asMap(raw), path);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object raw) {
        return (Map<String, Object>) raw;
    }

    private static ImportedEvent event(Map<String, Object> raw, String path) {
        for (String key : raw.keySet()) {
            if (!EVENT_FIELDS.contains(key)) {
                throw InvalidInputException.of(
                        path + "." + InputLimits.shorten(key),
                        "is not a field of an event; known: "
                                + EVENT_FIELDS.stream().sorted().toList());
            }
        }
        if (!(raw.get("seq") instanceof Number seq) || seq.doubleValue() != Math.rint(seq.doubleValue())) {
            throw InvalidInputException.of(path + ".seq", "is required: an integer, the event's place in the log");
        }
        if (!(raw.get("type") instanceof String type)) {
            throw InvalidInputException.of(path + ".type", "is required: the event's type");
        }
        Object trial = raw.get("trialId");
        if (trial != null && (!(trial instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()))) {
            throw InvalidInputException.of(path + ".trialId", "must be an integer or null");
        }
        if (!(raw.get("payload") instanceof Map<?, ?> payload)) {
            throw InvalidInputException.of(path + ".payload", "is required: an object");
        }
        Instant at = raw.get("createdAt") == null ? null : instant(raw.get("createdAt"), path + ".createdAt");
        return new ImportedEvent(
                seq.longValue(), type, trial == null ? null : ((Number) trial).longValue(), asMap(payload), at, path);
    }

    private static Instant instant(Object value, String field) {
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            throw InvalidInputException.of(field, "must be an ISO-8601 instant, e.g. 2026-11-30T18:00:00Z");
        }
    }

    private static <T> T guarded(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (JacksonException e) {
            throw InvalidInputException.of("body", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public void close() {
        parser.close();
    }
}
