package dev.attune.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pause-and-resume schedulers tell a trial how far to train by putting its next target level in the
 * config entry named by {@code resource.maxAttr}, as Syne Tune's do.
 */
final class ResourceTarget {
    private ResourceTarget() {}

    /** The config with {@code level} in {@code maxAttr}; unchanged when the study names no such entry. */
    static Map<String, Object> with(Map<String, Object> config, String maxAttr, long level) {
        if (maxAttr == null) {
            return config;
        }
        Map<String, Object> c = new LinkedHashMap<>(config);
        c.put(maxAttr, level);
        return c;
    }
}
