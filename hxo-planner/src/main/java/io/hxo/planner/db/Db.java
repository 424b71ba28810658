package io.hxo.planner.db;

import io.hxo.planner.checkpoint.StoreException;
import io.vertx.pgclient.PgException;

/**
 * What the planner's stores read from a database failure. Waiting for the reactive stack is
 * hxo-runtime's {@code Blocking}, with {@link StoreException#about} as these stores' failure mapping.
 */
public final class Db {
    /** PostgreSQL's unique_violation: another writer stored the same row first. */
    private static final String UNIQUE_VIOLATION = "23505";

    private Db() {
    }

    /** Whether a failure is a unique-key violation (a row someone else inserted first), anywhere in its causes. */
    public static boolean duplicate(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
            if (c instanceof org.hibernate.exception.ConstraintViolationException v
                    && (v.getSQLState() == null || UNIQUE_VIOLATION.equals(v.getSQLState()))) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
