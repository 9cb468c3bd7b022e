package io.ccsync.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void lineBreaksEscapesAndBidiOverridesAreWrittenOutPlainTextStaysAsItIs() {
        assertThat(Printable.of("María O'Brien <m@example.com>, 東京")).isEqualTo("María O'Brien <m@example.com>, 東京");
        assertThat(Printable.of("a\nb\r\tc")).isEqualTo("a\\nb\\r\\tc");
        assertThat(Printable.of("\u001b[31mred\u009b0m\u007f")).isEqualTo("\\u001b[31mred\\u009b0m\\u007f");
        assertThat(Printable.of("evil\u202egnp.exe\u2028")).isEqualTo("evil\\u202egnp.exe\\u2028");
        assertThat(Printable.of(null)).isEqualTo("null");
    }
}
