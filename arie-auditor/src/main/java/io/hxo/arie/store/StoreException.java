package io.hxo.arie.store;

/** ARIE's database did not answer a store call (unreachable, timed out, or refused the statement). */
public class StoreException extends RuntimeException {
    public StoreException(Throwable cause) {
        super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
    }

    /**
     * ARIE's mapping of a failed store call ({@code Awaiting.onContext(call, StoreException::of)}):
     * unchecked exceptions and errors stay what they are; a checked one becomes a store failure.
     */
    public static RuntimeException of(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new StoreException(t);
    }
}
