package io.hxo.arie.rules;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An environment file ({@code .env}, {@code .env.production}, {@code prod.env}) is in the workspace. Templates are not. */
final class EnvFileRule implements FileRule {
    static final List<String> TEMPLATE_SUFFIXES = List.of(".example", ".sample", ".template", ".dist", ".defaults");

    private final RuleInfo info = new RuleInfo(WorkspaceRules.ENV_FILE, Severity.HIGH, RuleScope.WORKSPACE,
            "An environment file (.env) is in the workspace; such files hold the secrets of a deployment.",
            "Remove it, add it to .gitignore and .dockerignore, rotate what it held, and commit a .env.example "
                    + "with empty values instead.");

    @Override
    public RuleInfo info() {
        return info;
    }

    @Override
    public Optional<Hit> check(String path, long size, RuleContext context) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!isEnvFile(name)) {
            return Optional.empty();
        }
        return Optional.of(new Hit(Location.inFile(path, 1), "Environment file " + path + " is in the workspace.",
                "env-file"));
    }

    static boolean isEnvFile(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (!(n.equals(".env") || n.startsWith(".env.") || n.endsWith(".env"))) {
            return false;
        }
        return TEMPLATE_SUFFIXES.stream().noneMatch(n::endsWith);
    }
}
