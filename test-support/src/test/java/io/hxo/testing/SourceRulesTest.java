package io.hxo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceRulesTest {
    @TempDir
    Path src;

    void write(String name, String text) throws Exception {
        Path f = src.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    @Test
    void importsAndQualifiedNamesAreFoundCommentsAndTextAreNot() throws Exception {
        write("a/Store.java", """
                package a;
                import java.sql.Connection;
                import static org.postgresql.PGProperty.USER;
                /** Not java.sql.Connection: a comment.
                 * javax.sql.DataSource neither. */
                class Store { // io.agroal.api.AgroalDataSource
                    String s = "java.sql.Nope";
                    void f() throws java.sql.SQLException { }
                }
                """);
        write("b/Clean.java", """
                package b;
                import io.vertx.mutiny.sqlclient.Pool;
                import java.sqlite.NotJdbc;
                class Clean { }
                """);
        assertThat(SourceRules.uses(src, SourceRules.JDBC)).containsExactly(
                "a/Store.java:2: import java.sql.Connection;",
                "a/Store.java:3: import static org.postgresql.PGProperty.USER;",
                "a/Store.java:8: void f() throws java.sql.SQLException { }");
        assertThatThrownBy(() -> SourceRules.assertNoJdbc(src)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("a/Store.java:2");
        SourceRules.assertNoJdbc(src.resolve("b"));
    }

    @Test
    void incomingMethodsTakingRawRecordsAreFoundWhateverTheirAnnotations() throws Exception {
        write("c/Consumers.java", """
                package c;
                class Consumers {
                    /** Not this one: {@code @Incoming("x") void f(ConsumerRecord<String, byte[]> r)}. */
                    @Incoming("typed")
                    public void typed(CloudEvent ev) { ConsumerRecord<String, byte[]> unrelated = null; }

                    @Incoming("raw")
                    @Blocking(value = "pool", ordered = false) // a comment (with a paren
                    public void raw(
                            ConsumerRecord<String, byte[]> record) { }

                    @org.eclipse.microprofile.reactive.messaging.Incoming("batch")
                    public CompletionStage<Void> batch(ConsumerRecords<String, byte[]> records) { return null; }

                    @Incoming("wrapped")
                    Uni<Void> wrapped(Message<ConsumerRecord<String, byte[]>> m) { return null; }

                    void helper(ConsumerRecord<String, byte[]> r) { }
                }
                """);
        assertThat(SourceRules.rawRecordConsumers(src)).containsExactly(
                "Consumers.raw (c/Consumers.java:7)",
                "Consumers.batch (c/Consumers.java:12)",
                "Consumers.wrapped (c/Consumers.java:15)");
        assertThatThrownBy(() -> SourceRules.assertNoRawRecordConsumers(src, java.util.Set.of("Consumers.batch")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Consumers.raw")
                .hasMessageContaining("Consumers.wrapped").hasMessageNotContaining("Consumers.batch");
        SourceRules.assertNoRawRecordConsumers(src,
                java.util.Set.of("Consumers.raw", "Consumers.batch", "Consumers.wrapped"));
    }
}
