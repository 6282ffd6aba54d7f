/**
 * Small tree ensembles in plain Java for the model-based searchers: gradient-boosted trees (Newton steps
 * on the logistic loss as XGBoost's defaults, gradient steps on the pinball loss as scikit-learn's
 * quantile {@code GradientBoostingRegressor}), a random-forest classifier, logistic regression, and a
 * conformalized quantile regressor. Inputs are plain numeric vectors; everything is deterministic given
 * its seed.
 */
@NullMarked
package dev.attune.math.boosting;

import org.jspecify.annotations.NullMarked;
