package io.ccsync.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * A file's bytes as text in its configured encoding, strictly: bytes that are not valid in that encoding stop reading
 * with the line they are on. Unlike an {@link java.io.InputStreamReader}, which throws away the whole buffer it was
 * decoding when it meets such bytes, every character before them is handed out first, so the records before that
 * line are read and the report can name the line itself.
 */
final class DecodedText extends Reader {
    private final InputStream in;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 13).flip();
    private final CharBuffer chars = CharBuffer.allocate(1 << 13).flip();
    private long line = 1; // the line of the next character handed out
    private boolean afterCr;
    private long bytesBefore; // bytes of the file before the byte buffer's start
    private boolean eof;
    private boolean flushed;
    private String invalid; // the bytes not valid in the encoding, once met: "byte 1234 of the file: E9"

    DecodedText(InputStream in, Charset charset) {
        this.in = in;
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!chars.hasRemaining() && (invalid != null || !decode())) {
            if (invalid != null) { // everything before it has been handed out: its line is known now
                throw new UnreadableFileException(line, "the text is not valid " + decoder.charset().name() + " ("
                        + invalid + "); save the file as UTF-8, or set the inbox's encoding (for example "
                        + "windows-1252)");
            }
            return -1;
        }
        int n = Math.min(length, chars.remaining());
        chars.get(buffer, offset, n);
        for (int i = offset; i < offset + n; i++) { // LF, CRLF or a lone CR, as the readers count lines
            char c = buffer[i];
            if (c == '\r' || (c == '\n' && !afterCr)) {
                line++;
            }
            afterCr = c == '\r';
        }
        return n;
    }

    /** Decodes the next characters into {@link #chars}; false when there are none (the end, or invalid bytes). */
    private boolean decode() throws IOException {
        chars.clear();
        while (chars.position() == 0 && !flushed) {
            CoderResult result = decoder.decode(bytes, chars, eof);
            if (result.isError()) {
                StringBuilder hex = new StringBuilder();
                for (int i = 0; i < result.length() && bytes.position() + i < bytes.limit(); i++) {
                    hex.append(i == 0 ? "" : " ")
                            .append(String.format("%02X", bytes.get(bytes.position() + i) & 0xff));
                }
                invalid = "byte " + (bytesBefore + bytes.position() + 1) + " of the file: " + hex;
                break;
            }
            if (result.isOverflow()) {
                break;
            }
            if (eof) {
                flushed = !decoder.flush(chars).isOverflow();
            } else {
                fill();
            }
        }
        chars.flip();
        return chars.hasRemaining();
    }

    private void fill() throws IOException {
        bytesBefore += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            eof = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
