package io.hxo.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout's root folder: the one holding {@code deploy/kafka/pom.xml}, found upwards from the working folder. */
final class ProjectRoot {
    private ProjectRoot() {
    }

    static Path find() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/kafka/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no HXO checkout above " + start + " (looked for deploy/kafka/pom.xml);"
                + " run the tests from the checkout, or set KAFKA_BOOTSTRAP_SERVERS");
    }
}
