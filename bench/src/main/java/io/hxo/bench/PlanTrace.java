package io.hxo.bench;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the time of each recent one-shard plan went, hop by hop, read back from the broker after a
 * {@code SuiteBench latency} run. Every record carries two clocks: {@code ce_time}, stamped by the
 * sending service when it built the event, and the broker's append time (the catalog's topics use
 * {@code LogAppendTime}). "built → on the broker" is one send (signing, linger, the produce request);
 * "on the broker → next built" is the next service waking up and doing its work. Both clocks have
 * millisecond resolution and all of it runs on one machine, so the steps are good to about a
 * millisecond each and best read as p50s and means over a few hundred plans.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.hxo.bench.PlanTrace [SECONDS_BACK]   # default 30
 * </pre>
 * Only plans whose whole journey (submit to certified) lies in the window count. The last column
 * is each step's mean over the slowest 5 % of those plans end to end: where the tail's time goes.
 */
public final class PlanTrace {
    private static final List<String> TOPICS = List.of("hxo.commands", "hxo.commands.reply", "hxo.plan",
            "hxo.shard.created", "hxo.shard.tasks", "hxo.shard.results", "hxo.shard.done", "hxo.aggregate.ready",
            "hxo.aggregate.vote", "hxo.aggregate.finalized");
    private static final String[] VOTERS = {"vote.hxo-planner", "vote.genesis-bus", "vote.arie-auditor"};

    /** One event of a plan: when its sender built it, when the broker appended it. */
    private record Stamp(long built, long onBroker) {
    }

    /** A step from one stamp to another: B = built, K = on the broker. */
    private record Step(String label, String from, char fromClock, String to, char toClock) {
        long of(Map<String, Stamp> plan) {
            Stamp a = plan.get(from);
            Stamp b = plan.get(to);
            return (toClock == 'B' ? b.built : b.onBroker) - (fromClock == 'B' ? a.built : a.onBroker);
        }
    }

    private static final List<Step> STEPS = List.of(
            new Step("submit: sent", "hxo.plan.submit", 'B', "hxo.plan.submit", 'K'),
            new Step("submit on broker -> accepted (planner: consume, insert)", "hxo.plan.submit", 'K', "plan.accepted", 'B'),
            new Step("accepted -> running", "plan.accepted", 'B', "plan.running", 'B'),
            new Step("running -> shard created", "plan.running", 'B', "hxo.shard.created", 'B'),
            new Step("shard created: sent", "hxo.shard.created", 'B', "hxo.shard.created", 'K'),
            new Step("task: built after created", "hxo.shard.created", 'B', "hxo.shard.tasks", 'B'),
            new Step("task: sent", "hxo.shard.tasks", 'B', "hxo.shard.tasks", 'K'),
            new Step("task on broker -> result built (worker)", "hxo.shard.tasks", 'K', "hxo.shard.results", 'B'),
            new Step("result: sent", "hxo.shard.results", 'B', "hxo.shard.results", 'K'),
            new Step("result on broker -> done built (owner, checkpoint)", "hxo.shard.results", 'K', "hxo.shard.done", 'B'),
            new Step("done -> ready built (roots, finish)", "hxo.shard.done", 'B', "hxo.aggregate.ready", 'B'),
            new Step("ready: sent", "hxo.aggregate.ready", 'B', "hxo.aggregate.ready", 'K'),
            new Step("ready built -> planner's vote built", "hxo.aggregate.ready", 'B', "vote.hxo-planner", 'B'),
            new Step("ready on broker -> genesis-bus's vote built", "hxo.aggregate.ready", 'K', "vote.genesis-bus", 'B'),
            new Step("ready on broker -> arie-auditor's vote built", "hxo.aggregate.ready", 'K', "vote.arie-auditor", 'B'),
            new Step("last vote on broker -> finalized built (gateway)", "last.vote", 'K', "hxo.aggregate.finalized", 'B'),
            new Step("finalized: sent", "hxo.aggregate.finalized", 'B', "hxo.aggregate.finalized", 'K'),
            new Step("finalized on broker -> certified built (planner)", "hxo.aggregate.finalized", 'K', "plan.certified", 'B'),
            new Step("certified: sent", "plan.certified", 'B', "plan.certified", 'K'),
            new Step("submit built -> certified on broker", "hxo.plan.submit", 'B', "plan.certified", 'K'));

    private PlanTrace() {
    }

    public static void main(String[] args) {
        long secondsBack = args.length > 0 ? Long.parseLong(args[0]) : 30;
        Map<String, Map<String, Stamp>> plans = read(Instant.now().minusSeconds(secondsBack));
        List<Map<String, Stamp>> whole = new ArrayList<>();
        Map<String, Integer> lastVoter = new HashMap<>();
        for (Map<String, Stamp> p : plans.values()) {
            // Every step's events but the last vote, which is one of the three votes and set below.
            if (STEPS.stream().anyMatch(s -> !s.from().equals("last.vote") && !(p.containsKey(s.from()) && p.containsKey(s.to())))) {
                continue;
            }
            String last = VOTERS[0];
            for (String v : VOTERS) {
                if (p.get(v).onBroker > p.get(last).onBroker) {
                    last = v;
                }
            }
            p.put("last.vote", p.get(last));
            lastVoter.merge(last.substring("vote.".length()), 1, Integer::sum);
            whole.add(p);
        }
        System.out.printf("%d one-shard plans from submit to certified in the last %d s (ms)%n", whole.size(), secondsBack);
        if (whole.isEmpty()) {
            return;
        }
        // The tail: the slowest twentieth of the plans end to end, and where their time went.
        Step total = STEPS.get(STEPS.size() - 1);
        List<Map<String, Stamp>> slowest = new ArrayList<>(whole);
        slowest.sort(Comparator.comparingLong(total::of).reversed());
        slowest = slowest.subList(0, Math.max(1, slowest.size() / 20));
        System.out.printf("%-58s %6s %6s %6s %6s %9s%n", "step", "p50", "p90", "p99", "mean", "slow 5 %");
        for (Step s : STEPS) {
            List<Long> xs = new ArrayList<>(whole.size());
            whole.forEach(p -> xs.add(s.of(p)));
            Collections.sort(xs);
            double mean = xs.stream().mapToLong(Long::longValue).average().orElse(0);
            double slow = slowest.stream().mapToLong(s::of).average().orElse(0);
            System.out.printf("%-58s %6.1f %6d %6d %6.1f %9.1f%n", s.label(), median(xs),
                    xs.get((int) (xs.size() * 0.9)), xs.get((int) (xs.size() * 0.99)), mean, slow);
        }
        System.out.println("last vote to reach the broker: " + lastVoter);
        Map<String, Integer> slowLast = new HashMap<>();
        for (Map<String, Stamp> p : slowest) {
            for (String v : VOTERS) {
                if (p.get(v) == p.get("last.vote")) {
                    slowLast.merge(v.substring("vote.".length()), 1, Integer::sum);
                    break;
                }
            }
        }
        System.out.println("... among the slowest 5 %: " + slowLast);
    }

    private static double median(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** Every record of the plan topics appended since {@code from}, grouped by plan (the subject). */
    private static Map<String, Map<String, Stamp>> read(Instant from) {
        Properties p = SuiteBench.consumerProps();
        Map<String, Map<String, Stamp>> plans = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            TOPICS.forEach(t -> c.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition()))));
            c.assign(parts);
            Map<TopicPartition, Long> at = new HashMap<>();
            parts.forEach(tp -> at.put(tp, from.toEpochMilli()));
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(at);
            parts.forEach(tp -> c.seek(tp, starts.get(tp) == null ? ends.get(tp) : starts.get(tp).offset()));
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    CloudEvent ev = KafkaBinding.fromRecord(r);
                    if (ev.subject() == null) {
                        continue;
                    }
                    plans.computeIfAbsent(ev.subject(), k -> new HashMap<>())
                            .put(name(r.topic(), ev), new Stamp(ev.time().toEpochMilli(), r.timestamp()));
                }
            }
        }
        return plans;
    }

    /** The event's place in a plan's journey: its type, with the status or the voter where one type has several. */
    private static String name(String topic, CloudEvent ev) {
        if (topic.equals("hxo.plan")) {
            return "plan." + ev.dataAs(Events.PlanChanged.class).status();
        }
        if (topic.equals("hxo.aggregate.vote")) {
            return "vote." + ev.source().split("/")[1]; // /<service>/<instance>
        }
        return ev.type();
    }
}
