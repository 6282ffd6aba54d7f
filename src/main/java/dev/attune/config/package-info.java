/** See docs/architecture.md for what this package holds and may use. */
@NullMarked
package dev.attune.config;

import org.jspecify.annotations.NullMarked;
