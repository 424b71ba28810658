package io.hxo.arie;

import io.hxo.testing.TestServices;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs against the broker and database of
 * {@link TestServices}: the ones {@code ./hxo test} gives (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL), or,
 * from plain Maven or an IDE, a broker and an embedded PostgreSQL started for the run.
 */
@WithTestResource(value = TestServices.class, scope = TestResourceScope.GLOBAL)
public final class TestInfrastructure {
    private TestInfrastructure() {
    }
}
