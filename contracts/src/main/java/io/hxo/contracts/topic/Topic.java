package io.hxo.contracts.topic;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The fixed topic catalog of SPEC §2. Names never change; partitions and retention are configuration. */
public enum Topic {
    HXO_COMMANDS("hxo.commands", Kind.COMMAND),
    HXO_COMMANDS_REPLY("hxo.commands.reply", Kind.REPLY),
    ARIE_COMMANDS("arie.commands", Kind.COMMAND),
    ARIE_COMMANDS_REPLY("arie.commands.reply", Kind.REPLY),
    GENESIS_COMMANDS("genesis.commands", Kind.COMMAND),
    GENESIS_COMMANDS_REPLY("genesis.commands.reply", Kind.REPLY),
    FEDERATION_COMMANDS("federation.commands", Kind.COMMAND),
    FEDERATION_COMMANDS_REPLY("federation.commands.reply", Kind.REPLY),

    HXO_SHARD_TASKS("hxo.shard.tasks", Kind.WORK),
    HXO_SHARD_RESULTS("hxo.shard.results", Kind.WORK),

    HXO_PLAN("hxo.plan", Kind.EVENT),
    HXO_SHARD_CREATED("hxo.shard.created", Kind.EVENT),
    HXO_SHARD_CLAIMED("hxo.shard.claimed", Kind.EVENT),
    HXO_SHARD_DONE("hxo.shard.done", Kind.EVENT),
    HXO_SHARD_FAILED("hxo.shard.failed", Kind.EVENT),
    HXO_SHARD_SPLIT("hxo.shard.split", Kind.EVENT),
    HXO_SHARD_RETRY("hxo.shard.retry", Kind.EVENT),
    HXO_AGGREGATE_READY("hxo.aggregate.ready", Kind.EVENT),
    HXO_AGGREGATE_VOTE("hxo.aggregate.vote", Kind.EVENT),
    HXO_AGGREGATE_FINALIZED("hxo.aggregate.finalized", Kind.EVENT),
    HXO_AGGREGATE_FAILED("hxo.aggregate.failed", Kind.EVENT),
    HXO_AUTOTUNE_SIGNAL("hxo.autotune.signal", Kind.EVENT),
    HXO_AUDIT("hxo.audit", Kind.EVENT),
    HXO_ALERT("hxo.alert", Kind.EVENT),
    DEPLOY_PLATFORM_START("deploy.platform.start", Kind.EVENT),
    DEPLOY_PLATFORM_SUCCESS("deploy.platform.success", Kind.EVENT),
    DEPLOY_PLATFORM_FAILURE("deploy.platform.failure", Kind.EVENT),
    ARIE_AUDIT("arie.audit", Kind.EVENT),
    ARIE_ALERT("arie.alert", Kind.EVENT),
    FEDERATION_HEARTBEAT("federation.heartbeat", Kind.EVENT),
    GENESIS_DLQ("genesis.dlq", Kind.EVENT),

    /**
     * Stored events in store order (genesis-bus to every gateway and bus instance): what SSE
     * subscribers and the replay cache follow. Not itself stored: it repeats what the store holds.
     */
    GENESIS_FEED("genesis.feed", Kind.FEED);

    /** What a topic carries; it decides who consumes it and how long it is kept. */
    public enum Kind {
        COMMAND, REPLY, WORK, EVENT,
        /** One partition, so its order is the store's order. */
        FEED
    }

    /**
     * The largest record the feed and reply topics take (genesis-bus provisions them so, and every
     * publisher may send up to it): a feed record or a reply can carry many stored events or leaves.
     */
    public static final int LARGE_RECORD_BYTES = 4 * 1024 * 1024;

    private final String topicName;
    private final Kind kind;

    Topic(String topicName, Kind kind) {
        this.topicName = topicName;
        this.kind = kind;
    }

    public String topicName() {
        return topicName;
    }

    public Kind kind() {
        return kind;
    }

    /** The reply topic of a command topic. */
    public Topic replyTopic() {
        if (kind != Kind.COMMAND) {
            throw new IllegalStateException(topicName + " is not a command topic");
        }
        return byName(topicName + ".reply").orElseThrow();
    }

    public static Optional<Topic> byName(String name) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(name)).findFirst();
    }

    public static List<Topic> ofKind(Kind kind) {
        return Arrays.stream(values()).filter(t -> t.kind == kind).toList();
    }

    @Override
    public String toString() {
        return topicName;
    }
}
