package dev.attune.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A decision stream recorded from the real Syne Tune (see {@code conformance/README.md}), and the study
 * definition that asks Attune for the same method with the same parameters.
 */
public record Stream(
        String file,
        String scheduler,
        Map<String, Object> params,
        Map<String, Object> space,
        List<Map<String, Object>> events) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @SuppressWarnings("unchecked")
    public static Stream load(String file) {
        try (InputStream in = Stream.class.getResourceAsStream("/conformance/" + file)) {
            Map<String, Object> d = JSON.readValue(in, Map.class);
            Map<String, Object> s = (Map<String, Object>) d.get("scheduler");
            return new Stream(
                    file,
                    (String) s.get("name"),
                    (Map<String, Object>) s.get("params"),
                    (Map<String, Object>) d.get("config_space"),
                    (List<Map<String, Object>>) d.get("events"));
        } catch (IOException e) {
            throw new IllegalStateException(file, e);
        }
    }

    /** Syne Tune's snake_case parameters as an Attune study definition. */
    public Map<String, Object> definition() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", file);
        d.put("space", space);
        d.put("metrics", metrics());
        d.put("seed", params.getOrDefault("random_seed", 0));
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("attr", params.getOrDefault("resource_attr", params.getOrDefault("time_attr", "epoch")));
        if (params.containsKey("max_resource_attr")) {
            resource.put("maxAttr", params.get("max_resource_attr"));
        }
        if (params.containsKey("max_t")) {
            resource.put("max", params.get("max_t"));
        }
        d.put("resource", resource);
        Map<String, Object> options = new LinkedHashMap<>();
        switch (scheduler) {
            case "asha_stopping" -> {
                d.put("method", "ASHA");
                options.put("type", "stopping");
            }
            case "asha_promotion" -> {
                d.put("method", "ASHA");
                options.put("type", "promotion");
            }
            case "median_stopping" -> d.put("method", "MedianStoppingRule");
            case "sync_hyperband" -> d.put("method", "SyncHyperband");
            case "pbt" -> d.put("method", "PBT");
            case "moasha" -> {
                d.put("method", "MOASHA");
                options.put("syneTuneRanking", true); // reproduce v0.13's reading of the sort (see MoashaScheduler)
            }
            default -> throw new IllegalArgumentException(scheduler);
        }
        params.forEach((k, v) -> {
            if (!List.of(
                            "metric",
                            "metrics",
                            "mode",
                            "random_seed",
                            "resource_attr",
                            "time_attr",
                            "max_resource_attr",
                            "max_t")
                    .contains(k)) {
                options.put(camel(k), v);
            }
        });
        d.put("options", options);
        return d;
    }

    /** One metric ({@code metric}, {@code mode}), or MOASHA's several ({@code metrics}, one mode or a list). */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> metrics() {
        if (!params.containsKey("metrics")) {
            return List.of(Map.of("name", params.get("metric"), "mode", params.getOrDefault("mode", "min")));
        }
        List<String> names = (List<String>) params.get("metrics");
        Object mode = params.getOrDefault("mode", "min");
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(Map.of("name", names.get(i), "mode", mode instanceof List<?> l ? l.get(i) : mode));
        }
        return out;
    }

    static String camel(String snake) {
        StringBuilder s = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                s.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return s.toString();
    }

    public String maxAttr() {
        return (String) params.get("max_resource_attr");
    }
}
