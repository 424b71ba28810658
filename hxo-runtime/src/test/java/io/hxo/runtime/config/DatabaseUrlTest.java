package io.hxo.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void renderStyleUrl() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://hxo:s3cr%40t@dpg-abc.oregon-postgres.render.com/hxo_db");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://dpg-abc.oregon-postgres.render.com:5432/hxo_db");
        assertThat(u.username()).isEqualTo("hxo");
        assertThat(u.password()).isEqualTo("s3cr@t");
        assertThat(u.reactiveUrl()).isEqualTo("postgresql://dpg-abc.oregon-postgres.render.com:5432/hxo_db");
    }

    @Test
    void herokuStyleSchemeAndPort() {
        DatabaseUrl u = DatabaseUrl.parse("postgres://u:p@127.0.0.1:6543/app?sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:6543/app?sslmode=require");
        assertThat(u.port()).isEqualTo(6543);
    }

    @Test
    void asyncpgStyleFromTheSeed() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql+asyncpg://user:pw@db:5432/hxo?ssl=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/hxo?sslmode=require");
        assertThat(u.reactiveUrl()).isEqualTo("postgresql://db:5432/hxo?sslmode=require");
        assertThat(u.username()).isEqualTo("user");
    }

    @Test
    void userWithoutPasswordAndJdbcPassThrough() {
        assertThat(DatabaseUrl.parse("postgresql://postgres@127.0.0.1:5432/hxo").password()).isNull();
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h:1/d").jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/d");
    }

    @Test
    void theReactiveUrlKeepsOnlyWhatTheReactiveClientTakes() {
        DatabaseUrl u = DatabaseUrl.parse("postgres://u:p@127.0.0.1:6543/app?sslmode=verify-full&options=-c%20x%3Dy");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:6543/app?sslmode=verify-full&options=-c%20x%3Dy");
        assertThat(u.reactiveUrl()).isEqualTo("postgresql://127.0.0.1:6543/app?sslmode=verify-full");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h:1/d").reactiveUrl()).isEqualTo("postgresql://h:1/d");
    }

    @Test
    void badUrlsSayWhatIsWrong() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://h/d")).hasMessageContaining("must start with");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://h")).hasMessageContaining("no database");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///d")).hasMessageContaining("no host");
    }

    @Test
    void configSourceFeedsTheDatasource() {
        DatabaseUrlConfigSource src = new DatabaseUrlConfigSource("postgres://a:b@h:7/d");
        assertThat(src.getValue("quarkus.datasource.jdbc.url")).isEqualTo("jdbc:postgresql://h:7/d");
        assertThat(src.getValue("quarkus.datasource.reactive.url")).isEqualTo("postgresql://h:7/d");
        assertThat(src.getValue("quarkus.datasource.username")).isEqualTo("a");
        assertThat(src.getValue("quarkus.datasource.password")).isEqualTo("b");
        assertThat(new DatabaseUrlConfigSource(null).getPropertyNames()).isEmpty();
    }
}
