package io.ccsync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder of its own for each test that Camel's test kit boots (inbox, databases): its properties are fixed in the
 * annotation, so they name the folder as {@code {{sys:ccsync.test.dir}}}. Create it in a field initialiser: JUnit
 * builds the test instance before the kit starts Camel.
 */
public final class TestFolder {
    public static final String PROPERTY = "ccsync.test.dir";

    private TestFolder() {
    }

    public static Path fresh(String testClass) {
        try {
            // under the build folder (surefire names it through the test log's place), so mvn clean removes them
            Path logs = Path.of(System.getProperty("ccsync.test.log", "target/test-logs/tests.log")).getParent();
            Path root = Files.createDirectories(logs.resolveSibling("test-dirs"));
            Path dir = Files.createTempDirectory(root, testClass + "-").toAbsolutePath();
            System.setProperty(PROPERTY, dir.toString());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
