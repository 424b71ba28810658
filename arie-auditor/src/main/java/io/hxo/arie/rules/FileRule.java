package io.hxo.arie.rules;

import java.util.Optional;

/** A rule over a file's path (relative to the workspace, {@code /}-separated) and size. */
public non-sealed interface FileRule extends Rule {
    Optional<Hit> check(String path, long size, RuleContext context);
}
