package io.ccsync.auth.flow;

import java.net.URI;
import java.time.Duration;

/**
 * The device authorization endpoint's answer (RFC 8628 section 3.2). The device code is a secret; the user code is
 * meant to be shown.
 */
public record DeviceAuthorization(String deviceCode, String userCode, URI verificationUri, URI verificationUriComplete,
        Duration expiresIn, Duration interval) {

    @Override
    public String toString() {
        return "DeviceAuthorization[userCode=" + userCode + ", verificationUri=" + verificationUri + ", expiresIn="
                + expiresIn + ", interval=" + interval + ", deviceCode=***]";
    }
}
