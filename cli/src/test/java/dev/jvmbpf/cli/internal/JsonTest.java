package dev.jvmbpf.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedValuesInInsertionOrder() {
        Map<String, Object> o = Json.object();
        o.put("name", "xdp_prog");
        o.put("r0", Json.unsigned(-1L));
        o.put("ok", true);
        o.put("items", List.of(1, "two", Json.object()));
        o.put("none", null);
        assertEquals("{\"name\":\"xdp_prog\",\"r0\":18446744073709551615,\"ok\":true,"
                + "\"items\":[1,\"two\",{}],\"none\":null}", Json.write(o));
    }

    @Test
    void escapesControlCharactersQuotesAndLoneSurrogates() {
        assertEquals("\"a\\\"b\\\\c\\n\\u001b[31m\\ud800\"", Json.write("a\"b\\c\n\u001b[31m\ud800"));
        assertEquals("\"\ud83d\ude00\"", Json.write("\ud83d\ude00"));
    }

    @Test
    void prettyIndentsTwoSpacesPerLevel() {
        Map<String, Object> o = Json.object();
        o.put("a", List.of(1, 2));
        o.put("b", Json.object());
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}", Json.pretty(o));
    }
}
