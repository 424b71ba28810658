package io.hxo.arie.store;

/** ARIE's database did not answer a store call (unreachable, timed out, or refused the statement). */
public class StoreException extends RuntimeException {
    public StoreException(Throwable cause) {
        super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
    }
}
