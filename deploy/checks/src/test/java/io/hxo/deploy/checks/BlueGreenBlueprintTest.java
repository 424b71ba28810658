package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The blue/green Blueprint is render.yaml plus green copies of the gateway and the planner, nothing else. */
class BlueGreenBlueprintTest {
    static final String GREEN = "-green";
    final RenderBlueprint base = new RenderBlueprint("deploy/render.yaml");
    final RenderBlueprint variant = new RenderBlueprint("deploy/render.blue-green.yaml");

    @Test
    void databasesAndGroupsAreTheSameAsInRenderYaml() {
        assertThat(variant.databases()).isEqualTo(base.databases());
        assertThat(variant.groups()).isEqualTo(base.groups());
    }

    @Test
    void everyServiceOfRenderYamlIsThereUnchanged() {
        for (Map<String, Object> s : base.services()) {
            assertThat(variant.service(RenderBlueprint.name(s))).as(RenderBlueprint.name(s)).contains(s);
        }
    }

    @Test
    void greenServicesAreExactCopiesOfTheBlueGatewayAndPlanner() {
        List<Map<String, Object>> greens = variant.services().stream()
                .filter(s -> base.service(RenderBlueprint.name(s)).isEmpty()).toList();
        assertThat(greens).extracting(RenderBlueprint::name)
                .containsExactlyInAnyOrder("federation-gateway" + GREEN, "hxo-planner" + GREEN);
        for (Map<String, Object> green : greens) {
            String blueName = RenderBlueprint.name(green).substring(0, RenderBlueprint.name(green).length() - GREEN.length());
            Map<String, Object> blue = base.service(blueName).orElseThrow();
            Map<String, Object> renamed = new LinkedHashMap<>(green);
            renamed.put("name", blueName);
            assertThat(renamed).as(RenderBlueprint.name(green) + " equals " + blueName + " but for its name").isEqualTo(blue);
        }
    }

    @Test
    void noServiceClaimsTheCustomDomain() {
        // The domain moves between colours through the API (blue-green.sh); a Blueprint sync would
        // otherwise move it back to whichever service lists it.
        for (Map<String, Object> s : variant.services()) {
            assertThat(s).as(RenderBlueprint.name(s)).doesNotContainKey("domains");
        }
    }
}
