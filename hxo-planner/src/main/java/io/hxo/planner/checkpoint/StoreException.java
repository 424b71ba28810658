package io.hxo.planner.checkpoint;

/** A database failure; the message that caused it is not acknowledged and will be redelivered. */
public class StoreException extends RuntimeException {
    public StoreException(Throwable cause) {
        super(cause.getMessage(), cause);
    }
}
