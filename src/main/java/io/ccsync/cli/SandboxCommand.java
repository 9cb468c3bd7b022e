package io.ccsync.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Starts the local Constant Contact sandbox. (Being built: see io.ccsync.sandbox.) */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Run a local Constant Contact (authorization server and V3 API) for trying ccsync with no account.")
public final class SandboxCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserFacingException("the sandbox is not built yet");
    }
}
