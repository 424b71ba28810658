/**
 * How every service's {@code @Incoming} methods receive HXO records: as a verified
 * {@link io.hxo.contracts.event.CloudEvent}, a {@link io.hxo.runtime.messaging.Received} (the event
 * with its topic, partition, offset and broker time), a payload record of
 * {@code io.hxo.contracts.payload}, or a {@link io.hxo.runtime.messaging.ReceivedBatch} on a
 * batch channel. {@link io.hxo.runtime.messaging.HxoEventConverter} does the conversion; the zero-trust
 * interceptor has verified every record before it gets there. A record it cannot read is skipped
 * by the channel's failure strategy, {@link io.hxo.runtime.messaging.SkipUnreadable}; no
 * {@code @Incoming} method takes a raw {@code ConsumerRecord} (each service's source test checks it).
 */
package io.hxo.runtime.messaging;
