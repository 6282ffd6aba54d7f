/**
 * The built-in dashboard: the page routes, the query models behind its charts (summaries, downsampled
 * series, importance, export, the event stream) and, under {@code src/main/resources/static}, its assets.
 * It reads the study service and the store's tables; nothing else depends on it.
 */
@NullMarked
package dev.attune.web;

import org.jspecify.annotations.NullMarked;
