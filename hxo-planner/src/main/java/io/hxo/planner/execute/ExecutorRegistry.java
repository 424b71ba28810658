package io.hxo.planner.execute;

import io.hxo.planner.partition.Partitioner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Every job kind the planner knows, assembled from the executor and partitioner beans. */
@ApplicationScoped
public class ExecutorRegistry {
    private final Map<String, List<ShardExecutor>> byKind = new TreeMap<>();
    private final Map<String, Partitioner> partitioners = new TreeMap<>();

    public ExecutorRegistry(Instance<ShardExecutor> executors, Instance<Partitioner> partitionerBeans) {
        executors.forEach(e -> byKind.computeIfAbsent(e.kind(), k -> new java.util.ArrayList<>()).add(e));
        partitionerBeans.forEach(p -> partitioners.put(p.name(), p));
    }

    public boolean knowsKind(String kind) {
        return byKind.containsKey(kind);
    }

    public TreeSet<String> kinds() {
        return new TreeSet<>(byKind.keySet());
    }

    public Optional<ShardExecutor> executor(String kind, String name) {
        List<ShardExecutor> list = byKind.getOrDefault(kind, List.of());
        if (name == null) {
            return list.stream().filter(ShardExecutor::isDefault).findFirst().or(() -> list.stream().findFirst());
        }
        return list.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public List<String> executorNames(String kind) {
        return byKind.getOrDefault(kind, List.of()).stream().map(ShardExecutor::name).sorted().toList();
    }

    public Optional<Partitioner> partitioner(String name) {
        return Optional.ofNullable(partitioners.get(name));
    }

    public String describe() {
        return byKind.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().stream().map(ShardExecutor::name).collect(Collectors.joining("|")))
                .collect(Collectors.joining(", "));
    }
}
