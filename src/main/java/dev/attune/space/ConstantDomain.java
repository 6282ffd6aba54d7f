package dev.attune.space;

import java.util.List;
import java.util.SplittableRandom;

/** A fixed value of any JSON type, passed to every trial unchanged (Syne Tune's non-domain entries). */
public record ConstantDomain(Object value) implements Domain {

    @Override
    public String type() {
        return "constant";
    }

    @Override
    public Object sample(SplittableRandom random) {
        return value;
    }

    @Override
    public Object midpoint() {
        return value;
    }

    @Override
    public Object validate(Object candidate) {
        if (!Values.same(Values.canonical(candidate), value)) {
            throw new InvalidValueException(
                    "is the constant " + Values.describe(value) + ", got " + Values.describe(candidate));
        }
        return value;
    }

    @Override
    public int encodedSize() {
        return 0;
    }

    @Override
    public void encode(Object v, double[] target, int offset) {}

    @Override
    public Object decode(double[] source, int offset) {
        return value;
    }

    @Override
    public List<Object> values() {
        return List.of(value);
    }

    @Override
    public String matchString(Object v) {
        return "";
    }

    @Override
    public Object toJson() {
        return value;
    }

    @Override
    public boolean isConstant() {
        return true;
    }
}
