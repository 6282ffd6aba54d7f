package dev.attune.study;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.scheduler.MethodSpec;
import dev.attune.searcher.Options;
import dev.attune.space.ConstantDomain;
import dev.attune.space.Domain;
import dev.attune.space.FieldError;
import dev.attune.space.IntDomain;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.space.Streamlining;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a study definition from its JSON form (a create request, or the stored copy) and checks it whole:
 * every problem is reported with its field path, and nothing is created unless all are fixed.
 */
public final class StudyDefinitionParser {
    static final Set<String> FIELDS = Set.of(
            "name",
            "project",
            "space",
            "metrics",
            "method",
            "options",
            "resource",
            "pointsToEvaluate",
            "seed",
            "stoppingCriterion",
            "maxConcurrentTrials",
            "allowDuplicates",
            "leaseSeconds",
            "maxRetries",
            "maxFailures",
            "deleteCheckpoints",
            "numGpusPerTrial",
            "entryPoint",
            "asynchronousScheduling",
            "restrictConfigurations",
            "streamlineConfigSpace",
            "waitTrialCompletionWhenStopping",
            TransferEvaluations.FIELD,
            TransferEvaluations.FROM);
    static final Set<String> CRITERION_FIELDS = Set.of(
            "maxWallclockTime",
            "maxNumTrialsStarted",
            "maxNumTrialsCompleted",
            "maxNumTrialsFinished",
            "maxNumEvaluations",
            "maxCost",
            "costAttr",
            "minMetricValue",
            "maxMetricValue");
    static final int MAX_POINTS_TO_EVALUATE = 10_000;
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final MethodRegistry methods;

    public StudyDefinitionParser(MethodRegistry methods) {
        this.methods = methods;
    }

    /**
     * @param defaultSeed the seed to use when the definition has none
     * @throws InvalidInputException listing every problem found
     */
    public StudyDefinition parse(Map<String, Object> json, long defaultSeed) {
        List<FieldError> errors = new ArrayList<>();
        Fields f = new Fields(json, "", errors);
        f.onlyKnown(FIELDS);

        String name = f.string("name", "study", 200);
        String project = f.string("project", "default", 64);
        if (!PROJECT.matcher(project).matches()) {
            f.error("project", "must be 1-64 letters, digits, '.', '_' or '-'");
        }

        SearchSpace space = null;
        if (!f.has("space")) {
            f.error("space", "is required");
        } else {
            try {
                space = SpaceParser.parse(f.raw("space"), "space");
            } catch (InvalidInputException e) {
                errors.addAll(e.errors());
            }
        }

        // Syne Tune's streamline_config_space on request; the stored definition holds the rewritten space.
        if (Boolean.TRUE.equals(f.bool("streamlineConfigSpace")) && space != null) {
            space = Streamlining.apply(space);
        }

        List<Metric> metrics = metrics(f);
        String methodName = f.string("method", "RandomSearch", 100);
        MethodSpec method = methods.find(methodName).orElse(null);
        if (method == null) {
            f.error(
                    "method",
                    "unknown method \"" + methodName + "\"; supported: "
                            + methods.all().stream().map(MethodSpec::name).toList());
        }
        Map<String, Object> givenOptions = f.object("options");
        givenOptions = givenOptions == null ? Map.of() : givenOptions;
        Options options = null;
        if (method != null) {
            try {
                options = Options.parse(givenOptions, method.options());
            } catch (InvalidInputException e) {
                errors.addAll(e.errors());
            }
            if (metrics.size() > 1 && !method.multiObjective()) {
                f.error(
                        "metrics",
                        "method " + method.name() + " optimizes one metric; use a multi-objective method for "
                                + metrics.size());
            }
        }
        Resource resource = resource(f, space);
        if (method != null && method.multiFidelity() && resource == null && !f.has("resource")) {
            f.error("resource", "is required by " + method.name() + " (attr, and max or maxAttr)");
        }

        Long seed = f.integer("seed", Long.MIN_VALUE);
        StoppingCriterion criterion = criterion(f, metrics);
        Long maxConcurrent = f.integer("maxConcurrentTrials", 1);
        if (maxConcurrent != null && maxConcurrent > 100_000) {
            f.error("maxConcurrentTrials", "must be at most 100000");
        }
        Boolean allowDuplicates = f.bool("allowDuplicates");
        Long leaseSeconds = f.integer("leaseSeconds", 1);
        Long maxRetries = f.integer("maxRetries", 0);
        Long maxFailures = f.integer("maxFailures", 1);
        Boolean deleteCheckpoints = f.bool("deleteCheckpoints");
        Boolean asynchronous = f.bool("asynchronousScheduling");
        if (Boolean.FALSE.equals(asynchronous) && maxConcurrent == null && !f.has("maxConcurrentTrials")) {
            f.error(
                    "maxConcurrentTrials",
                    "is required when asynchronousScheduling is false: the size of each batch (Syne Tune's n_workers)");
        }
        Boolean waitTrialCompletion = f.bool("waitTrialCompletionWhenStopping");
        if (maxRetries != null && maxRetries > 100) {
            f.error("maxRetries", "must be at most 100");
        }
        if (leaseSeconds != null && leaseSeconds > 86_400) {
            f.error("leaseSeconds", "must be at most 86400 (a day)");
        }
        List<Map<String, Object>> points = space == null ? List.of() : pointsToEvaluate(f, space);
        Long gpusPerTrial = f.integer("numGpusPerTrial", 1);
        if (gpusPerTrial != null && gpusPerTrial > 64) {
            f.error("numGpusPerTrial", "must be at most 64");
        }
        List<String> entryPoint = entryPoint(f);
        List<Map<String, Object>> restricted =
                space == null ? null : RestrictedConfigurations.parse(f, space, method, allowDuplicates);
        List<dev.attune.searcher.TransferTask> transfer =
                space == null ? List.of() : TransferEvaluations.parse(f, space, metrics);
        List<String> transferFrom = TransferEvaluations.parseFrom(f, transfer);

        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        StudyDefinition definition = new StudyDefinition(
                name,
                project,
                space,
                metrics,
                method,
                options,
                Map.copyOf(givenOptions),
                resource,
                points,
                seed == null ? defaultSeed : seed,
                criterion,
                maxConcurrent == null ? null : maxConcurrent.intValue(),
                allowDuplicates != null && allowDuplicates,
                leaseSeconds == null ? null : leaseSeconds.intValue(),
                maxRetries == null ? null : maxRetries.intValue(),
                maxFailures == null ? defaultMaxFailures(maxRetries) : maxFailures.intValue(),
                deleteCheckpoints != null && deleteCheckpoints,
                gpusPerTrial == null ? null : gpusPerTrial.intValue(),
                entryPoint,
                asynchronous == null || asynchronous,
                restricted,
                waitTrialCompletion != null && waitTrialCompletion,
                transfer,
                transferFrom);
        // A method may reject a combination only it understands (e.g. a grid that is too large).
        definition.newScheduler();
        return definition;
    }

    /**
     * Syne Tune's {@code max_failures=1}: the study stops at the first failed trial. With retries, each
     * retry of a config is a failed trial too, so the default lets one config fail through all of them.
     */
    static int defaultMaxFailures(Long maxRetries) {
        return 1 + (maxRetries == null ? 0 : maxRetries.intValue());
    }

    /**
     * The definition {@code current} becomes under a JSON merge patch (RFC 7386) of its changeable
     * settings ({@link StudyDefinition#CHANGEABLE}): a null removes a setting (a criterion's field, or a
     * limit), an object merges into the criterion. The result is checked as a new definition would be.
     *
     * @throws InvalidInputException for an unknown field or an invalid value
     * @throws ConflictException for a change of what a study cannot change (space, metrics, method, …)
     */
    public StudyDefinition change(StudyDefinition current, Map<String, Object> patch) {
        List<FieldError> errors = new ArrayList<>();
        new Fields(patch, "", errors).onlyKnown(FIELDS);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        Map<String, Object> merged = new LinkedHashMap<>(current.toJson());
        List<String> fixed = new ArrayList<>();
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            if (StudyDefinition.CHANGEABLE.contains(key)) {
                Object value = key.equals("stoppingCriterion") && e.getValue() instanceof Map<?, ?> m
                        ? mergePatch(merged.get(key), m)
                        : e.getValue();
                if (value == null) {
                    merged.remove(key);
                } else {
                    merged.put(key, value);
                }
            } else if (!java.util.Objects.equals(
                    dev.attune.space.Values.canonical(e.getValue()),
                    dev.attune.space.Values.canonical(merged.get(key)))) {
                fixed.add(key);
            }
        }
        if (!fixed.isEmpty()) {
            throw new ConflictException(
                    ConflictException.Kind.FIXED_SETTING,
                    fixed.toString(),
                    "a study's " + String.join(", ", fixed) + " cannot change (only "
                            + String.join(", ", StudyDefinition.CHANGEABLE)
                            + " can); create a new study with the new definition and import the old one's trials");
        }
        StudyDefinition next = parse(merged, current.seed());
        if (!next.stoppingCriterion()
                .costAttr()
                .equals(current.stoppingCriterion().costAttr())) {
            throw new ConflictException(
                    ConflictException.Kind.FIXED_SETTING,
                    "[stoppingCriterion.costAttr]",
                    "a study's stoppingCriterion.costAttr cannot change: the cost spent so far is counted in "
                            + current.stoppingCriterion().costAttr());
        }
        return next;
    }

    /** RFC 7386 merge of {@code patch} into {@code target}: null removes a key, objects merge. */
    @SuppressWarnings("unchecked")
    static Object mergePatch(Object target, Map<?, ?> patch) {
        Map<String, Object> out =
                target instanceof Map<?, ?> t ? new LinkedHashMap<>((Map<String, Object>) t) : new LinkedHashMap<>();
        patch.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (v == null) {
                out.remove(key);
            } else if (v instanceof Map<?, ?> m) {
                out.put(key, mergePatch(out.get(key), m));
            } else {
                out.put(key, v);
            }
        });
        return out;
    }

    /** The command every worker runs unless given its own: a non-empty list of strings. */
    private static List<String> entryPoint(Fields f) {
        if (!f.has("entryPoint")) {
            return null;
        }
        List<?> list = f.list("entryPoint");
        if (list == null) {
            return null;
        }
        if (list.isEmpty() || list.size() > 100) {
            f.error("entryPoint", "must be a command: 1-100 strings, e.g. [\"python3\", \"train.py\"]");
            return null;
        }
        List<String> command = new ArrayList<>();
        for (Object part : list) {
            if (!(part instanceof String s) || s.isEmpty() || s.length() > 4096 || s.indexOf('\0') >= 0) {
                f.error("entryPoint", "must hold non-empty strings of at most 4096 characters");
                return null;
            }
            command.add(s);
        }
        if (command.getFirst().isBlank()) {
            f.error("entryPoint", "must start with the program to run");
            return null;
        }
        return List.copyOf(command);
    }

    private static List<Metric> metrics(Fields f) {
        List<?> list = f.list("metrics");
        if (list == null) {
            f.error("metrics", "is required: a list of {name, mode}");
            return List.of();
        }
        if (list.isEmpty()) {
            f.error("metrics", "must name at least one metric");
        }
        List<Metric> metrics = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "metrics[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || name.isBlank()) {
                f.error(path + ".name", "is required: a non-blank string");
                continue;
            }
            for (Object key : m.keySet()) {
                if (!"name".equals(key) && !"mode".equals(key)) {
                    f.error(path + "." + key, "is not a known field; known: [mode, name]");
                }
            }
            Object mode = m.get("mode");
            Mode parsed = Mode.MIN;
            if (mode != null) {
                if (mode instanceof String s && (s.equalsIgnoreCase("min") || s.equalsIgnoreCase("max"))) {
                    parsed = Mode.valueOf(s.toUpperCase(Locale.ROOT));
                } else {
                    f.error(path + ".mode", "must be \"min\" or \"max\", got " + Fields.describe(mode));
                }
            }
            if (metrics.stream().anyMatch(x -> x.name().equals(name))) {
                f.error(path + ".name", "repeats metric \"" + name + "\"");
            }
            metrics.add(new Metric(name, parsed));
        }
        return List.copyOf(metrics);
    }

    private static Resource resource(Fields f, SearchSpace space) {
        Map<String, Object> json = f.object("resource");
        if (json == null) {
            return null;
        }
        Fields r = new Fields(json, "resource", errorsOf(f));
        r.onlyKnown(Set.of("attr", "max", "maxAttr"));
        String attr = r.string("attr", null, 100);
        if (attr == null && !r.has("attr")) {
            r.error("attr", "is required: the reported metric that carries the resource level");
        }
        Long max = r.integer("max", 1);
        String maxAttr = r.string("maxAttr", null, 100);
        if (max == null && maxAttr == null && !r.has("max") && !r.has("maxAttr") && space != null) {
            // Syne Tune's rule: without max_t or max_resource_attr, a constant epochs, max_t or max_epochs.
            for (String name : List.of("epochs", "max_t", "max_epochs")) {
                if (space.domain(name) instanceof ConstantDomain c && c.value() instanceof Long l && l >= 1) {
                    max = l;
                    break;
                }
            }
        }
        if (maxAttr != null && space != null) {
            Domain d = space.domain(maxAttr);
            if (d == null) {
                r.error("maxAttr", "names \"" + maxAttr + "\", which is not in the space");
            } else if (max == null
                    && !(d instanceof ConstantDomain c && c.value() instanceof Long l && l >= 1)
                    && !(d instanceof IntDomain)) {
                r.error("maxAttr", "\"" + maxAttr + "\" must be a positive integer constant or an integer domain");
            }
            if (max == null && d instanceof ConstantDomain c && c.value() instanceof Long l) {
                max = l;
            }
        }
        return attr == null ? null : new Resource(attr, max, maxAttr);
    }

    private static StoppingCriterion criterion(Fields f, List<Metric> metrics) {
        Map<String, Object> json = f.object("stoppingCriterion");
        if (json == null) {
            return StoppingCriterion.none();
        }
        Fields c = new Fields(json, "stoppingCriterion", errorsOf(f));
        c.onlyKnown(CRITERION_FIELDS);
        return new StoppingCriterion(
                c.number("maxWallclockTime", 0),
                c.integer("maxNumTrialsStarted", 0),
                c.integer("maxNumTrialsCompleted", 0),
                c.integer("maxNumTrialsFinished", 0),
                c.integer("maxNumEvaluations", 0),
                c.number("maxCost", 0),
                c.string("costAttr", null, 100),
                thresholds(c, "minMetricValue"),
                thresholds(c, "maxMetricValue"));
    }

    private static Map<String, Double> thresholds(Fields c, String name) {
        Map<String, Object> json = c.object(name);
        if (json == null) {
            return Map.of();
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        Fields t = new Fields(json, c.path(name), errorsOf(c));
        for (String metric : json.keySet()) {
            Double v = t.number(metric, Double.NEGATIVE_INFINITY);
            if (v != null) {
                thresholds.put(metric, v);
            }
        }
        return thresholds;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> pointsToEvaluate(Fields f, SearchSpace space) {
        if (!f.has("pointsToEvaluate")) {
            return List.of(space.midpoint());
        }
        List<?> list = f.list("pointsToEvaluate");
        if (list == null) {
            return List.of();
        }
        if (list.size() > MAX_POINTS_TO_EVALUATE) {
            f.error("pointsToEvaluate", "must have at most " + MAX_POINTS_TO_EVALUATE + " entries");
            return List.of();
        }
        List<Map<String, Object>> points = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "pointsToEvaluate[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> partial)) {
                f.error(path, "must be an object (a possibly partial config)");
                continue;
            }
            try {
                Map<String, Object> config = space.complete((Map<String, Object>) partial, path);
                if (seen.add(space.matchString(config))) {
                    points.add(config);
                }
            } catch (InvalidInputException e) {
                errorsOf(f).addAll(e.errors());
            }
        }
        return List.copyOf(points);
    }

    private static List<FieldError> errorsOf(Fields f) {
        return f.errors();
    }
}
