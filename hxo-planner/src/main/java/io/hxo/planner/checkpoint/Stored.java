package io.hxo.planner.checkpoint;

import io.quarkus.logging.Log;
import java.util.function.Supplier;

/**
 * Nothing is acknowledged before it is durable: a store operation on the owner's path is tried again,
 * with growing pauses up to 5 s, until the database answers.
 */
public final class Stored {
    private Stored() {
    }

    public static void retrying(String what, Runnable work) {
        retrying(what, () -> {
            work.run();
            return null;
        });
    }

    public static <T> T retrying(String what, Supplier<T> work) {
        long backoff = 100;
        while (true) {
            try {
                return work.get();
            } catch (StoreException e) {
                Log.warnf("%s failed (%s); retrying in %d ms", what, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }
}
