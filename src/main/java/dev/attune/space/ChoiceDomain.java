package dev.attune.space;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An unordered choice among categories, each equally likely ({@code choice}).
 *
 * <p>Encoded one-hot so that all pairs of categories are equally far apart; two categories use a
 * single number, as in Syne Tune.
 */
public record ChoiceDomain(List<Object> categories) implements Domain {

    public ChoiceDomain {
        categories = Categories.check(categories);
    }

    @Override
    public String type() {
        return "choice";
    }

    @Override
    public Object sample(SplittableRandom random) {
        return categories.get(random.nextInt(categories.size()));
    }

    @Override
    public Object midpoint() {
        return categories.getFirst();
    }

    @Override
    public Object validate(Object value) {
        return Categories.find(categories, value);
    }

    @Override
    public int encodedSize() {
        return categories.size() <= 2 ? 1 : categories.size();
    }

    @Override
    public void encode(Object value, double[] target, int offset) {
        int index = Categories.indexOf(categories, value);
        if (categories.size() <= 2) {
            target[offset] = index == 0 ? 0.25 : 0.75;
            return;
        }
        for (int i = 0; i < categories.size(); i++) {
            target[offset + i] = i == index ? 1 : 0;
        }
    }

    @Override
    public Object decode(double[] source, int offset) {
        if (categories.size() <= 2) {
            return categories.get(source[offset] < 0.5 || categories.size() == 1 ? 0 : 1);
        }
        int best = 0;
        for (int i = 1; i < categories.size(); i++) {
            if (source[offset + i] > source[offset + best]) {
                best = i;
            }
        }
        return categories.get(best);
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
        json.put("type", type());
        json.put("categories", categories);
        return json;
    }
}
