package io.hxo.runtime.feed;

import java.util.regex.Pattern;

/**
 * A subscription's topic pattern: {@code *} (every topic), {@code hxo.*} (a prefix up to a dot) or
 * an exact topic name such as {@code hxo.alert}.
 */
public record TopicPattern(String text) {
    private static final Pattern SYNTAX = Pattern.compile("\\*|[a-z0-9_-]+(\\.[a-z0-9_-]+)*(\\.\\*)?");

    public TopicPattern {
        if (text == null || !SYNTAX.matcher(text).matches()) {
            throw new IllegalArgumentException("a topic pattern is '*', a topic name such as 'hxo.alert', "
                    + "or a prefix such as 'hxo.*'");
        }
    }

    public static TopicPattern parse(String text) {
        return new TopicPattern(text);
    }

    public boolean isAll() {
        return text.equals("*");
    }

    public boolean isPrefix() {
        return text.endsWith(".*");
    }

    /** The prefix a prefix pattern stands for, dot included ({@code hxo.} for {@code hxo.*}). */
    public String prefix() {
        return text.substring(0, text.length() - 1);
    }

    public boolean matches(String topic) {
        if (isAll()) {
            return true;
        }
        return isPrefix() ? topic.startsWith(prefix()) : topic.equals(text);
    }
}
