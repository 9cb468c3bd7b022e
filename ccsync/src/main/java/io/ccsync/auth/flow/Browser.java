package io.ccsync.auth.flow;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a URL in the system browser when there is one; never fails because there is none (the URL is printed). */
@FunctionalInterface
public interface Browser {

    /** Returns whether a browser was (probably) opened. */
    boolean open(URI url);

    /** No browser: the person opens the printed URL ({@code --no-browser}, servers, tests). */
    Browser NONE = url -> false;

    /** java.awt.Desktop when it can browse, else xdg-open when installed. */
    Browser SYSTEM = url -> {
        try {
            if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(url);
                return true;
            }
        } catch (Exception | LinkageError e) {
            // fall through to xdg-open: some desktops claim BROWSE support and then fail
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path xdg = Path.of(dir.isEmpty() ? "." : dir, "xdg-open");
            if (Files.isExecutable(xdg) && (System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null)) {
                try {
                    new ProcessBuilder(xdg.toString(), url.toString()).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    return true;
                } catch (Exception e) {
                    return false;
                }
            }
        }
        return false;
    };
}
