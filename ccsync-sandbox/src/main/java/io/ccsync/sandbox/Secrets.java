package io.ccsync.sandbox;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Unguessable values for codes and tokens, which the sandbox never logs. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Kept only under -Dccsync.sandbox.record-secrets=true: the test suite scans every log for these values. */
    private static final boolean RECORD = Boolean.getBoolean("ccsync.sandbox.record-secrets");
    private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Notes a secret value handed to a client (code, token), when recording is on; returns it unchanged. */
    static String issued(String value) {
        if (RECORD) {
            ISSUED.add(value);
        }
        return value;
    }

    static Set<String> issuedSoFar() {
        return Set.copyOf(ISSUED);
    }

    /** An RFC 8628 user code: consonants only, so it never spells a word; e.g. BCDF-GHJK. */
    static String userCode() {
        String alphabet = "BCDFGHJKLMNPQRSTVWXZ";
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
