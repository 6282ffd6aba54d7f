package dev.attune.space;

import java.util.Locale;

/** How an ordinal is sampled and encoded, with Syne Tune's spellings. */
public enum OrdinalKind {
    /** Positions 0..k−1 drawn with equal probability; encoded as an integer index. */
    EQUAL("equal"),
    /** A real drawn from an interval covering the values, snapped to the nearest value. */
    NN("nn"),
    /** As {@link #NN} in log scale. */
    NN_LOG("nn-log");

    private final String spelling;

    OrdinalKind(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    public static OrdinalKind parse(String s) {
        for (OrdinalKind k : values()) {
            if (k.spelling.equals(s.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new InvalidValueException("must be one of equal, nn, nn-log, got \"" + s + "\"");
    }
}
