package dev.attune.api;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells a database that cannot be reached (refused, cut mid-transaction, pool timed out waiting for a
 * connection) from a genuine server fault: the first answers 503 with {@code Retry-After}, since the
 * request was not applied and the same request will succeed once the database is back.
 */
final class DatabaseFaults {
    static final long RETRY_AFTER_SECONDS = 2;

    private DatabaseFaults() {}

    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CannotCreateTransactionException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            // SQLSTATE class 08: connection exception; 57P01..57P03: the server is shutting down or
            // not accepting connections yet.
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
            // A connection the pool already closed after a broken link; met when the rollback of a
            // failed transaction replaces its original error (the transaction did not commit).
            if (t instanceof SQLException sql
                    && sql.getMessage() != null
                    && sql.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connection is closed")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message, for the log line of a 503. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
