package dev.attune.space;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An ordered choice, encoded as one number so that neighbours are close ({@code ordinal}, {@code logordinal}).
 *
 * <p>For the nearest-neighbour kinds the values (or their logs) c₀ &lt; … &lt; c_{k−1} are covered by the
 * interval [1.5·c₀ − 0.5·c₁, 1.5·c_{k−1} − 0.5·c_{k−2}], so each end value owns half a gap beyond
 * itself, as Syne Tune's {@code OrdinalNearestNeighbor} does. Unless the values are equally spaced the
 * categories are then not equally likely.
 */
public record OrdinalDomain(List<Object> categories, OrdinalKind kind) implements Domain {

    public OrdinalDomain {
        categories = Categories.check(categories);
        if (kind != OrdinalKind.EQUAL && !Categories.strictlyIncreasingNumbers(categories)) {
            throw new InvalidValueException(
                    "kind " + kind.spelling() + " needs at least 2 strictly increasing numbers");
        }
        if (kind == OrdinalKind.NN_LOG && ((Number) categories.getFirst()).doubleValue() <= 0) {
            throw new InvalidValueException("kind nn-log needs positive categories");
        }
    }

    /** Syne Tune's default kind: {@code nn} for strictly increasing numbers, else {@code equal}. */
    public static OrdinalKind defaultKind(List<Object> categories) {
        return Categories.strictlyIncreasingNumbers(Categories.check(categories)) ? OrdinalKind.NN : OrdinalKind.EQUAL;
    }

    @Override
    public String type() {
        return "ordinal";
    }

    private double internal(int i) {
        double c = ((Number) categories.get(i)).doubleValue();
        return kind == OrdinalKind.NN_LOG ? Math.log(c) : c;
    }

    private double lo() {
        return 1.5 * internal(0) - 0.5 * internal(1);
    }

    private double hi() {
        int k = categories.size();
        return 1.5 * internal(k - 1) - 0.5 * internal(k - 2);
    }

    private int nearest(double x) {
        int best = 0;
        for (int i = 1; i < categories.size(); i++) {
            if (Math.abs(internal(i) - x) < Math.abs(internal(best) - x)) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public Object sample(SplittableRandom random) {
        return kind == OrdinalKind.EQUAL
                ? categories.get(random.nextInt(categories.size()))
                : categories.get(nearest(lo() + random.nextDouble() * (hi() - lo())));
    }

    @Override
    public Object midpoint() {
        if (kind == OrdinalKind.EQUAL) {
            return categories.get(categories.size() / 2);
        }
        return categories.get(nearest(0.5 * (internal(0) + internal(categories.size() - 1))));
    }

    @Override
    public Object validate(Object value) {
        return Categories.find(categories, value);
    }

    @Override
    public int encodedSize() {
        return 1;
    }

    @Override
    public void encode(Object value, double[] target, int offset) {
        int i = Categories.indexOf(categories, value);
        target[offset] =
                kind == OrdinalKind.EQUAL ? (i + 0.5) / categories.size() : (internal(i) - lo()) / (hi() - lo());
    }

    @Override
    public Object decode(double[] source, int offset) {
        double u = Values.clip01(source[offset]);
        if (kind == OrdinalKind.EQUAL) {
            return categories.get(Math.min(categories.size() - 1, (int) Math.floor(u * categories.size())));
        }
        return categories.get(nearest(lo() + u * (hi() - lo())));
    }

    @Override
    public List<Object> values() {
        return categories;
    }

    @Override
    public String matchString(Object value) {
        return Integer.toString(Categories.indexOf(categories, value));
    }

    @Override
    public Object toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", kind == OrdinalKind.NN_LOG ? "logordinal" : "ordinal");
        json.put("categories", categories);
        if (kind != OrdinalKind.NN_LOG) {
            json.put("kind", kind.spelling());
        }
        return json;
    }
}
