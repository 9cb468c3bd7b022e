package io.ccsync.cli;

import org.awaitility.Awaitility;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Runs {@code ccsync …} in this JVM with settings overrides, capturing what a person would see. */
final class Cli {
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** A command still running (authorize waiting for the browser). */
    static final class Running {
        private final StringWriter out;
        private final StringWriter err;
        private final CompletableFuture<Integer> exit;

        private Running(StringWriter out, StringWriter err, CompletableFuture<Integer> exit) {
            this.out = out;
            this.err = err;
            this.exit = exit;
        }

        /** Waits until the output has a match for {@code pattern} and returns its first group. */
        String awaitOutput(Pattern pattern) {
            String[] found = new String[1];
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                Matcher m = pattern.matcher(out.toString());
                if (m.find()) {
                    found[0] = m.group(1);
                    return true;
                }
                if (exit.isDone()) {
                    throw new AssertionError("ended before printing " + pattern + ": " + out + err);
                }
                return false;
            });
            return found[0];
        }

        Result await() {
            int code = exit.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
            return new Result(code, out.toString(), err.toString());
        }
    }

    private Cli() {
    }

    static Result run(Map<String, String> overrides, String... args) {
        return start(overrides, cli -> { }, args).await();
    }

    static Running start(Map<String, String> overrides, Consumer<CommandLine> customize, String... args) {
        CommandLine cli = Ccsync.commandLine();
        ((AuthorizeCommand) cli.getSubcommands().get("authorize").getCommand()).overrides.putAll(overrides);
        ((DeviceLoginCommand) cli.getSubcommands().get("device-login").getCommand()).overrides.putAll(overrides);
        ((TokenCommand) cli.getSubcommands().get("token").getCommand()).overrides.putAll(overrides);
        customize.accept(cli);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                exit.complete(cli.execute(args));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        }, "ccsync-" + String.join("-", args));
        t.setDaemon(true);
        t.start();
        return new Running(out, err, exit);
    }

    static AuthorizeCommand authorize(CommandLine cli) {
        return (AuthorizeCommand) cli.getSubcommands().get("authorize").getCommand();
    }

    static DeviceLoginCommand deviceLogin(CommandLine cli) {
        return (DeviceLoginCommand) cli.getSubcommands().get("device-login").getCommand();
    }
}
