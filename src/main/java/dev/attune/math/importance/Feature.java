package dev.attune.math.importance;

/**
 * One input of the importance analysis: a number in [lower, upper] or one of {@code categories}
 * categories, given as its index 0 … categories − 1. The analysis measures variance under the uniform
 * distribution over this space, so a numeric feature should be on the scale its parameter is sampled on
 * (the log for a log-uniform one).
 */
public record Feature(String name, int categories, double lower, double upper) {
    public Feature {
        if (categories < 0 || categories == 1) {
            throw new IllegalArgumentException(name + ": a categorical feature needs at least 2 categories");
        }
        if (categories == 0 && !(lower < upper)) {
            throw new IllegalArgumentException(name + ": a numeric feature needs lower < upper");
        }
    }

    public static Feature numeric(String name, double lower, double upper) {
        return new Feature(name, 0, lower, upper);
    }

    public static Feature categorical(String name, int categories) {
        return new Feature(name, categories, 0, categories);
    }

    public boolean isCategorical() {
        return categories > 0;
    }
}
