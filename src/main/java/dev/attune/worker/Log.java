package dev.attune.worker;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** The worker's console: one line per event, prefixed with the time. */
final class Log {
    synchronized void info(String message) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + message);
    }

    synchronized void warn(String message) {
        System.err.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " WARN " + message);
    }
}
