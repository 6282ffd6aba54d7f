package dev.attune.space;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A real in the closed interval [lower, upper]: {@code uniform}, {@code loguniform} ({@code exp(x)}, x
 * uniform in [log lower, log upper]) or {@code reverseloguniform} (values near 1 resolved finely: {@code
 * 1 − exp(−x)}, x uniform in [−log(1 − lower), −log(1 − upper)]), each sampled, encoded and decoded on
 * its scale. With a quantum {@code q} ({@code quniform}, {@code qloguniform}) every value is a multiple
 * of q, {@code round(v / q) · q} as in Syne Tune, kept inside the interval.
 */
public record FloatDomain(double lower, double upper, Scale scale, Double q) implements Domain {
    /** The scale a real is sampled and encoded on. */
    public enum Scale {
        LINEAR,
        LOG,
        REVERSE_LOG
    }

    public FloatDomain(double lower, double upper, boolean log) {
        this(lower, upper, log ? Scale.LOG : Scale.LINEAR, null);
    }

    public FloatDomain {
        if (!(lower <= upper)) {
            throw new InvalidValueException("lower must be <= upper");
        }
        if (scale == Scale.LOG && lower <= 0) {
            throw new InvalidValueException("lower must be > 0 for a log scale");
        }
        if (scale == Scale.REVERSE_LOG && (lower < 0 || upper >= 1)) {
            throw new InvalidValueException("reverseloguniform needs 0 <= lower <= upper < 1");
        }
        if (q != null) {
            if (!(q > 0) || Double.isInfinite(q)) {
                throw new InvalidValueException("q must be a positive number");
            }
            if (Math.ceil(lower / q - 1e-9) * q > upper + 1e-9 * q) {
                throw new InvalidValueException("no multiple of q = " + q + " lies in [" + lower + ", " + upper + "]");
            }
        }
    }

    /** Whether values are drawn and encoded on a log scale. */
    public boolean log() {
        return scale == Scale.LOG;
    }

    @Override
    public String type() {
        String base =
                switch (scale) {
                    case LINEAR -> "uniform";
                    case LOG -> "loguniform";
                    case REVERSE_LOG -> "reverseloguniform";
                };
        return q == null ? base : "q" + base;
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
        if (q != null && Math.abs(v / q - Math.rint(v / q)) > 1e-9) {
            throw new InvalidValueException("must be a multiple of q = " + q + ", got " + v);
        }
        return v;
    }

    @Override
    public int encodedSize() {
        return 1;
    }

    /** The value on the domain's scale, where sampling is uniform. */
    private double toScale(double v) {
        return switch (scale) {
            case LINEAR -> v;
            case LOG -> Math.log(v);
            case REVERSE_LOG -> -Math.log1p(-v);
        };
    }

    private double fromScale(double x) {
        return switch (scale) {
            case LINEAR -> x;
            case LOG -> Math.exp(x);
            case REVERSE_LOG -> -Math.expm1(-x);
        };
    }

    @Override
    public void encode(Object value, double[] target, int offset) {
        double v = ((Number) value).doubleValue();
        target[offset] = lower == upper ? 0.5 : (toScale(v) - toScale(lower)) / (toScale(upper) - toScale(lower));
    }

    @Override
    public Object decode(double[] source, int offset) {
        return fromUnit(Values.clip01(source[offset]));
    }

    private double fromUnit(double u) {
        double v = fromScale(toScale(lower) + u * (toScale(upper) - toScale(lower)));
        // exp/log and the affine map can leave the interval by an ulp; a decoded value must stay valid.
        return quantize(Math.min(upper, Math.max(lower, v)));
    }

    /** The multiple of q nearest to {@code v} inside the interval; {@code v} itself without a quantum. */
    public double quantize(double v) {
        if (q == null) {
            return v;
        }
        long k = Math.round(v / q);
        double x = multiple(k);
        if (x > upper) {
            x = multiple(k - 1);
        } else if (x < lower) {
            x = multiple(k + 1);
        }
        return x;
    }

    /** k · q without binary round-off: 3 · 0.1 is 0.3, not 0.30000000000000004. */
    private double multiple(long k) {
        return BigDecimal.valueOf(k).multiply(BigDecimal.valueOf(q)).doubleValue();
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
        if (q != null) {
            json.put("q", q);
        }
        return json;
    }
}
