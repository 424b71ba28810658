package io.hxo.planner.db;

import io.hxo.planner.checkpoint.StoreException;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import java.util.function.Supplier;

/**
 * Where the planner's blocking callers (shard workers, the owner thread, {@code @Blocking} consumers)
 * wait for the reactive stack. Never call these on an event-loop thread: Mutiny and
 * {@link VertxContextSupport} refuse it. A database failure comes out as a {@link StoreException},
 * which the owner's path retries ({@code Stored.retrying}) and consumers leave unacknowledged.
 */
public final class Db {
    /** PostgreSQL's unique_violation: another writer stored the same row first. */
    private static final String UNIQUE_VIOLATION = "23505";

    private Db() {
    }

    /**
     * Runs Panache work (a {@code Panache.withTransaction} or {@code withSession}) on a Vert.x
     * duplicated context, as Hibernate Reactive requires, and waits for its result on this thread.
     */
    public static <T> T panache(String what, Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (StoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new StoreException(what + ": " + message(t), t);
        }
    }

    /** Waits for a reactive client call (the artifact store's bulk SQL, a migration's connection). */
    public static <T> T await(String what, Uni<T> work) {
        try {
            return work.await().indefinitely();
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreException(what + ": " + message(e), e);
        }
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

    /** The innermost cause's message: what PostgreSQL or the client said. */
    public static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
