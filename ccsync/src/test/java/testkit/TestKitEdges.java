package testkit;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.spi.CliConnectorFactory;

/**
 * For {@code @CamelMainTest(configurationClasses = TestKitEdges.class)}: what {@code CcsyncApplication.create} sets
 * before Camel starts and Camel's test kit, which boots the same config and routes, does not: the Camel JBang
 * connector stays off (it owns the JVM it runs in, and a test fork is not {@code ccsync run}). Outside io.ccsync on
 * purpose: camel-main's base-package scan takes every CamelConfiguration under io.ccsync, and would switch the
 * connector off for every test, CamelToolingTest's included.
 */
public class TestKitEdges implements CamelConfiguration {
    @Override
    public void configure(CamelContext context) {
        DefaultCliConnectorFactory off = new DefaultCliConnectorFactory();
        off.setEnabled(false);
        context.getCamelContextExtension().addContextPlugin(CliConnectorFactory.class, off);
    }
}
