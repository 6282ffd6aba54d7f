/** Plain-Java analyses behind the dashboard's charts: no Spring, no database. */
@NullMarked
package dev.attune.web.analysis;

import org.jspecify.annotations.NullMarked;
