package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** deploy/render.yaml and deploy/render.blue-green.yaml against each other's parts and the code. */
class RenderBlueprintTest {
    static final Set<String> DATABASE_PROPERTIES = Set.of("connectionString", "host", "port", "user", "password",
            "database");
    static final Set<String> SERVICE_PROPERTIES = Set.of("host", "port", "hostport", "connectionString");

    static Stream<RenderBlueprint> blueprints() {
        return Stream.of(new RenderBlueprint("deploy/render.yaml"), new RenderBlueprint("deploy/render.blue-green.yaml"));
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void everyFromDatabaseFromServiceAndFromGroupNamesADefinedResource(RenderBlueprint bp) {
        Set<String> databases = names(bp.databases());
        Map<String, String> serviceTypes = new TreeMap<>();
        bp.services().forEach(s -> serviceTypes.put(RenderBlueprint.name(s), String.valueOf(s.get("type"))));
        Set<String> groups = names(bp.groups());
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> s : bp.services()) {
            for (Map<String, Object> e : RenderBlueprint.envVars(s)) {
                String where = RenderBlueprint.name(s) + " " + e.getOrDefault("key", "");
                if (e.containsKey("fromDatabase")) {
                    Map<String, Object> ref = RenderBlueprint.map(e.get("fromDatabase"));
                    if (!databases.contains(String.valueOf(ref.get("name")))) {
                        problems.add(where + ": fromDatabase names '" + ref.get("name") + "', not one of " + databases);
                    }
                    if (!DATABASE_PROPERTIES.contains(String.valueOf(ref.get("property")))) {
                        problems.add(where + ": fromDatabase property '" + ref.get("property") + "'");
                    }
                }
                if (e.containsKey("fromService")) {
                    Map<String, Object> ref = RenderBlueprint.map(e.get("fromService"));
                    String target = String.valueOf(ref.get("name"));
                    if (!serviceTypes.containsKey(target)) {
                        problems.add(where + ": fromService names '" + target + "', not one of " + serviceTypes.keySet());
                    } else if (ref.get("type") != null && !ref.get("type").equals(serviceTypes.get(target))) {
                        problems.add(where + ": fromService says type " + ref.get("type") + ", " + target + " is "
                                + serviceTypes.get(target));
                    }
                    if (ref.get("envVarKey") == null && !SERVICE_PROPERTIES.contains(String.valueOf(ref.get("property")))) {
                        problems.add(where + ": fromService needs a property or an envVarKey");
                    }
                }
                if (e.containsKey("fromGroup") && !groups.contains(String.valueOf(e.get("fromGroup")))) {
                    problems.add(RenderBlueprint.name(s) + ": fromGroup names '" + e.get("fromGroup") + "', not one of "
                            + groups);
                }
            }
        }
        assertThat(problems).as(bp + ": references to undefined resources").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void everyVariableHasExactlyOneWellFormedSourceAndNamesAreUnique(RenderBlueprint bp) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> resources = new ArrayList<>(bp.services());
        resources.addAll(bp.databases());
        resources.addAll(bp.groups());
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> r : resources) {
            if (!seen.add(RenderBlueprint.name(r))) {
                problems.add("two resources are named " + RenderBlueprint.name(r));
            }
        }
        for (Map<String, Object> g : bp.groups()) {
            for (Map<String, Object> e : RenderBlueprint.envVars(g)) {
                checkEntry("group " + RenderBlueprint.name(g), e, true, problems);
            }
        }
        for (Map<String, Object> s : bp.services()) {
            for (Map<String, Object> e : RenderBlueprint.envVars(s)) {
                checkEntry(RenderBlueprint.name(s), e, false, problems);
            }
            List<String> duplicates = new ArrayList<>();
            bp.environment(s, duplicates);
            if (!duplicates.isEmpty()) {
                problems.add(RenderBlueprint.name(s) + ": declared more than once (directly or by groups): " + duplicates);
            }
        }
        assertThat(problems).as(bp + ": malformed environment entries").isEmpty();
    }

    private static void checkEntry(String where, Map<String, Object> e, boolean inGroup, List<String> problems) {
        List<String> sources = RenderBlueprint.SOURCE_FIELDS.stream().filter(e::containsKey).toList();
        String name = where + " " + e.getOrDefault("key", "(no key)");
        if (sources.size() != 1) {
            problems.add(name + ": needs exactly one of " + RenderBlueprint.SOURCE_FIELDS + ", has " + sources);
            return;
        }
        String source = sources.get(0);
        if (source.equals("fromGroup")) {
            if (inGroup || e.containsKey("key")) {
                problems.add(name + ": fromGroup stands alone, and only in a service");
            }
            return;
        }
        if (!(e.get("key") instanceof String key) || !key.matches("[A-Z][A-Z0-9_]*")) {
            problems.add(name + ": key must be an upper-case variable name");
        }
        if (inGroup && (source.equals("fromDatabase") || source.equals("fromService"))) {
            problems.add(name + ": an environment group cannot reference a database or a service");
        }
        switch (source) {
            case "value" -> {
                if (!(e.get("value") instanceof String)) {
                    problems.add(name + ": value must be a quoted string (YAML turns true, 64, off into other types)");
                }
            }
            case "generateValue" -> {
                if (!Boolean.TRUE.equals(e.get("generateValue"))) {
                    problems.add(name + ": generateValue must be true");
                }
            }
            case "sync" -> {
                if (!Boolean.FALSE.equals(e.get("sync"))) {
                    problems.add(name + ": sync must be false");
                }
            }
            default -> {
            }
        }
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void everyVariableAServiceReadsIsSetGeneratedSyncedOrFromAGroup(RenderBlueprint bp) {
        Map<String, Set<String>> missing = new TreeMap<>();
        for (ServiceCode code : ServiceCode.all()) {
            List<Map<String, Object>> services = bp.servicesOf(code.module);
            assertThat(services).as(bp + ": no service is built from " + code.module).isNotEmpty();
            for (Map<String, Object> s : services) {
                Set<String> absent = new TreeSet<>(code.reads());
                absent.removeAll(bp.environment(s).keySet());
                if (!absent.isEmpty()) {
                    missing.put(RenderBlueprint.name(s) + " (" + code.module + ")", absent);
                }
            }
        }
        assertThat(missing).as(bp + ": variables the code reads that the Blueprint does not provide").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void variablesAServiceCannotStartWithoutHaveAValueNotAPrompt(RenderBlueprint bp) {
        List<String> problems = new ArrayList<>();
        for (ServiceCode code : ServiceCode.all()) {
            for (Map<String, Object> s : bp.servicesOf(code.module)) {
                Map<String, RenderBlueprint.Env> env = bp.environment(s);
                for (String required : code.requiredAtStart()) {
                    RenderBlueprint.Env e = env.get(required);
                    if (e == null || e.source() == RenderBlueprint.Source.SYNC_FALSE) {
                        problems.add(RenderBlueprint.name(s) + ": " + required + " is required at start but is "
                                + (e == null ? "missing" : "only prompted for (sync: false)"));
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void aGeneratedSecretThatSeveralServicesReadComesFromOneGroup(RenderBlueprint bp) {
        // generateValue on each service would give each its own random value: SEED_SECRET must be the
        // same everywhere (it signs and verifies every message), a token the same on every gateway.
        Map<String, Set<String>> groupsByKey = new TreeMap<>();
        Map<String, Integer> readers = new TreeMap<>();
        for (Map<String, Object> s : bp.services()) {
            for (RenderBlueprint.Env e : bp.environment(s).values()) {
                if (e.source() == RenderBlueprint.Source.GENERATED) {
                    groupsByKey.computeIfAbsent(e.key(), k -> new TreeSet<>()).add(String.valueOf(e.group()));
                    readers.merge(e.key(), 1, Integer::sum);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        groupsByKey.forEach((key, groups) -> {
            if (readers.get(key) > 1 && (groups.size() != 1 || groups.contains("null"))) {
                problems.add(key + " is generated for " + readers.get(key) + " services but not from one group: " + groups);
            }
        });
        assertThat(problems).isEmpty();
        for (Map<String, Object> s : bp.services()) {
            if (RenderBlueprint.module(s).isPresent()) {
                RenderBlueprint.Env seed = bp.environment(s).get("SEED_SECRET");
                assertThat(seed).as(RenderBlueprint.name(s) + " SEED_SECRET").isNotNull();
                assertThat(seed.source()).isEqualTo(RenderBlueprint.Source.GENERATED);
                assertThat(seed.group()).as(RenderBlueprint.name(s) + " SEED_SECRET comes from a group").isNotNull();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void healthCheckPathsAreServedWithoutATokenByTheServiceTheyProbe(RenderBlueprint bp) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> s : bp.services()) {
            Object path = s.get("healthCheckPath");
            if ("web".equals(s.get("type")) && path == null) {
                problems.add(RenderBlueprint.name(s) + ": a web service needs a healthCheckPath");
            }
            if (path != null) {
                String module = RenderBlueprint.module(s).orElse(null);
                if (module == null || !ServiceCode.of(module).servesOpenly(path.toString())) {
                    problems.add(RenderBlueprint.name(s) + ": nothing in " + module + " answers GET " + path
                            + " without a token");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void theGatewayIsTheOnlyPublicServiceAndTheRestArePrivate(RenderBlueprint bp) {
        for (Map<String, Object> s : bp.services()) {
            String module = RenderBlueprint.module(s).orElse("");
            String expected = module.equals("federation-gateway") ? "web" : "pserv";
            assertThat(s.get("type")).as(RenderBlueprint.name(s) + " type").isEqualTo(expected);
            assertThat(s.get("runtime")).as(RenderBlueprint.name(s) + " runtime").isEqualTo("docker");
        }
        for (Map<String, Object> s : bp.servicesOf("federation-gateway")) {
            assertThat(s.get("healthCheckPath")).isEqualTo("/health");
        }
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void theDatabaseIsWiredWithFromDatabaseAndKafkaCanBeExternal(RenderBlueprint bp) {
        for (ServiceCode code : ServiceCode.all()) {
            for (Map<String, Object> s : bp.servicesOf(code.module)) {
                Map<String, RenderBlueprint.Env> env = bp.environment(s);
                assertThat(env.get("DATABASE_URL").source()).as(RenderBlueprint.name(s) + " DATABASE_URL")
                        .isEqualTo(RenderBlueprint.Source.FROM_DATABASE);
                assertThat(RenderBlueprint.map(env.get("DATABASE_URL").entry().get("fromDatabase")).get("property"))
                        .isEqualTo("connectionString");
                assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").source())
                        .as(RenderBlueprint.name(s) + " KAFKA_BOOTSTRAP_SERVERS: entered per deploy (sync: false)")
                        .isEqualTo(RenderBlueprint.Source.SYNC_FALSE);
            }
        }
        List<Map<String, Object>> brokers = bp.services().stream()
                .filter(s -> RenderBlueprint.map(s.get("disk")).get("mountPath") != null
                        && String.valueOf(s.get("dockerfilePath")).contains("kafka"))
                .toList();
        assertThat(brokers).as(bp + ": a Kafka private service with a disk").hasSize(1);
        Map<String, Object> broker = brokers.get(0);
        String logDirs = bp.environment(broker).get("KAFKA_LOG_DIRS").entry().get("value").toString();
        assertThat(logDirs).as("Kafka keeps its data on the disk")
                .startsWith(RenderBlueprint.map(broker.get("disk")).get("mountPath").toString());
        Set<Object> regions = new HashSet<>();
        bp.services().forEach(s -> regions.add(s.get("region")));
        bp.databases().forEach(d -> regions.add(d.get("region")));
        assertThat(regions).as("one region: the private network does not span regions").hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("blueprints")
    void everyDockerfilePathAndContextExists(RenderBlueprint bp) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> s : bp.services()) {
            String dockerfile = String.valueOf(s.get("dockerfilePath"));
            String context = String.valueOf(s.getOrDefault("dockerContext", "."));
            if (!Files.isRegularFile(Repo.path(dockerfile))) {
                problems.add(RenderBlueprint.name(s) + ": no file " + dockerfile);
            }
            if (!Files.isDirectory(Repo.path(context))) {
                problems.add(RenderBlueprint.name(s) + ": no directory " + context);
            } else if (!Repo.path(dockerfile).startsWith(Repo.path(context))) {
                problems.add(RenderBlueprint.name(s) + ": " + dockerfile + " is outside its context " + context);
            }
        }
        assertThat(problems).isEmpty();
    }

    private static Set<String> names(List<Map<String, Object>> resources) {
        Set<String> out = new TreeSet<>();
        resources.forEach(r -> out.add(RenderBlueprint.name(r)));
        return out;
    }
}
