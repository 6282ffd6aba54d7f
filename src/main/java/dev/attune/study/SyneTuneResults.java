package dev.attune.study;

import dev.attune.space.Domain;
import dev.attune.space.InvalidInputException;
import dev.attune.space.InvalidValueException;
import dev.attune.trial.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Syne Tune results table (the tuner's {@code results.csv}: one row per reported result, columns {@code
 * trial_id}, {@code config_<name>} per hyperparameter, one per metric, {@code st_*} / {@code status}) read as
 * the completed trials of a study: per trial, in order of first appearance, its config and the metrics of its
 * last row that has every metric of the study. Trials whose status is {@code Failed}, or with no row holding
 * every metric, are left out. Cells are read by the space: a number where the domain takes one, else the text.
 */
public final class SyneTuneResults {
    /** One trial to add as completed. */
    public record Completed(Map<String, Object> config, Map<String, Double> metrics, String line) {}

    private final StudyDefinition definition;
    private final Map<String, Integer> column = new LinkedHashMap<>();
    private final Map<String, Completed> trials = new LinkedHashMap<>();
    private final Map<String, Boolean> failed = new LinkedHashMap<>();
    private final Integer status;

    /** Checks the header: {@code trial_id}, a config column per hyperparameter, a column per metric. */
    public SyneTuneResults(StudyDefinition definition, List<String> header) {
        this.definition = definition;
        for (int i = 0; i < header.size(); i++) {
            column.putIfAbsent(header.get(i).trim(), i);
        }
        List<String> missing = new ArrayList<>();
        if (!column.containsKey("trial_id")) {
            missing.add("trial_id");
        }
        definition.space().entries().forEach((name, domain) -> {
            if (!domain.isConstant() && !column.containsKey("config_" + name)) {
                missing.add("config_" + name);
            }
        });
        for (Metric m : definition.metrics()) {
            if (!column.containsKey(m.name())) {
                missing.add(m.name());
            }
        }
        if (!missing.isEmpty()) {
            throw InvalidInputException.of("results", "the header lacks the columns " + missing);
        }
        this.status = column.containsKey("st_status") ? column.get("st_status") : column.get("status");
    }

    /** Reads one data row; {@code line} names it in errors (e.g. {@code results line 7}). */
    public void row(List<String> cells, String line) {
        String trial = cell(cells, "trial_id");
        if (trial == null || trial.isBlank()) {
            throw InvalidInputException.of(line + ".trial_id", "is required");
        }
        if (status != null
                && status < cells.size()
                && "Failed".equalsIgnoreCase(cells.get(status).trim())) {
            failed.put(trial, true);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Metric m : definition.metrics()) {
            String v = cell(cells, m.name());
            if (v == null || v.isBlank()) {
                return; // a row without the metric (e.g. an intermediate log line) gives no result
            }
            metrics.put(m.name(), number(v, line + "." + m.name()));
        }
        if (definition.resource() != null
                && cell(cells, definition.resource().attr()) instanceof String r
                && !r.isBlank()) {
            metrics.put(
                    definition.resource().attr(),
                    number(r, line + "." + definition.resource().attr()));
        }
        trials.put(trial, new Completed(config(cells, line), metrics, line));
    }

    /** The trials to add as completed, in order of first appearance. */
    public List<Completed> completed() {
        return trials.entrySet().stream()
                .filter(e -> !failed.containsKey(e.getKey()))
                .map(Map.Entry::getValue)
                .toList();
    }

    private Map<String, Object> config(List<String> cells, String line) {
        Map<String, Object> config = new LinkedHashMap<>();
        definition.space().entries().forEach((name, domain) -> {
            String v = cell(cells, "config_" + name);
            if (v != null && !v.isEmpty()) {
                config.put(name, value(domain, v, line + ".config_" + name));
            }
        });
        return config;
    }

    /** The cell as the domain takes it: an integer, a real, a boolean or the text, the first one it accepts. */
    private static Object value(Domain domain, String text, String field) {
        String t = text.trim();
        List<Object> readings = new ArrayList<>();
        try {
            readings.add(Long.parseLong(t));
        } catch (NumberFormatException e) {
            // not an integer
        }
        try {
            readings.add(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            // not a number
        }
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            readings.add(Boolean.parseBoolean(t));
        }
        readings.add(text);
        String why = null;
        for (Object reading : readings) {
            try {
                return domain.validate(reading);
            } catch (InvalidValueException e) {
                why = e.getMessage();
            }
        }
        throw InvalidInputException.of(field, why + " (got \"" + text + "\")");
    }

    private static double number(String text, String field) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw InvalidInputException.of(field, "must be a finite number, got \"" + text + "\"");
    }

    private String cell(List<String> cells, String name) {
        Integer i = column.get(name);
        return i == null || i >= cells.size() ? null : cells.get(i);
    }
}
