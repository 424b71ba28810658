package io.hxo.deploy.checks;

/**
 * Java source prepared for simple structural searches: {@link #code} is the source with comments
 * blanked out, {@link #masked} additionally blanks the insides of string and character literals, so
 * braces, parentheses and semicolons in it are real syntax. Both have the length of the source, so
 * a position found in one is valid in the other (values are read from {@code code}).
 */
final class JavaText {
    final String code;
    final String masked;

    JavaText(String source) {
        StringBuilder c = new StringBuilder(source);
        StringBuilder m = new StringBuilder(source);
        int i = 0;
        int n = source.length();
        while (i < n) {
            char ch = source.charAt(i);
            if (ch == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    c.setCharAt(i, ' ');
                    m.setCharAt(i, ' ');
                    i++;
                }
            } else if (ch == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) {
                    if (source.charAt(i) != '\n') {
                        c.setCharAt(i, ' ');
                        m.setCharAt(i, ' ');
                    }
                }
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end;
                for (int k = i + 3; k < end; k++) {
                    m.setCharAt(k, ' ');
                }
                i = Math.min(n, end + 3);
            } else if (ch == '"' || ch == '\'') {
                int k = i + 1;
                while (k < n && source.charAt(k) != ch) {
                    k += source.charAt(k) == '\\' ? 2 : 1;
                }
                for (int j = i + 1; j < Math.min(k, n); j++) {
                    m.setCharAt(j, ' ');
                }
                i = k + 1;
            } else {
                i++;
            }
        }
        this.code = c.toString();
        this.masked = m.toString();
    }

    /** Index of the brace that closes the one at {@code open} (in {@link #masked}). */
    int closingBrace(int open) {
        int depth = 0;
        for (int i = open; i < masked.length(); i++) {
            char ch = masked.charAt(i);
            if (ch == '{') {
                depth++;
            } else if (ch == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced braces");
    }

    /**
     * The declaration around {@code at}: from after the previous {@code ;}, {@code {} or
     * {@code }} outside parentheses, to before the next {@code {} or {@code ;} outside parentheses
     * (so annotations such as {@code @RolesAllowed({A, B})} stay inside).
     */
    String declarationAround(int at) {
        int start = at;
        int depth = 0;
        while (start > 0) {
            char ch = masked.charAt(start - 1);
            if (ch == ')') {
                depth++;
            } else if (ch == '(') {
                depth--;
            } else if (depth == 0 && (ch == ';' || ch == '{' || ch == '}')) {
                break;
            }
            start--;
        }
        int end = at;
        depth = 0;
        while (end < masked.length()) {
            char ch = masked.charAt(end);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (depth == 0 && (ch == ';' || ch == '{')) {
                break;
            }
            end++;
        }
        return code.substring(start, end);
    }
}
