package io.hxo.ctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * hxoctl: the operator's command line. Talks to the gateway's REST API only; proofs are verified
 * offline with the contracts' Merkle code. Exit codes: 0 ok, 1 problems found, 2 unreachable or
 * bad usage; {@code verify --certify} adds 3 to 6 for the gate's failure classes.
 */
@Command(name = "hxoctl", mixinStandardHelpOptions = true, version = "hxoctl 0.1.0",
        description = "Operate an HXO suite through its gateway.",
        subcommands = {VerifyCommand.class, HealthCommand.class, LinksCommand.class, SubmitCommand.class,
                StatusCommand.class, ProofCommand.class, AlertsCommand.class, RollbackPointsCommand.class,
                RollbackCommand.class, AuditCommand.class, SuppressCommand.class, MigrateCommand.class,
                ShardsCommand.class})
public class HxoCtl {
    @Option(names = "--url", scope = ScopeType.INHERIT, defaultValue = "${env:HXO_URL:-http://127.0.0.1:8080}",
            description = "gateway base URL (env HXO_URL; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, defaultValue = "${env:ADMIRAL_TOKEN}",
            description = "bearer token (env ADMIRAL_TOKEN)")
    String token;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print JSON for scripts")
    boolean json;

    Gateway gateway() {
        return new Gateway(url, token);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new HxoCtl());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Gateway.Unreachable u) {
                cmd.getErr().println("hxoctl: " + u.getMessage());
                return 2;
            }
            cmd.getErr().println("hxoctl: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }
}
