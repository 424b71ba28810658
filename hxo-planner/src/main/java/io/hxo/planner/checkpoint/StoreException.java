package io.hxo.planner.checkpoint;

/** A database failure; the message that caused it is not acknowledged and will be redelivered. */
public class StoreException extends RuntimeException {
    public StoreException(Throwable cause) {
        super(cause.getMessage(), cause);
    }

    /** A failure of the reactive client or Hibernate Reactive (no SQLException there). */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
