package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The strict decoding under every reader: all the text, whatever the caller's buffer, and where it stops if it does. */
class DecodedTextTest {

    private static String readAll(Reader in, int bufferSize) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[bufferSize];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            assertThat(n).as("a read that returns nothing before the end").isPositive();
            text.append(buffer, 0, n);
        }
        return text.toString();
    }

    @Test
    void everyCharacterArrivesWhateverTheCallersBufferEvenOneCharacterForASurrogatePair() throws IOException {
        // the hostile-input property found it: asked for one character where the next was an emoji (two chars), the
        // first version answered -1, the end of the file, and the CSV reader silently lost the rest of the file
        String text = "email,note\na@example.com,😀 mégaöctet 𝔘𝔫𝔦\n".repeat(3000);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int size : new int[] {1, 2, 3, 7, 8192, 65536}) {
            assertThat(readAll(new DecodedText(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8), size))
                    .as("read %d characters at a time", size).isEqualTo(text);
        }
    }

    @Test
    void bytesNotValidInTheEncodingStopAfterEverythingBeforeThemWithTheirLine() throws IOException {
        byte[] bytes = "line 1\r\nline 2\rJ\u00e9r\u00f4me\n".getBytes(Charset.forName("windows-1252"));
        DecodedText in = new DecodedText(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8);
        char[] buffer = new char[100];

        assertThat(new String(buffer, 0, in.read(buffer))).isEqualTo("line 1\r\nline 2\rJ");
        assertThatThrownBy(() -> in.read(buffer)).isInstanceOf(UnreadableFileException.class)
                .hasMessage("the text is not valid UTF-8 (byte 17 of the file: E9); save the file as UTF-8, or set "
                        + "the inbox's encoding (for example windows-1252)")
                .extracting(e -> ((UnreadableFileException) e).line()).isEqualTo(3L);
    }
}
