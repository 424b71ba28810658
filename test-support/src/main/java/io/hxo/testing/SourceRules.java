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
