package dev.attune.space;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One entry of a search space: a hyperparameter with a range, or a constant.
 *
 * <p>Values are plain Java objects: {@link Double} for reals, {@link Long} for integers, and the
 * category's own value for categoricals. Every domain encodes to {@link #encodedSize()} numbers in
 * [0, 1] for model-based searchers, and any vector in [0, 1] decodes to a valid value.
 */
public sealed interface Domain
        permits FloatDomain, IntDomain, ChoiceDomain, OrdinalDomain, FiniteRangeDomain, ConstantDomain {

    /** The spelling of this domain's type in a space, e.g. {@code loguniform}. */
    String type();

    Object sample(SplittableRandom random);

    /** Syne Tune's mid-point rule: middle of the range (geometric in log scale), first category. */
    Object midpoint();

    /**
     * Checks a value from a client and returns it in canonical form (e.g. {@code 3.0} for an integer
     * domain becomes {@code 3L}), or throws {@link InvalidValueException} saying why it is invalid.
     */
    Object validate(Object value);

    int encodedSize();

    void encode(Object value, double[] target, int offset);

    Object decode(double[] source, int offset);

    /** The values of a finite domain in order, or an empty list when the domain is continuous. */
    List<Object> values();

    default boolean isFinite() {
        return !values().isEmpty();
    }

    /** A string equal for two values exactly when a searcher should treat them as the same. */
    String matchString(Object value);

    /** This domain as it is written in a space (the inverse of {@link SpaceParser}). */
    Object toJson();

    default boolean isConstant() {
        return false;
    }
}
