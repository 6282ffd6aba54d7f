package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Earlier tasks' evaluations as extra GP training data (Syne Tune's warm-starting transfer kernel,
 * {@code transfer_learning_model}): each earlier task's targets standardized on their own, the task
 * encoded as one-hot coordinates appended to the config's encoding.
 *
 * <p>{@code matern52_product}: the one-hot code has T + 1 coordinates (the T earlier tasks, then the
 * active one), all sharing one length scale ℓₜ, as Syne Tune's non-ARD Matern over the task, and the kernel
 * is Syne Tune's product of an ARD Matern 5/2 over the config and that Matern over the code
 * ({@link dev.attune.math.Matern52Kernel#productFrom}): within a task it is the plain ARD kernel, across
 * two tasks the same kernel times ρ = u(√2/ℓₜ) ∈ (0, 1), so a long ℓₜ shares the earlier tasks' data and a
 * short one discounts it. Because ℓₜ is shared, how alike the active task is to the earlier ones is
 * learned from how alike the earlier tasks are to each other before the active task has any
 * observation. {@code matern52_same}: no code, the task is ignored (earlier evaluations are taken as
 * evaluations of the active task).
 *
 * @param inputs the transferred rows' model inputs (config encoding, then the code)
 * @param configs the transferred rows' config encodings alone
 * @param targets their targets, standardized within each task (lower is better)
 * @param suffix the active task's code, appended to the active task's configs (empty for matern52_same)
 *
 * <p>{@code rawScale} is the earlier tasks' mean spread in raw units: the active task's scale while its own
 * results have none (none yet, or all equal), so that raw quantities such as auto-termination's regret bound
 * stay in the metric's units.
 */
record TransferData(double[][] inputs, double[][] configs, double[] targets, double[] suffix, double rawScale) {

    static final String MODEL = "transferLearningModel";
    static final String MAX_POINTS = "transferMaxPoints";

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.oneOf(
                    MODEL,
                    "none",
                    List.of("none", "matern52_product", "matern52_same"),
                    "warm-start the GP with the earlier tasks' evaluations (transferEvaluations or transferFrom):"
                            + " a kernel over config and task (matern52_product), or one that ignores the task"
                            + " (matern52_same); none ignores them"),
            OptionSpec.integer(
                    MAX_POINTS,
                    300L,
                    1,
                    "earlier tasks' evaluations the GP keeps at most (best maxSizeTopFraction of them plus a"
                            + " random sample), on top of the new task's"));

    /**
     * The transfer data the options ask for, or null for {@code none} and when no earlier task has an
     * evaluation of the metric (the searcher is then plain BO, proposal for proposal).
     */
    static TransferData of(
            Options options, List<TransferTask> tasks, SearchSpace space, String metric, boolean maximize, long seed) {
        if (!options.has(MODEL) || options.string(MODEL) == null) {
            return null; // options of a searcher that does not offer the transfer kernel
        }
        String model = options.string(MODEL).toLowerCase(Locale.ROOT);
        if (model.equals("none")) {
            return null;
        }
        boolean product = model.equals("matern52_product");
        int t = tasks.size();
        List<double[]> configs = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        List<Integer> taskOf = new ArrayList<>();
        double scales = 0;
        int scaled = 0;
        for (int i = 0; i < t; i++) {
            List<double[]> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (TransferTask.Evaluation e : tasks.get(i).evaluations()) {
                Double v = e.metrics().get(metric);
                if (v == null || !Double.isFinite(v)) {
                    continue;
                }
                xs.add(space.encode(e.config()));
                ys.add(maximize ? -v : v);
            }
            double[] raw = ys.stream().mapToDouble(Double::doubleValue).toArray();
            double[] standardized = GpModel.standardize(raw);
            if (raw.length > 1) {
                scales += GpModel.scale(raw);
                scaled++;
            }
            for (int r = 0; r < xs.size(); r++) {
                configs.add(xs.get(r));
                targets.add(standardized[r]);
                taskOf.add(i);
            }
        }
        if (configs.isEmpty()) {
            return null; // nothing to transfer (no earlier task, or none with the metric): plain BO
        }
        double[] y = targets.stream().mapToDouble(Double::doubleValue).toArray();
        int[] rows = Subsample.rows(
                y,
                y.length,
                (int) options.integer(MAX_POINTS),
                options.number("maxSizeTopFraction"),
                SeededRandom.of(seed, "gp-transfer-subsample", 0));
        int code = product ? t + 1 : 0;
        double[][] inputs = new double[rows.length][];
        double[][] kept = new double[rows.length][];
        double[] keptY = new double[rows.length];
        for (int a = 0; a < rows.length; a++) {
            double[] x = configs.get(rows[a]);
            kept[a] = x;
            keptY[a] = y[rows[a]];
            inputs[a] = Arrays.copyOf(x, x.length + code);
            if (product) {
                inputs[a][x.length + taskOf.get(rows[a])] = 1;
            }
        }
        double[] suffix = new double[code];
        if (product) {
            suffix[t] = 1;
        }
        return new TransferData(inputs, kept, keptY, suffix, scaled == 0 ? 1 : scales / scaled);
    }

    /** The coordinates the code adds to the config's encoding. */
    int extraInputs() {
        return suffix.length;
    }

    /** An active-task config's model input: its encoding followed by the active task's code. */
    double[] active(double[] config) {
        if (suffix.length == 0) {
            return config;
        }
        double[] x = Arrays.copyOf(config, config.length + suffix.length);
        System.arraycopy(suffix, 0, x, config.length, suffix.length);
        return x;
    }
}
