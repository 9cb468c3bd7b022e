package io.ccsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The release version: pom.xml's {@code <version>}, which the build writes into {@code io/ccsync/version.properties}
 * (so it is the same from the jar, the tarball, the image and the test classes). Read it here and nowhere else.
 */
public final class Version implements IVersionProvider {
    private static final Properties BUILD = read();

    /** This build's version, for example {@code 0.2.0}. */
    public static String current() {
        return BUILD.getProperty("version");
    }

    /** The Apache Camel version it was built with. */
    public static String camel() {
        return BUILD.getProperty("camel");
    }

    private static Properties read() {
        try (InputStream in = Version.class.getResourceAsStream("/io/ccsync/version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/ccsync/version.properties is missing: build with mvn, which writes it");
            }
            Properties p = new Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"ccsync " + current(), "Apache Camel " + camel() + ", Java " + System.getProperty("java.version")};
    }
}
