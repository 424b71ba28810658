package io.hxo.planner.checkpoint;

import java.sql.SQLException;

/** A database failure; the message that caused it is not acknowledged and will be redelivered. */
public class StoreException extends RuntimeException {
    public StoreException(SQLException e) {
        super(e.getMessage(), e);
    }

    /** A failure of the reactive client or Hibernate Reactive (no SQLException there). */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
