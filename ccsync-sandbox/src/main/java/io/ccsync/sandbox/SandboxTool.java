package io.ccsync.sandbox;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.spi.ToolProvider;
import picocli.CommandLine;

/**
 * The sandbox as a tool: {@code java -jar ccsync-sandbox.jar [options]} on its own, and the JDK's
 * {@link ToolProvider} named {@value #NAME}, through which ccsync finds it at run time ({@code ccsync sandbox}, the
 * demo) without compiling against it. {@link #run} blocks until the sandbox stops (SIGTERM, Ctrl+C, or an interrupt
 * of the calling thread) and returns the exit code.
 */
public final class SandboxTool implements ToolProvider {
    public static final String NAME = "ccsync-sandbox";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new SandboxCommand()).setOut(out).setErr(err).execute(args);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(new SandboxTool().run(out, err, args));
    }
}
