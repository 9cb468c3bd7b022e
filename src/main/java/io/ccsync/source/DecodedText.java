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
    private long line = 1;
    private long bytesBefore; // bytes of the file before the buffer's start
    private boolean eof;
    private boolean flushed;
    private UnreadableFileException pending;

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
        if (pending != null) {
            throw pending;
        }
        CharBuffer out = CharBuffer.wrap(buffer, offset, length);
        while (out.position() == offset && !flushed) {
            CoderResult result = decoder.decode(bytes, out, eof);
            if (result.isError()) {
                count(buffer, offset, out.position());
                pending = invalid(result.length());
                break;
            }
            if (result.isOverflow()) {
                break;
            }
            if (eof) {
                flushed = !decoder.flush(out).isOverflow();
            } else {
                fill();
            }
        }
        int n = out.position() - offset;
        if (pending == null) {
            count(buffer, offset, out.position());
        }
        if (n > 0) {
            return n;
        }
        if (pending != null) {
            throw pending;
        }
        return -1;
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

    private void count(char[] buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                line++;
            }
        }
    }

    private UnreadableFileException invalid(int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length && bytes.position() + i < bytes.limit(); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02X", bytes.get(bytes.position() + i) & 0xff));
        }
        return new UnreadableFileException(line, "the text is not valid " + decoder.charset().name() + " (byte "
                + (bytesBefore + bytes.position() + 1) + " of the file: " + hex + "); save the file as UTF-8, or "
                + "set the inbox's encoding (for example windows-1252)");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
