package io.hxo.planner.secrets;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which literal values in a plan's config are secrets: a value under a secret-sounding name
 * (password, token, api_key, …), and a URL that carries a credential (a password in its user info,
 * or a secret-sounding query parameter such as Render's {@code ?key=}). Pure rules, no state.
 */
public final class SecretValues {
    /** Names of fields and query parameters whose value is a credential. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|"
                    + "signature|authorization).*|(?i)(key|sig|auth|pass)");

    private SecretValues() {
    }

    /** True when {@code value}, found under the config field {@code field}, must never be shown. */
    public static boolean looksSecret(String field, String value) {
        if (value == null || value.isEmpty() || field.toLowerCase(Locale.ROOT).endsWith("_env")) {
            return false;
        }
        return SECRET_NAME.matcher(field).matches() || urlWithCredential(value);
    }

    /** A URL with a password in its user info, or a credential among its query parameters. */
    static boolean urlWithCredential(String value) {
        if (!value.contains("://")) {
            return false;
        }
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            // Not a URI Java can parse, but shaped like one with user info: treat as secret to be safe.
            return value.matches("(?s)[a-zA-Z][a-zA-Z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@.*");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            return true;
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                String name = pair.split("=", 2)[0];
                if (SECRET_NAME.matcher(name).matches()) {
                    return true;
                }
            }
        }
        return false;
    }
}
