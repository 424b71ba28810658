package io.hxo.runtime.messaging;

import java.util.List;

/**
 * A polled batch of verified events, in the order the consumer received them, for a batch channel
 * ({@code batch=true}): {@code Uni<Void> consume(Message<ReceivedBatch> batch)}, acknowledged as a
 * whole. A type of its own rather than {@code List<Received>}: SmallRye hands a {@code List}
 * parameter the record values unconverted, since any list is assignable to it.
 */
public record ReceivedBatch(List<Received> events) {
}
