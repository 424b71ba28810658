package io.hxo.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The planner's shape, checked on every build: no two of its classes depend on each other, directly or
 * around a loop (read from the compiled classes with jdeps, so same-package references count too); the
 * owner keeps its loop small; no class but the run's flat state grows past a reviewer's comfort.
 */
class ArchitectureTest {
    static final Path CLASSES = Path.of("target/classes");
    static final Path SOURCES = Path.of("src/main/java");

    /** Top-level planner class → the top-level planner classes it uses. */
    static Map<String, Set<String>> dependencies() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                CLASSES.toString());
        assertThat(rc).as(out.toString()).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 3 || !parts[1].equals("->")) {
                continue;
            }
            String from = topLevel(parts[0]);
            String to = topLevel(parts[2]);
            if (from.startsWith("io.hxo.planner.") && to.startsWith("io.hxo.planner.") && !from.equals(to)) {
                graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            }
        }
        return graph;
    }

    static String topLevel(String className) {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    @Test
    void noPlannerClassesDependOnEachOtherInALoop() {
        Map<String, Set<String>> graph = dependencies();
        assertThat(graph).as("jdeps found the planner's classes").containsKey("io.hxo.planner.own.PlanOwner");
        assertThat(cycles(graph)).as("groups of classes that depend on each other").isEmpty();
    }

    @Test
    void theOwnerKeepsItsLoopSmallAndNoClassButTheRunGrowsPastFourHundredFiftyLines() throws IOException {
        Map<String, Long> lines = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                try (Stream<String> l = Files.lines(f)) {
                    lines.put(SOURCES.relativize(f).toString(), l.count());
                }
            }
        }
        assertThat(lines.get("io/hxo/planner/own/PlanOwner.java")).isLessThanOrEqualTo(300);
        lines.remove("io/hxo/planner/run/PlanRun.java");
        assertThat(lines).allSatisfy((file, n) -> assertThat(n).as(file).isLessThanOrEqualTo(450));
    }

    /** Strongly connected components of more than one class (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
