package dev.attune.service;

import dev.attune.math.importance.Fanova;
import dev.attune.math.importance.Feature;
import dev.attune.space.ChoiceDomain;
import dev.attune.space.Domain;
import dev.attune.space.InvalidValueException;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A study's parameter importance by fANOVA ({@link Fanova}): the share of the objective's variance over
 * the search space that each parameter's main effect explains, from a random forest fitted on the given
 * trials. Plain Java (the dashboard's {@code ParamQueries} reads the trials and calls it).
 *
 * <p>Implementation note: the variance is taken under the uniform distribution over the space as the
 * searchers sample it, so each numeric parameter enters on its domain's own encoded scale (log-uniform
 * ones by their logarithm, integers with equal room for each value) and a {@code choice} as its
 * category, each of equal weight. Constants and single-category choices are left out. Trials whose
 * config does not fit the space (edited by hand, say) are skipped.
 */
public final class ParameterImportance {
    /** Optuna's default forest, with a fixed seed: the same trials always give the same answer. */
    public static final Fanova.Options FOREST = Fanova.Options.defaults(0);

    private ParameterImportance() {}

    /** One trial: its config and its objective (smaller is better). */
    public record Observation(Map<String, Object> config, double objective) {}

    /** A parameter's mean share of a tree's variance and its standard deviation across the trees. */
    public record Share(String name, double importance, double std) {}

    /** The shares, largest first; {@code trialsUsed} the trials the forest was fitted on. */
    public record Result(int trialsUsed, int trees, List<Share> params) {}

    public static Result of(SearchSpace space, List<Observation> trials) {
        List<String> names = new ArrayList<>();
        List<Feature> features = new ArrayList<>();
        space.entries().forEach((name, domain) -> {
            if (!domain.isConstant()
                    && !(domain instanceof ChoiceDomain c && c.categories().size() < 2)) {
                names.add(name);
                features.add(
                        domain instanceof ChoiceDomain c
                                ? Feature.categorical(name, c.categories().size())
                                : Feature.numeric(name, 0, 1));
            }
        });
        List<double[]> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Observation t : trials) {
            double[] row = encode(space, names, t.config());
            if (row != null && Double.isFinite(t.objective())) {
                x.add(row);
                y.add(t.objective());
            }
        }
        List<Share> shares = new ArrayList<>();
        if (features.isEmpty() || x.size() < 2) {
            names.forEach(n -> shares.add(new Share(n, 0, 0)));
            return new Result(x.size(), 0, shares);
        }
        Fanova fanova = Fanova.fit(
                features,
                x.toArray(double[][]::new),
                y.stream().mapToDouble(Double::doubleValue).toArray(),
                FOREST);
        for (int i = 0; i < names.size(); i++) {
            Fanova.Share s = fanova.mainEffect(i);
            shares.add(new Share(names.get(i), s.mean(), s.std()));
        }
        shares.sort(Comparator.comparingDouble(Share::importance).reversed());
        return new Result(x.size(), fanova.treesUsed(), shares);
    }

    /** The config's features, or null when it lacks a parameter or holds a value outside the space. */
    private static double @Nullable [] encode(SearchSpace space, List<String> names, Map<String, Object> config) {
        double[] row = new double[names.size()];
        try {
            for (int i = 0; i < names.size(); i++) {
                Domain domain = space.domain(names.get(i));
                Object value = config.get(names.get(i));
                if (value == null) {
                    return null;
                }
                // validate() canonicalises (3.0 → 3 for an integer, a category to the space's own object).
                Object valid = domain.validate(value);
                if (domain instanceof ChoiceDomain c) {
                    row[i] = c.categories().indexOf(valid);
                } else {
                    double[] one = new double[1];
                    domain.encode(valid, one, 0);
                    row[i] = one[0];
                }
            }
        } catch (InvalidValueException e) { // not a point of this space
            return null;
        }
        return row;
    }
}
