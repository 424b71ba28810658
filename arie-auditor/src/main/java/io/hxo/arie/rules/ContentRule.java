package io.hxo.arie.rules;

import java.util.List;

/** A rule over the text of one file (binary files are skipped; large files are read up to a bound). */
public non-sealed interface ContentRule extends Rule {
    /** Every match in {@code text}; the scanner turns each offset into a line number. */
    List<TextMatch> find(CharSequence text);

    /**
     * A generic detector (e.g. "a high-entropy value assigned to a secret-looking name") gives way to
     * specific ones: it is not reported on a line where a specific rule already matched.
     */
    default boolean generic() {
        return false;
    }

    /**
     * One match.
     *
     * @param offset   char offset of the match in the text
     * @param message  what is shown to people; never the secret itself
     * @param evidence what identifies this match for the fingerprint (may be the matched text: only
     *                 its hash is ever kept)
     */
    record TextMatch(int offset, String message, String evidence) {
    }
}
