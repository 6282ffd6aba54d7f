package dev.attune.searcher;

import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Syne Tune's {@code ZeroShotTransfer} (Wistuba et al., ICDM 2015): the configs of earlier tasks, picked
 * greedily so that each next one most lowers the mean over tasks of the best per-task rank reached so far
 * (rank among the candidates on that task, smaller is better); then, once the list is used up, random
 * search (which also evaluates {@code pointsToEvaluate}).
 *
 * <p>Candidates are the distinct configs of all tasks. With {@code sortTransferLearningEvaluations}
 * (default) the same config is recognized across tasks by its value; without it the i-th evaluation of
 * every task is taken to be the same config (Syne Tune's "already in the same order"), which needs tasks
 * of equal sizes. A config a task did not evaluate ranks on that task behind all it did evaluate, unless
 * {@code useSurrogates} imputes its value from the task's evaluations.
 *
 * <p>Implementation notes: Syne Tune's surrogate is XGBoost over fresh random configs; Attune imputes
 * with inverse-distance-weighted {@value #NEIGHBOURS}-nearest neighbours in the encoded space over the
 * earlier tasks' own configs. Syne Tune's searcher returns nothing once its list is used up; Attune goes
 * on with random search. The list holds at most {@value #MAX_PICKS} configs and is computed at the first
 * proposal, from the study's definition alone, so that replay reaches the same list.
 */
public final class ZeroShotSearcher implements Searcher {
    static final String KEY = "zeroShotNext";
    static final int MAX_PICKS = 500;
    static final int NEIGHBOURS = 5;
    static final int MAX_SURROGATE_EVALUATIONS = 5_000;
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.bool(
                    "sortTransferLearningEvaluations",
                    true,
                    "match configs across tasks by value (true) or by position in each task's list (false)"),
            OptionSpec.bool(
                    "useSurrogates",
                    false,
                    "impute a config's value on tasks that did not evaluate it (nearest neighbours)"));

    private final SearchSpace space;
    private final List<TransferTask> tasks;
    private final Metric metric;
    private final boolean sort;
    private final boolean surrogates;
    private final boolean allowDuplicates;
    private final ExclusionList excluded;
    private final RandomSearcher random;
    private List<Map<String, Object>> order;
    private int next;

    public ZeroShotSearcher(SearcherContext context) {
        if (context.transfer().isEmpty()) {
            throw InvalidInputException.of(
                    "transferEvaluations",
                    "is required by ZeroShotTransfer: earlier tasks' evaluations (transferEvaluations or transferFrom)");
        }
        this.space = context.space();
        this.tasks = context.transfer();
        this.metric = context.metrics().getFirst();
        this.sort = context.options().bool("sortTransferLearningEvaluations");
        this.surrogates = context.options().bool("useSurrogates");
        if (!sort) {
            int n = tasks.getFirst().evaluations().size();
            if (tasks.stream().anyMatch(t -> t.evaluations().size() != n)) {
                throw InvalidInputException.of(
                        "options.sortTransferLearningEvaluations",
                        "false needs every task to list the same configs in the same order (equal sizes)");
            }
        }
        if (surrogates && tasks.stream().mapToInt(t -> t.evaluations().size()).sum() > MAX_SURROGATE_EVALUATIONS) {
            throw InvalidInputException.of(
                    "options.useSurrogates", "supports at most " + MAX_SURROGATE_EVALUATIONS + " evaluations in all");
        }
        this.allowDuplicates = context.allowDuplicates();
        this.excluded = new ExclusionList(space);
        this.random = new RandomSearcher(context);
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        List<Map<String, Object>> list = order();
        for (int i = next; i < list.size(); i++) {
            if (allowDuplicates || !excluded.contains(list.get(i))) {
                return Optional.of(new Proposal(list.get(i), Map.of(KEY, i + 1)));
            }
        }
        return random.propose(trialId);
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        if (memo.get(KEY) instanceof Number n) {
            next = n.intValue();
        }
        excluded.add(config);
        random.onTrialAdded(trialId, config, memo);
    }

    /** The zero-shot list, computed once (a cache: the same for the same definition). */
    List<Map<String, Object>> order() {
        if (order == null) {
            order = order(space, tasks, metric, sort, surrogates, MAX_PICKS);
        }
        return order;
    }

    /**
     * The greedy list of at most {@code limit} configs: each pick minimizes the mean over tasks of
     * min(rank of the pick, best rank already picked), as Syne Tune's {@code get_config}; once every task
     * has reached its best remaining rank, ranks are recomputed over the candidates left.
     */
    public static List<Map<String, Object>> order(
            SearchSpace space, List<TransferTask> tasks, Metric metric, boolean sort, boolean surrogates, int limit) {
        double sign = metric.mode() == Mode.MAX ? -1 : 1;
        List<Map<String, Object>> candidates = new ArrayList<>();
        int t = tasks.size();
        List<double[]> columns = new ArrayList<>(); // per candidate: its value on each task, NaN when missing
        if (sort) {
            Map<String, Integer> index = new LinkedHashMap<>();
            for (int k = 0; k < t; k++) {
                for (TransferTask.Evaluation e : tasks.get(k).evaluations()) {
                    String key = space.matchString(e.config());
                    Integer c = index.get(key);
                    if (c == null) {
                        c = candidates.size();
                        index.put(key, c);
                        candidates.add(e.config());
                        double[] column = new double[t];
                        Arrays.fill(column, Double.NaN);
                        columns.add(column);
                    }
                    double v = sign * e.metrics().get(metric.name());
                    double[] column = columns.get(c);
                    column[k] = Double.isNaN(column[k]) ? v : Math.min(column[k], v);
                }
            }
        } else {
            List<TransferTask.Evaluation> first = tasks.getFirst().evaluations();
            for (int c = 0; c < first.size(); c++) {
                candidates.add(first.get(c).config());
                double[] column = new double[t];
                for (int k = 0; k < t; k++) {
                    column[k] =
                            sign * tasks.get(k).evaluations().get(c).metrics().get(metric.name());
                }
                columns.add(column);
            }
        }
        if (surrogates) {
            impute(space, tasks, metric, sign, candidates, columns);
        }
        int n = candidates.size();
        double[][] scores = new double[t][n];
        for (int c = 0; c < n; c++) {
            for (int k = 0; k < t; k++) {
                scores[k][c] = columns.get(c)[k];
            }
        }
        boolean[] left = new boolean[n];
        Arrays.fill(left, true);
        double[][] ranks = ranks(scores, left);
        List<Map<String, Object>> picked = new ArrayList<>();
        while (picked.size() < Math.min(limit, n)) {
            int best = -1;
            double bestMean = Double.POSITIVE_INFINITY;
            for (int c = 0; c < n; c++) {
                if (!left[c]) {
                    continue;
                }
                double sum = 0;
                for (int k = 0; k < t; k++) {
                    sum += ranks[k][c];
                }
                if (sum < bestMean) {
                    bestMean = sum;
                    best = c;
                }
            }
            picked.add(candidates.get(best));
            left[best] = false;
            boolean flat = true;
            for (int k = 0; k < t; k++) {
                double cap = ranks[k][best];
                double seen = Double.NaN;
                for (int c = 0; c < n; c++) {
                    if (left[c]) {
                        ranks[k][c] = Math.min(ranks[k][c], cap);
                        if (Double.isNaN(seen)) {
                            seen = ranks[k][c];
                        } else if (ranks[k][c] != seen) {
                            flat = false;
                        }
                    }
                }
            }
            if (flat) {
                ranks = ranks(scores, left);
            }
        }
        return List.copyOf(picked);
    }

    /**
     * Per task, the rank of each candidate still left among those left (1 = best, ties share their mean
     * rank, a missing value ranks behind every present one), divided by the number left.
     */
    static double[][] ranks(double[][] scores, boolean[] left) {
        int t = scores.length;
        int n = left.length;
        double[][] ranks = new double[t][n];
        List<Integer> alive = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            if (left[c]) {
                alive.add(c);
            }
        }
        for (int k = 0; k < t; k++) {
            double[] s = scores[k];
            List<Integer> byValue = new ArrayList<>(alive);
            byValue.sort((a, b) -> Double.compare(key(s[a]), key(s[b])));
            int i = 0;
            while (i < byValue.size()) {
                int j = i;
                while (j + 1 < byValue.size() && key(s[byValue.get(j + 1)]) == key(s[byValue.get(i)])) {
                    j++;
                }
                double rank = (i + j) / 2.0 + 1;
                for (int m = i; m <= j; m++) {
                    ranks[k][byValue.get(m)] = rank / alive.size();
                }
                i = j + 1;
            }
        }
        return ranks;
    }

    private static double key(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    /** Fills each candidate's missing task values by inverse-distance-weighted nearest neighbours of that task. */
    private static void impute(
            SearchSpace space,
            List<TransferTask> tasks,
            Metric metric,
            double sign,
            List<Map<String, Object>> candidates,
            List<double[]> columns) {
        List<double[]> x = candidates.stream().map(space::encode).toList();
        for (int k = 0; k < tasks.size(); k++) {
            List<TransferTask.Evaluation> evaluations = tasks.get(k).evaluations();
            double[][] points =
                    evaluations.stream().map(e -> space.encode(e.config())).toArray(double[][]::new);
            double[] values = evaluations.stream()
                    .mapToDouble(e -> sign * e.metrics().get(metric.name()))
                    .toArray();
            int neighbours = Math.min(NEIGHBOURS, points.length);
            for (int c = 0; c < candidates.size(); c++) {
                if (!Double.isNaN(columns.get(c)[k])) {
                    continue;
                }
                double[] d = new double[points.length];
                Integer[] idx = new Integer[points.length];
                for (int p = 0; p < points.length; p++) {
                    double sq = 0;
                    for (int j = 0; j < points[p].length; j++) {
                        double diff = points[p][j] - x.get(c)[j];
                        sq += diff * diff;
                    }
                    d[p] = Math.sqrt(sq);
                    idx[p] = p;
                }
                Arrays.sort(idx, (a, b) -> Double.compare(d[a], d[b]));
                double weights = 0;
                double sum = 0;
                for (int m = 0; m < neighbours; m++) {
                    double w = 1 / (d[idx[m]] + 1e-9);
                    weights += w;
                    sum += w * values[idx[m]];
                }
                columns.get(c)[k] = sum / weights;
            }
        }
    }
}
