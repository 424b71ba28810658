package io.hxo.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code DATABASE_URL} as Render, Heroku and the seed write it ({@code postgresql://},
 * {@code postgres://}, {@code postgresql+asyncpg://}), turned into what a JDBC driver takes (for
 * Flyway's migrations) and what the reactive client takes (for everything else).
 * A {@code jdbc:postgresql://} URL is accepted as it is.
 */
public record DatabaseUrl(String jdbcUrl, String username, String password, String host, int port,
        String database, String sslMode) {

    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String s = url.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith("jdbc:postgresql://")) {
            rest = s.substring("jdbc:postgresql://".length());
        } else if (lower.startsWith("postgresql+asyncpg://")) {
            rest = s.substring("postgresql+asyncpg://".length());
        } else if (lower.startsWith("postgresql://")) {
            rest = s.substring("postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            rest = s.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException(
                    "must start with postgresql://, postgres://, postgresql+asyncpg:// or jdbc:postgresql://");
        }
        URI uri;
        try {
            uri = new URI("pg://" + rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL: " + e.getReason());
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("names no host");
        }
        String path = uri.getRawPath();
        String database = path == null ? "" : decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty()) {
            throw new IllegalArgumentException("names no database");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        List<String> params = new ArrayList<>();
        String sslMode = null;
        if (uri.getRawQuery() != null) {
            for (String p : uri.getRawQuery().split("&")) {
                if (p.isEmpty()) {
                    continue;
                }
                String key = p.contains("=") ? p.substring(0, p.indexOf('=')) : p;
                String value = p.contains("=") ? p.substring(p.indexOf('=') + 1) : "";
                switch (key) {
                    case "user" -> user = user == null ? decode(value) : user;
                    case "password" -> password = password == null ? decode(value) : password;
                    // asyncpg spells TLS "ssl=require"; pgjdbc and the reactive client call it sslmode
                    case "ssl", "sslmode" -> {
                        params.add("sslmode=" + value);
                        sslMode = decode(value);
                    }
                    default -> params.add(p);
                }
            }
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port)
                .append('/').append(path.substring(1));
        if (!params.isEmpty()) {
            jdbc.append('?').append(String.join("&", params));
        }
        return new DatabaseUrl(jdbc.toString(), user, password, host, port, database, sslMode);
    }

    /**
     * The URL the reactive PostgreSQL client takes: host, port, database and {@code sslmode}; the
     * user and password go in their own settings. Other parameters are pgjdbc's and stay in
     * {@link #jdbcUrl()} only.
     */
    public String reactiveUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String db = java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        return "postgresql://" + h + ":" + port + "/" + db + (sslMode == null ? "" : "?sslmode=" + sslMode);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + username + "]";
    }
}
