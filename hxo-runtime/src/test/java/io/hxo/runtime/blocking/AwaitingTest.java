package io.hxo.runtime.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AwaitingTest {
    static final class Mapped extends RuntimeException {
        Mapped(Throwable cause) {
            super(cause);
        }
    }

    @Test
    void awaitReturnsTheItem() {
        assertThat(Awaiting.await(Uni.createFrom().item(7), Mapped::new)).isEqualTo(7);
    }

    @Test
    void awaitMapsAFailureThroughTheCallersMapping() {
        IllegalStateException cause = new IllegalStateException("connection refused");
        assertThatThrownBy(() -> Awaiting.await(Uni.createFrom().failure(cause), Mapped::new))
                .isInstanceOf(Mapped.class).hasCause(cause);
    }

    @Test
    void awaitHandsTheMappingAnErrorInsideTheCompletionExceptionMutinyWrapsItIn() {
        AssertionError error = new AssertionError("a bug");
        assertThatThrownBy(() -> Awaiting.await(Uni.createFrom().failure(error), Mapped::new))
                .isInstanceOf(Mapped.class).hasRootCause(error);
    }

    @Test
    void bothWaysRefuseAnEventLoopBeforeTheMappingSeesIt() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Throwable> viaAwait = new CompletableFuture<>();
            CompletableFuture<Throwable> viaContext = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                viaAwait.complete(thrown(() -> Awaiting.await(Uni.createFrom().item(1), Mapped::new)));
                viaContext.complete(thrown(() -> Awaiting.onContext(() -> Uni.createFrom().item(1), Mapped::new)));
            });
            assertThat(viaAwait.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("event loop");
            assertThat(viaContext.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("event loop");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void rootMessageIsWhatTheInnermostCauseSaid() {
        Exception root = new Exception("duplicate key value violates unique constraint");
        assertThat(Awaiting.rootMessage(new RuntimeException("outer", new RuntimeException(root))))
                .isEqualTo("duplicate key value violates unique constraint");
        assertThat(Awaiting.rootMessage(new RuntimeException(new NullPointerException())))
                .isEqualTo("NullPointerException");
    }

    private static Throwable thrown(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
