package io.ccsync.auth.flow;

import java.net.URI;

/**
 * The configured redirect URI seen as a place ccsync can listen on: {@code http://localhost:PORT/path} or
 * {@code http://127.0.0.1:PORT/path}. Anything else cannot reach a receiver on this machine.
 */
public record RedirectUri(URI uri, int port, String path) {

    public static RedirectUri of(URI uri) {
        String host = uri.getHost();
        boolean loopback = "localhost".equalsIgnoreCase(host) || "127.0.0.1".equals(host);
        if (!"http".equalsIgnoreCase(uri.getScheme()) || !loopback || uri.getPort() < 1 || uri.getQuery() != null
                || uri.getFragment() != null) {
            throw new AuthorizationException("ccsync.oauth.redirect-uri is " + uri + ", but `ccsync authorize` "
                    + "receives the answer on this machine, so it must look like http://localhost:8765/callback "
                    + "(http, localhost or 127.0.0.1, an explicit port, a path, no query). Register such a URI for "
                    + "your application in the Constant Contact developer portal and set ccsync.oauth.redirect-uri "
                    + "to exactly it, or use `ccsync device-login`, which needs no redirect URI.");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new RedirectUri(uri, uri.getPort(), path);
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
