package io.hxo.runtime.blocking;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a service's blocking code (a shard worker, the planner's owner thread, a {@code @Blocking}
 * consumer, a scheduler or scan thread, a test) waits for the reactive stack. Called on an
 * event-loop thread, both ways refuse at once with {@link IllegalStateException}: that is a mistake
 * in the caller, never a database failure, so no caller's failure mapping sees it and nothing
 * retries it. Any other failure goes through the caller's {@code failure} mapping, which decides
 * what its callers see (a store failure to retry, a mistake to pass through as it is).
 */
public final class Awaiting {
    private Awaiting() {
    }

    /**
     * Subscribes to {@code work} on a fresh Vert.x duplicated context, as Hibernate Reactive (Panache)
     * needs, and waits on this thread for its outcome. Whatever it fails with, checked exceptions and
     * errors included, goes through {@code failure}; a mapping that wants an {@link Error} kept throws it.
     */
    public static <T> T onContext(Supplier<Uni<T>> work, Function<Throwable, ? extends RuntimeException> failure) {
        refuseEventLoop();
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable t) {
            throw failure.apply(t);
        }
    }

    /**
     * Waits on this thread for {@code work}, which needs no context of its own (a reactive SQL client
     * call, a connection's step). Its failures go through {@code failure}; Mutiny hands over a checked
     * exception or an error wrapped in a {@link java.util.concurrent.CompletionException}.
     */
    public static <T> T await(Uni<T> work, Function<Throwable, ? extends RuntimeException> failure) {
        refuseEventLoop();
        try {
            return work.await().indefinitely();
        } catch (RuntimeException e) {
            throw failure.apply(e);
        }
    }

    /** The innermost cause's message (what PostgreSQL or the client said), else its class's name. */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void refuseEventLoop() {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a blocking call waited on an event loop: " + Thread.currentThread().getName());
        }
    }
}
