/**
 * Hyperparameter importance by functional ANOVA of a random forest (fANOVA): plain Java, no Spring, no
 * domain types; parameters arrive as numeric intervals or categorical indices.
 */
@NullMarked
package dev.attune.math.importance;

import org.jspecify.annotations.NullMarked;
