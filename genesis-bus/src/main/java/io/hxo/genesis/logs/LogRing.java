package io.hxo.genesis.logs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The bus's recent log lines (INFO and above), kept in memory for {@code /api/logs/genesis}. */
@ApplicationScoped
public class LogRing extends Handler {
    public static final int MAX_LINES = 1000;

    private final String[] lines;
    private int next;
    private int size;

    public LogRing(@ConfigProperty(name = "genesis.log-ring-lines", defaultValue = "1000") int capacity) {
        this.lines = new String[Math.max(1, Math.min(capacity, MAX_LINES))];
        setLevel(Level.INFO);
    }

    void start(@Observes StartupEvent ev) {
        Logger.getLogger("").addHandler(this);
    }

    void stop(@Observes ShutdownEvent ev) {
        Logger.getLogger("").removeHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || !isLoggable(record)) {
            return;
        }
        String message;
        if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
            message = ext.getFormattedMessage();
        } else try {
            message = record.getParameters() == null || record.getParameters().length == 0
                    ? String.valueOf(record.getMessage())
                    : java.text.MessageFormat.format(record.getMessage(), record.getParameters());
        } catch (IllegalArgumentException e) {
            message = String.valueOf(record.getMessage());
        }
        StringBuilder line = new StringBuilder(Instant.ofEpochMilli(record.getMillis()).toString()).append(' ')
                .append(record.getLevel().getName()).append(' ').append('[').append(record.getLoggerName())
                .append("] ").append(message);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        synchronized (this) {
            lines[next] = line.toString();
            next = (next + 1) % lines.length;
            size = Math.min(size + 1, lines.length);
        }
    }

    /** The last {@code n} lines, oldest first. */
    public synchronized List<String> last(int n) {
        int count = Math.max(0, Math.min(n, size));
        List<String> out = new ArrayList<>(count);
        for (int i = count; i > 0; i--) {
            out.add(lines[(next - i + lines.length) % lines.length]);
        }
        return out;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
