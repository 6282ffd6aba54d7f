package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.math.GaussianProcess;
import dev.attune.math.ResourceKernel;
import dev.attune.space.Domain;
import dev.attune.space.FloatDomain;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The multi-fidelity models on crossing learning curves (bench quality's {@code crossing} function): a
 * config's final value predicted from the results of other configs and its own early epochs.
 */
class ResourceGpModelTest {
    static final SearchSpace SPACE = space();

    /** In a fixed order: the encoding's dimensions, and so every fit and number here, repeat across JVMs. */
    private static SearchSpace space() {
        Map<String, Domain> domains = new LinkedHashMap<>();
        domains.put("x1", new FloatDomain(-5, 10, false));
        domains.put("x2", new FloatDomain(0, 15, false));
        domains.put("lr", new FloatDomain(0.01, 1, true));
        return new SearchSpace(domains);
    }

    static final long[] LEVELS = {1, 3, 9, 27};

    static double crossing(Map<String, Object> c, long epoch) {
        double x1 = (Double) c.get("x1");
        double x2 = (Double) c.get("x2");
        double lr = (Double) c.get("lr");
        double a = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
        double branin = a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
        return branin + 15 * lr + 30 * Math.exp(-1.5 * lr * epoch);
    }

    static Map<String, Object> config(SplittableRandom r) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("x1", -5 + 15 * r.nextDouble());
        c.put("x2", 15 * r.nextDouble());
        c.put("lr", Math.exp(Math.log(0.01) + r.nextDouble() * Math.log(100)));
        return c;
    }

    /** The model's inputs: encoded config, then the level as the searcher scales it. */
    static double[] input(Map<String, Object> c, long level, boolean logScale) {
        double[] x = SPACE.encode(c);
        double[] full = java.util.Arrays.copyOf(x, x.length + 1);
        full[x.length] = logScale ? Math.log(level) / Math.log(27) : level / 27.0;
        return full;
    }

    interface Predictor {
        double predict(double[] x);
    }

    /**
     * Mean absolute error at level 27 over held-out configs observed at 1, 3 and 9, training on an
     * ASHA-like set: 60 configs at 1 and 3, 20 at 9, 7 at 27 (plus the held-out configs' early levels).
     */
    static double error(String model, String kernel, long seed) {
        Options options = Options.parse(
                Map.of("model", model, "gpResourceKernel", kernel), GpMultiFidelitySearcher.MOBSTER_OPTIONS);
        boolean joint = kernel.equals("matern52") && model.equals("gp_multitask");
        SplittableRandom r = new SplittableRandom(seed);
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Map<String, Object> c = config(r);
            int top = i < 7 ? 4 : i < 20 ? 3 : 2;
            for (int l = 0; l < top; l++) {
                xs.add(input(c, LEVELS[l], joint));
                ys.add(crossing(c, LEVELS[l]));
            }
        }
        List<Map<String, Object>> heldOut = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Map<String, Object> c = config(r);
            heldOut.add(c);
            for (int l = 0; l < 3; l++) {
                xs.add(input(c, LEVELS[l], joint));
                ys.add(crossing(c, LEVELS[l]));
            }
        }
        GpModel.Posterior post;
        if (joint) {
            GpModel m = new GpModel("t", GpModel.Settings.of(options, seed, SPACE, 1));
            for (int i = 0; i < xs.size(); i++) {
                m.add(xs.get(i), ys.get(i));
            }
            post = m.posterior(List.of(), 0, new SplittableRandom(1));
        } else {
            ResourceKernel.Shape shape = new ResourceKernel.Shape(
                    model.equals("gp_independent") ? ResourceKernel.Type.INDEPENDENT : ResourceKernel.Type.of(kernel),
                    3,
                    true,
                    new double[] {1 / 27.0, 3 / 27.0, 9 / 27.0, 1},
                    false);
            ResourceGpModel m = new ResourceGpModel("t", ResourceGpModel.Settings.of(options, seed, shape));
            for (int i = 0; i < xs.size(); i++) {
                m.add(xs.get(i), ys.get(i));
            }
            post = m.posterior(List.of(), 0, new SplittableRandom(1));
        }
        GaussianProcess gp = post.gp();
        double error = 0;
        for (Map<String, Object> c : heldOut) {
            double predicted = post.mean() + post.scale() * gp.means(input(c, 27, joint))[0];
            error += Math.abs(predicted - crossing(c, 27));
        }
        return error / heldOut.size();
    }

    static double meanError(String model, String kernel) {
        double total = 0;
        for (long seed = 1; seed <= 5; seed++) {
            total += error(model, kernel, seed);
        }
        return total / 5;
    }

    /**
     * Seeds 1–5: exp-decay-combined's error is below the joint Matern's (1.07 against 2.56 on the final
     * code, 1.69 on an earlier build whose fit kept BOBYQA's reported value; 3.88 when fits were capped at
     * 100 observations and 100 evaluations), and gp_independent, which reads level 27 from the few configs
     * that reached it, is far worse than both (31).
     */
    @Test
    void expDecayCombinedPredictsAHeldOutCrossingCurveBetterThanTheJointMatern() {
        double joint = meanError("gp_multitask", "matern52");
        double combined = meanError("gp_multitask", "exp-decay-combined");
        System.out.printf("held-out final value MAE: joint Matern %.3f, exp-decay-combined %.3f%n", joint, combined);
        assertThat(combined).isLessThan(joint);
    }

    @Test
    void fitsAndPredictionsAreDeterministicGivenTheSeed() {
        assertThat(error("gp_multitask", "exp-decay-sum", 3)).isEqualTo(error("gp_multitask", "exp-decay-sum", 3));
        assertThat(error("gp_independent", "exp-decay-sum", 3)).isEqualTo(error("gp_independent", "exp-decay-sum", 3));
    }
}
