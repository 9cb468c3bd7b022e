package io.ccsync.sandbox;

import io.ccsync.sandbox.testing.SandboxExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The head of the V3 API tests, on the sandbox's own JUnit extension: one relaxed sandbox per class
 * ({@link Http#relaxed()}), an access token for it, and a fresh account (reset) before each test.
 */
final class ApiSession implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final SandboxExtension extension = SandboxExtension.with(o -> Http.relaxed());
    private String token;

    Sandbox sandbox() {
        return extension.sandbox();
    }

    String token() {
        return token;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        extension.beforeAll(context);
        token = Http.accessToken(sandbox());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        extension.afterAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        sandbox().reset();
    }
}
