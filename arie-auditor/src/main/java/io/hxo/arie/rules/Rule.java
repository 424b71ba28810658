package io.hxo.arie.rules;

/**
 * An audit rule. Each kind says what it reads: {@link ConfigRule} one service's config facts,
 * {@link ContentRule} the text of one file, {@link FileRule} a file's path and size,
 * {@link CrossFileRule} the digests of all files of a workspace.
 */
public sealed interface Rule permits ConfigRule, ContentRule, FileRule, CrossFileRule {
    RuleInfo info();

    default String id() {
        return info().id();
    }
}
