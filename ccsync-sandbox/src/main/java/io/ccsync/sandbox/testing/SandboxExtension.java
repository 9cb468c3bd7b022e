package io.ccsync.sandbox.testing;

import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxLogin;
import io.ccsync.sandbox.SandboxOptions;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A local Constant Contact for any JUnit 5 test, in any project: a sandbox on a free port, started before the tests
 * and stopped after them. As a static field it serves the whole class; as an instance field each test gets a new
 * one (new accounts, new tokens). Test methods and constructors may also take a {@link Sandbox} parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SandboxExtension constantContact = SandboxExtension.with(o -> o.withAutoApprove(true));
 *
 * @Test
 * void contactsArrive() {
 *     String tokens = constantContact.login();           // a real authorization-code exchange, as JSON
 *     myClient.sync(constantContact.sandbox().apiUrl(), tokens);
 *     assertThat(constantContact.sandbox().contacts()).hasSize(3);
 * }
 * }</pre>
 *
 * {@code @ExtendWith(SandboxExtension.class)} works too, with the defaults and a {@link Sandbox} parameter.
 */
public final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    private final SandboxOptions options;
    private Sandbox sandbox;
    private boolean perClass;

    /** The defaults ({@link SandboxOptions#defaults()}) on a free port. */
    public SandboxExtension() {
        this(SandboxOptions.defaults());
    }

    private SandboxExtension(SandboxOptions options) {
        this.options = options.withPort(0);
    }

    /** The defaults changed by {@code options} (limits, faults, token lifetimes, a clock); always a free port. */
    public static SandboxExtension with(UnaryOperator<SandboxOptions> options) {
        return new SandboxExtension(options.apply(SandboxOptions.defaults()));
    }

    /** The running sandbox: its URLs ({@code apiUrl()}, {@code tokenUrl()}…), its contacts, its request log. */
    public Sandbox sandbox() {
        if (sandbox == null) {
            throw new IllegalStateException("the sandbox runs only while a test runs: register the extension with "
                    + "@RegisterExtension or @ExtendWith");
        }
        return sandbox;
    }

    /** Tokens for {@code contact_data offline_access}, through the authorize page and the token endpoint (JSON). */
    public String login() {
        return SandboxLogin.login(sandbox());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        sandbox = Sandbox.start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            sandbox = Sandbox.start(options);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void stop() {
        if (sandbox != null) {
            sandbox.close();
            sandbox = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return sandbox();
    }
}
