package io.hxo.arie.scan;

import io.hxo.arie.rules.ConfigRule;
import io.hxo.arie.rules.Facts;
import io.hxo.arie.rules.RuleContext;
import io.hxo.arie.rules.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs the config rules over the facts each service reported (service name → facts). */
public final class ConfigScanner {
    private final List<ConfigRule> rules;
    private final ScanOptions options;

    public ConfigScanner(RuleSet rules, ScanOptions options) {
        this.rules = rules.ofType(ConfigRule.class);
        this.options = options;
    }

    public ScanResult scan(Map<String, ? extends Map<String, ?>> factsByService) {
        Instant start = options.clock().instant();
        RuleContext context = options.ruleContext();
        List<Fingerprints.RuleHit> hits = new ArrayList<>();
        Map<String, Map<String, ?>> services = new TreeMap<>(factsByService);
        services.forEach((service, facts) -> {
            Facts f = new Facts(facts);
            for (ConfigRule rule : rules) {
                rule.check(service, f, context).forEach(h -> hits.add(new Fingerprints.RuleHit(rule.info(), h)));
            }
        });
        return new ScanResult("config of " + services.size() + " service(s)", null, start, options.clock().instant(),
                Fingerprints.findings(hits), new ScanResult.Stats(services.size(), 0, 0, 0, 0));
    }
}
