package io.hxo.planner.checkpoint;

import io.hxo.runtime.blocking.Awaiting;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/** A database failure; the message that caused it is not acknowledged and will be redelivered. */
public class StoreException extends RuntimeException {
    public StoreException(Throwable cause) {
        super(cause.getMessage(), cause);
    }

    /** A failure of the reactive client or Hibernate Reactive (no SQLException there). */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The checkpoint store's mapping ({@link Sql}): a mistake in the planner's own code stays what it
     * is (retrying it would loop forever); anything else a statement fails with (the server's error,
     * a lost connection, a pool timeout) is a store failure that a retry may get past.
     */
    public static RuntimeException classified(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof StoreException s) {
            return s;
        }
        if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException
                || cause instanceof ClassCastException || cause instanceof IndexOutOfBoundsException
                || cause instanceof UnsupportedOperationException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new StoreException(cause);
    }

    /**
     * The mapping of the deployment, secret and artifact stores: every failure is a store failure
     * named by {@code what} and what PostgreSQL or the client said, e.g. {@code "seal secret: ..."}.
     */
    public static Function<Throwable, RuntimeException> about(String what) {
        return t -> t instanceof StoreException s ? s : new StoreException(what + ": " + Awaiting.rootMessage(t), t);
    }
}
