package io.ccsync;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;

/**
 * The secrets scan of {@link NoSecretInAnyLogTest}, last in this module too: every secret the long runs' sandboxes
 * issued, in none of their logs (this module's test output and every child JVM's log).
 * Ordered by {@link ClassOrderer.OrderAnnotation} (junit-platform.properties, from ccsync's test fixtures).
 */
@Order(Integer.MAX_VALUE)
class NoSecretInAnyLongRunLogTest extends NoSecretInAnyLogTest {
}
