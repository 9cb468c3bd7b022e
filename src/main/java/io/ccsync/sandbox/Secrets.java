package io.ccsync.sandbox;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values for codes and tokens, which the sandbox never logs. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
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
