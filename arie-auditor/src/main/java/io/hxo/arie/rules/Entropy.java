package io.hxo.arie.rules;

import java.util.HashMap;
import java.util.Map;

/** Shannon entropy in bits per character: how unpredictable a string's characters are. */
final class Entropy {
    private Entropy() {
    }

    static double shannon(CharSequence s) {
        int n = s.length();
        if (n == 0) {
            return 0;
        }
        Map<Character, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(s.charAt(i), 1, Integer::sum);
        }
        double bits = 0;
        for (int c : counts.values()) {
            double p = (double) c / n;
            bits -= p * (Math.log(p) / Math.log(2));
        }
        return bits;
    }
}
