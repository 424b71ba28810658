package io.hxo.arie.store;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Waits for a store call from a thread that may block: a {@code @Blocking} consumer's worker, the
 * scheduler's, the scan thread, a test. The call runs on a Vert.x duplicated context, as Hibernate
 * Reactive needs ({@link VertxContextSupport#subscribeAndAwait}); on an event-loop thread it fails
 * instead of blocking it.
 */
public final class Awaited {
    private Awaited() {
    }

    public static <T> T on(Supplier<Uni<T>> call) {
        try {
            return VertxContextSupport.subscribeAndAwait(call);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new StoreException(e);
        }
    }
}
