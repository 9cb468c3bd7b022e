package io.ccsync.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption at rest for the jdbc token store: AES-256-GCM with a random 96-bit nonce per value, the key given as the
 * base64 of 32 bytes ({@code ccsync.token.encryption-key}, set from {@code CCSYNC_TOKEN_KEY}).
 *
 * <p>A sealed value reads {@code ccsync-aes256gcm:v1:KEYID:BASE64(nonce | ciphertext | tag)}. The key id (a keyed hash
 * of the key, not the key) lets a wrong key be named as such before anything is decrypted. The associated data binds
 * a value to its row and column, so a ciphertext copied elsewhere does not decrypt. A value without the prefix is
 * plain text (a row written before a key was set): the store refuses such a row while a key is set, until
 * {@code ccsync token migrate} seals it.
 */
public final class TokenCipher {
    /** The environment variable the shipped configuration reads the key from. */
    public static final String VARIABLE = "CCSYNC_TOKEN_KEY";
    private static final String SETTING = "ccsync.token.encryption-key";
    private static final String PREFIX = "ccsync-aes256gcm:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** No key: values are stored as they are. */
    public static final TokenCipher NONE = new TokenCipher(null, null);

    private final SecretKeySpec key;
    private final String keyId;

    private TokenCipher(SecretKeySpec key, String keyId) {
        this.key = key;
        this.keyId = keyId;
    }

    /**
     * The cipher for a configured key, {@link #NONE} when it is empty. A malformed key ends start-up with a message
     * naming the variable and never showing the value.
     */
    public static TokenCipher fromSetting(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            return NONE;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(malformed("is not valid base64"));
        }
        if (raw.length != 32) {
            throw new IllegalStateException(malformed("decodes to " + raw.length + " bytes, not 32"));
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            byte[] id = mac.doFinal("ccsync token key id".getBytes(StandardCharsets.US_ASCII));
            return new TokenCipher(new SecretKeySpec(raw, "AES"),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(id, 6)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the token encryption key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static String malformed(String why) {
        return "the token encryption key (" + SETTING + ", from the environment variable " + VARIABLE + ") " + why
                + ". It must be the base64 of 32 random bytes, for example the output of `openssl rand -base64 32`.";
    }

    public boolean enabled() {
        return key != null;
    }

    /** Whether a stored value is plain text although this cipher has a key (a row written before it was set). */
    boolean isPlain(String stored) {
        return key != null && stored != null && !stored.startsWith(PREFIX);
    }

    /** The value as stored: sealed with a fresh nonce when a key is set, else as it is. */
    String seal(String plain, String context) {
        if (plain == null || key == null) {
            return plain;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
            return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt the tokens: " + e.getMessage(), e);
        }
    }

    /**
     * The plain value of what {@link #seal} stored. A sealed value without the key, with another key, or altered in
     * the database is an error naming {@code where} and the variable: never a garbage token.
     */
    String open(String stored, String context, String where) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String storedKeyId = colon < 0 ? "" : rest.substring(0, colon);
        if (key == null) {
            throw new IllegalStateException("the tokens in " + where + " are encrypted (key id " + storedKeyId
                    + "), but no key is set. Set the environment variable " + VARIABLE + " (" + SETTING
                    + ") to the key they were written with.");
        }
        if (!storedKeyId.equals(keyId)) {
            throw new IllegalStateException("the tokens in " + where + " were encrypted with another key (key id "
                    + storedKeyId + ") than the one in " + VARIABLE + " (key id " + keyId + "). Set " + VARIABLE
                    + " to the key they were written with, or run `ccsync authorize` again to store new tokens.");
        }
        try {
            byte[] all = Base64.getDecoder().decode(rest.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new IllegalStateException("the encrypted tokens in " + where + " do not decrypt with the key in "
                    + VARIABLE + " although its key id matches: the stored value was altered or copied from another "
                    + "row. Run `ccsync authorize` again to store new tokens.");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt the tokens in " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return key == null ? "TokenCipher[none]" : "TokenCipher[AES-256-GCM, key id " + keyId + "]";
    }
}
