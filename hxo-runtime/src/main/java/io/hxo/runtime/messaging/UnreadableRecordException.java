package io.hxo.runtime.messaging;

/**
 * A consumed record that carries no readable HXO event (its CloudEvent attributes or its data do not
 * parse), named by topic, partition and offset. {@link HxoEventConverter} throws it; a channel on
 * {@link SkipUnreadable}'s failure strategy logs the record and goes on.
 */
public class UnreadableRecordException extends IllegalArgumentException {
    public UnreadableRecordException(String topic, int partition, long offset, IllegalArgumentException cause) {
        super("unreadable record " + topic + "-" + partition + "@" + offset + ": " + cause.getMessage(), cause);
    }
}
