package dev.attune.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The last few answers of one query, each kept with the version of the study it was computed from
 * (its event log's last seq, or a count that only grows), so asking again about an unchanged study
 * costs nothing. Least recently used entries go first; two threads missing at once both compute.
 */
final class RecentAnswers<T> {
    private record Kept<T>(long version, T answer) {}

    private final Map<String, Kept<T>> entries;

    RecentAnswers(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept<T>> eldest) {
                return size() > capacity;
            }
        };
    }

    T get(String key, long version, Supplier<T> compute) {
        synchronized (entries) {
            Kept<T> e = entries.get(key);
            if (e != null && e.version() == version) {
                return e.answer();
            }
        }
        T answer = compute.get();
        synchronized (entries) {
            entries.put(key, new Kept<>(version, answer));
        }
        return answer;
    }
}
