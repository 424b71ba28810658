package io.hxo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks over a module's own sources, for rules of the stack that a compiler does not enforce.
 * Give it the module's source folder ({@code Path.of("src/main/java")} from a module's test).
 */
public final class SourceRules {
    /** JDBC and its pool and driver: services keep state through the reactive client and Panache only. */
    public static final List<String> JDBC = List.of("java.sql", "javax.sql", "io.agroal", "org.postgresql");

    private SourceRules() {
    }

    /**
     * Every place a Java file under {@code sources} names one of the packages, as {@code file:line: text};
     * an import, a fully qualified name or a static import alike. Comments do not count.
     */
    public static List<String> uses(Path sources, List<String> packages) {
        Pattern named = Pattern.compile("(?<![\\w.])(" + String.join("|",
                packages.stream().map(Pattern::quote).toList()) + ")\\.[\\w*]");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                boolean inComment = false;
                for (int i = 0; i < lines.size(); i++) {
                    StringBuilder code = new StringBuilder();
                    inComment = stripComments(lines.get(i), inComment, code);
                    Matcher m = named.matcher(code);
                    if (m.find()) {
                        found.add(sources.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sources, e);
        }
        return found;
    }

    /** Fails with every use listed when the sources name JDBC, Agroal or the PostgreSQL JDBC driver. */
    public static void assertNoJdbc(Path sources) {
        if (!Files.isDirectory(sources)) {
            throw new AssertionError("no source folder " + sources.toAbsolutePath());
        }
        List<String> found = uses(sources, JDBC);
        if (!found.isEmpty()) {
            throw new AssertionError("service code must not use JDBC, Agroal or pgjdbc (the reactive client and"
                    + " Panache keep its state; Flyway alone has a JDBC datasource):\n  " + String.join("\n  ", found));
        }
    }

    /**
     * Every {@code @Incoming} method under {@code sources} that takes a raw Kafka record
     * ({@code ConsumerRecord} or {@code ConsumerRecords}, alone or in a {@code Message}), as
     * {@code Class.method (file:line)}. Comments do not count.
     */
    public static List<String> rawRecordConsumers(Path sources) {
        Pattern incoming = Pattern.compile("@(?:[\\w.]+\\.)?Incoming\\s*\\(");
        Pattern raw = Pattern.compile("\\bConsumerRecords?\\b");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                StringBuilder code = new StringBuilder();
                List<Integer> lineStarts = new ArrayList<>();
                boolean inComment = false;
                for (String line : lines) {
                    lineStarts.add(code.length());
                    inComment = stripComments(line, inComment, code);
                    code.append('\n');
                }
                String cls = f.getFileName().toString().replace(".java", "");
                Matcher m = incoming.matcher(code);
                while (m.find()) {
                    int at = skipAnnotations(code, closingParen(code, m.end() - 1) + 1);
                    int open = code.indexOf("(", at);
                    if (open < 0) {
                        continue;
                    }
                    String head = code.substring(at, open).trim();
                    String method = head.substring(Math.max(head.lastIndexOf(' '), head.lastIndexOf('\n')) + 1);
                    String params = code.substring(open + 1, closingParen(code, open));
                    if (raw.matcher(params).find()) {
                        int line = -java.util.Collections.binarySearch(lineStarts, m.start() + 1) - 1;
                        found.add(cls + "." + method + " (" + sources.relativize(f) + ":" + line + ")");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sources, e);
        }
        return found;
    }

    /**
     * Fails when an {@code @Incoming} method takes a raw Kafka record instead of what hxo-runtime's
     * converter gives (a verified CloudEvent, a Received, a payload record or a ReceivedBatch), unless it
     * is one of {@code allowed} ({@code "Class.method"}, each with a README "Why" note saying why).
     */
    public static void assertNoRawRecordConsumers(Path sources, java.util.Set<String> allowed) {
        if (!Files.isDirectory(sources)) {
            throw new AssertionError("no source folder " + sources.toAbsolutePath());
        }
        List<String> found = rawRecordConsumers(sources).stream()
                .filter(f -> !allowed.contains(f.substring(0, f.indexOf(' ')))).toList();
        if (!found.isEmpty()) {
            throw new AssertionError("@Incoming methods receive the event through hxo-runtime's converter (CloudEvent,"
                    + " Received, a payload record or ReceivedBatch), never a raw ConsumerRecord:\n  "
                    + String.join("\n  ", found));
        }
    }

    /** The index of the parenthesis that closes the one at {@code open}. */
    private static int closingParen(CharSequence code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return code.length() - 1;
    }

    /** Skips whitespace and annotations (with their arguments) from {@code i}. */
    private static int skipAnnotations(CharSequence code, int i) {
        while (true) {
            while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
                i++;
            }
            if (i >= code.length() || code.charAt(i) != '@') {
                return i;
            }
            i++;
            while (i < code.length() && (Character.isJavaIdentifierPart(code.charAt(i)) || code.charAt(i) == '.')) {
                i++;
            }
            int j = i;
            while (j < code.length() && Character.isWhitespace(code.charAt(j))) {
                j++;
            }
            if (j < code.length() && code.charAt(j) == '(') {
                i = closingParen(code, j) + 1;
            }
        }
    }

    /** Appends the line's code outside comments to {@code code}; returns whether a block comment is still open. */
    private static boolean stripComments(String line, boolean inComment, StringBuilder code) {
        int i = 0;
        while (i < line.length()) {
            if (inComment) {
                int end = line.indexOf("*/", i);
                if (end < 0) {
                    return true;
                }
                i = end + 2;
                inComment = false;
            } else if (line.startsWith("//", i)) {
                return false;
            } else if (line.startsWith("/*", i)) {
                inComment = true;
                i += 2;
            } else if (line.charAt(i) == '"') {
                int end = i + 1; // a string's text is not code: skip to its closing quote
                while (end < line.length() && line.charAt(end) != '"') {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                code.append("\"\"");
                i = end + 1;
            } else {
                code.append(line.charAt(i++));
            }
        }
        return inComment;
    }
}
