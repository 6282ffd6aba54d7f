package dev.attune.math.boosting;

/** A fitted binary classifier. */
public interface Classifier {
    /** The probability that x belongs to the positive class. */
    double probability(double[] x);
}
