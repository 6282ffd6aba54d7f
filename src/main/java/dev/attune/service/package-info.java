/** See docs/architecture.md for what this package holds and may use. */
@NullMarked
package dev.attune.service;

import org.jspecify.annotations.NullMarked;
