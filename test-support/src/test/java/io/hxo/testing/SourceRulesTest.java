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
}
