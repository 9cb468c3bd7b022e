package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NDJSON reader's lines: every line end, lines longer than the read buffer, and the bound's two sides. */
class BoundedLinesTest {
    private static final int BUFFER = 1 << 16; // BoundedLines' read buffer

    @Test
    void endsLinesAtLfCrLfAndCrLikeReadLine() throws IOException {
        assertThat(lines("a\nb\r\nc\rd", 100)).containsExactly("a", "b", "c", "d");
        assertThat(lines("a\r\n\r\nb\n", 100)).containsExactly("a", "", "b");
        assertThat(lines("", 100)).isEmpty();
    }

    @Test
    void aLineReadInManyPiecesComesBackWhole() throws IOException {
        String long1 = text(3 * BUFFER + 17, 'x');
        String long2 = text(BUFFER, 'é') + "😀"; // not Latin-1: kept as it was written
        String input = "first\n" + long1 + "\r\n" + long2 + "\r" + "last";
        // a reader that hands out a few characters at a time, as a decoder may
        assertThat(lines(new Trickle(input, 7_001), 4 * BUFFER)).containsExactly("first", long1, long2, "last");
        assertThat(lines(input, 4 * BUFFER)).containsExactly("first", long1, long2, "last");
    }

    @Test
    void aLineOfExactlyTheBoundIsKeptAndOneMoreIsTooLongWithTheNextLinesRead() throws IOException {
        int max = 2 * BUFFER + 5;
        String atTheBound = text(max, 'a');
        List<String> read = lines(atTheBound + "\n" + text(max + 1, 'b') + "\nafter\n" + text(5 * max, 'c'), max);
        assertThat(read).hasSize(4);
        assertThat(read.get(0)).isEqualTo(atTheBound);
        assertThat(read.get(1)).isSameAs(BoundedLines.TOO_LONG);
        assertThat(read.get(2)).isEqualTo("after");
        assertThat(read.get(3)).as("too long up to the end of the input").isSameAs(BoundedLines.TOO_LONG);
    }

    private static List<String> lines(String input, int max) throws IOException {
        return lines(new StringReader(input), max);
    }

    private static List<String> lines(Reader in, int max) throws IOException {
        BoundedLines lines = new BoundedLines(in, max);
        List<String> out = new ArrayList<>();
        for (String line; (line = lines.next()) != null; ) {
            out.add(line);
        }
        return out;
    }

    private static String text(int length, char c) {
        return String.valueOf(c).repeat(length);
    }

    /** At most {@code step} characters per read. */
    private static final class Trickle extends Reader {
        private final StringReader in;
        private final int step;

        Trickle(String text, int step) {
            this.in = new StringReader(text);
            this.step = step;
        }

        @Override
        public int read(char[] into, int off, int len) throws IOException {
            return in.read(into, off, Math.min(len, step));
        }

        @Override
        public void close() {
            in.close();
        }
    }
}
