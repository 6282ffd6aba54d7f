package dev.attune.space;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A real in the closed interval [lower, upper]: {@code uniform}, or {@code loguniform} when {@code log}. */
public record FloatDomain(double lower, double upper, boolean log) implements Domain {

    public FloatDomain {
        if (!(lower <= upper)) {
            throw new InvalidValueException("lower must be <= upper");
        }
        if (log && lower <= 0) {
            throw new InvalidValueException("lower must be > 0 for a log scale");
        }
    }

    @Override
    public String type() {
        return log ? "loguniform" : "uniform";
    }

    @Override
    public Object sample(SplittableRandom random) {
        return fromUnit(random.nextDouble());
    }

    @Override
    public Object midpoint() {
        return fromUnit(0.5);
    }

    @Override
    public Object validate(Object value) {
        double v = Values.number(value);
        if (v < lower || v > upper) {
            throw new InvalidValueException("must be in [" + lower + ", " + upper + "], got " + v);
        }
        return v;
    }

    @Override
    public int encodedSize() {
        return 1;
    }

    @Override
    public void encode(Object value, double[] target, int offset) {
        double v = ((Number) value).doubleValue();
        target[offset] = lower == upper
                ? 0.5
                : log
                        ? (Math.log(v) - Math.log(lower)) / (Math.log(upper) - Math.log(lower))
                        : (v - lower) / (upper - lower);
    }

    @Override
    public Object decode(double[] source, int offset) {
        return fromUnit(Values.clip01(source[offset]));
    }

    private double fromUnit(double u) {
        double v =
                log ? Math.exp(Math.log(lower) + u * (Math.log(upper) - Math.log(lower))) : lower + u * (upper - lower);
        // exp/log and the affine map can leave the interval by an ulp; a decoded value must stay valid.
        return Math.min(upper, Math.max(lower, v));
    }

    @Override
    public List<Object> values() {
        return List.of();
    }

    @Override
    public String matchString(Object value) {
        return Values.formatReal(((Number) value).doubleValue());
    }

    @Override
    public Object toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type());
        json.put("lower", lower);
        json.put("upper", upper);
        return json;
    }
}
