/** See docs/architecture.md for what this package holds and may use. */
@NullMarked
package dev.attune.space;

import org.jspecify.annotations.NullMarked;
