package io.hxo.arie.rules;

/**
 * Where a finding is: a file of the workspace (relative, {@code /}-separated path and 1-based line)
 * or a fact a service reported. File-level findings ({@code .env}, oversized, duplicate) point at line 1.
 */
public record Location(String file, Integer line, String service, String fact) {

    public static Location inFile(String file, int line) {
        return new Location(file, Math.max(1, line), null, null);
    }

    public static Location ofFact(String service, String fact) {
        return new Location(null, null, service, fact);
    }

    public boolean inWorkspace() {
        return file != null;
    }

    /**
     * The place as the fingerprint sees it: the file or the service's fact, without the line, so a
     * finding keeps its fingerprint when lines are added above it.
     */
    public String identity() {
        return inWorkspace() ? "file:" + file : "fact:" + service + "/" + fact;
    }

    @Override
    public String toString() {
        return inWorkspace() ? file + ":" + line : service + " " + fact;
    }
}
