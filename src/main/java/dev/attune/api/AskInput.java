package dev.attune.api;

import dev.attune.space.InvalidInputException;
import java.util.Map;
import java.util.Set;

/**
 * An ask's body: an optional {@code workerId} (a string of at most {@value TrialController#MAX_WORKER_ID}
 * characters) and an optional {@code count} (1 to {@value #MAX_COUNT}) that makes it a batch ask.
 */
record AskInput(String workerId, Integer count) {
    static final int MAX_COUNT = 1000;
    private static final Set<String> FIELDS = Set.of("workerId", "count");

    static AskInput of(Map<String, Object> request) {
        if (request == null) {
            return new AskInput(null, null);
        }
        for (String key : request.keySet()) {
            if (!FIELDS.contains(key)) {
                throw InvalidInputException.of(
                        InputLimits.shorten(key), "is not a known field; only workerId and count are accepted");
            }
        }
        Object worker = request.get("workerId");
        if (worker != null && !(worker instanceof String)) {
            throw InvalidInputException.of("workerId", "must be a string");
        }
        if (worker instanceof String w && w.length() > TrialController.MAX_WORKER_ID) {
            throw InvalidInputException.of(
                    "workerId", "must be at most " + TrialController.MAX_WORKER_ID + " characters");
        }
        Object count = request.get("count");
        if (count != null
                && (!(count instanceof Integer || count instanceof Long)
                        || ((Number) count).longValue() < 1
                        || ((Number) count).longValue() > MAX_COUNT)) {
            throw InvalidInputException.of("count", "must be an integer from 1 to " + MAX_COUNT);
        }
        return new AskInput((String) worker, count == null ? null : ((Number) count).intValue());
    }
}
