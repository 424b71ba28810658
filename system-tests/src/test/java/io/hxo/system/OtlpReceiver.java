package io.hxo.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver inside the test JVM: the suite's services export their spans here
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, protocol {@code http/protobuf}), and tests read them back.
 * It decodes only what the tests look at (ids, parent, name, kind, the resource's service name)
 * straight from the protobuf wire format, and keeps the most recent spans only.
 */
final class OtlpReceiver implements AutoCloseable {
    /** One exported span, as the tests need it. */
    record Span(String service, String traceId, String spanId, String parentSpanId, String name, int kind) {
    }

    private static final int KEEP = 200_000;
    private static final HexFormat HEX = HexFormat.of();
    private final HttpServer server;
    private final Deque<Span> spans = new ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong unreadable = new java.util.concurrent.atomic.AtomicLong();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpReceiver r = new OtlpReceiver(server);
            server.createContext("/v1/traces", r::export);
            server.setExecutor(Executors.newFixedThreadPool(2, t -> {
                Thread th = new Thread(t, "otlp-receiver");
                th.setDaemon(true);
                return th;
            }));
            server.start();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the OTLP receiver", e);
        }
    }

    /** The endpoint for {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the exporter appends {@code /v1/traces}). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What arrived so far, for failure messages: requests, unreadable ones, spans kept. */
    synchronized String summary() {
        return requests.get() + " export requests (" + unreadable.get() + " unreadable), " + spans.size() + " spans kept";
    }

    synchronized List<Span> spans(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private void export(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            InputStream in = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            List<Span> got = request(new Reader(in.readAllBytes()));
            synchronized (this) {
                spans.addAll(got);
                while (spans.size() > KEEP) {
                    spans.removeFirst();
                }
            }
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
        } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            ex.sendResponseHeaders(400, -1);
        }
    }

    // ---- ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }

    private static List<Span> request(Reader r) {
        List<Span> out = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                resourceSpans(r.sub(), out);
            } else {
                r.skip(tag);
            }
        }
        return out;
    }

    /** ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; } */
    private static void resourceSpans(Reader r, List<Span> out) {
        String service = null;
        List<Reader> scopes = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                service = serviceName(r.sub());
            } else if (tag >>> 3 == 2 && (tag & 7) == 2) {
                scopes.add(r.sub());
            } else {
                r.skip(tag);
            }
        }
        for (Reader scope : scopes) {
            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            while (scope.more()) {
                int tag = scope.tag();
                if (tag >>> 3 == 2 && (tag & 7) == 2) {
                    out.add(span(scope.sub(), service));
                } else {
                    scope.skip(tag);
                }
            }
        }
    }

    /** Resource { repeated KeyValue attributes = 1; }: the value of {@code service.name}. */
    private static String serviceName(Reader r) {
        String name = null;
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1 && (tag & 7) == 2) {
                Reader kv = r.sub();
                String key = null;
                String value = null;
                while (kv.more()) {
                    int t = kv.tag();
                    if (t >>> 3 == 1 && (t & 7) == 2) {
                        key = kv.string();
                    } else if (t >>> 3 == 2 && (t & 7) == 2) {
                        Reader any = kv.sub(); // AnyValue { string string_value = 1; ... }
                        while (any.more()) {
                            int a = any.tag();
                            if (a >>> 3 == 1 && (a & 7) == 2) {
                                value = any.string();
                            } else {
                                any.skip(a);
                            }
                        }
                    } else {
                        kv.skip(t);
                    }
                }
                if ("service.name".equals(key)) {
                    name = value;
                }
            } else {
                r.skip(tag);
            }
        }
        return name;
    }

    /** Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6; } */
    private static Span span(Reader r, String service) {
        String trace = null;
        String id = null;
        String parent = "";
        String name = null;
        int kind = 0;
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3;
            if (field == 1 && (tag & 7) == 2) {
                trace = HEX.formatHex(r.bytes());
            } else if (field == 2 && (tag & 7) == 2) {
                id = HEX.formatHex(r.bytes());
            } else if (field == 4 && (tag & 7) == 2) {
                parent = HEX.formatHex(r.bytes());
            } else if (field == 5 && (tag & 7) == 2) {
                name = r.string();
            } else if (field == 6 && (tag & 7) == 0) {
                kind = (int) r.varint();
            } else {
                r.skip(tag);
            }
        }
        return new Span(service, trace, id, parent, name, kind);
    }

    /** The protobuf wire format, as far as this receiver needs it. */
    private static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf) {
            this(buf, 0, buf.length);
        }

        private Reader(byte[] buf, int from, int end) {
            this.buf = buf;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("bad varint");
        }

        byte[] bytes() {
            int n = (int) varint();
            byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        String string() {
            return new String(bytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

        Reader sub() {
            int n = (int) varint();
            Reader r = new Reader(buf, pos, pos + n);
            pos += n;
            return r;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int n = (int) varint(); // read first: "pos += varint()" would add to the old pos
                    pos += n;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalArgumentException("unknown wire type " + (tag & 7));
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
