package dev.jvmbpf.cli.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text as plain Java values (ordered {@link Map}, {@link List}, {@link String},
 * {@link java.math.BigDecimal}, {@link Boolean}, {@code null}), parsed by Gson rather than by the
 * writer under test, for tests that compare whole key sets.
 */
public final class JsonReader {
    private JsonReader() {
    }

    public static Object parse(String text) {
        return plain(JsonParser.parseString(text));
    }

    private static Object plain(JsonElement e) {
        if (e.isJsonNull()) {
            return null;
        }
        if (e instanceof JsonObject o) {
            Map<String, Object> map = new LinkedHashMap<>();
            o.entrySet().forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
            return map;
        }
        if (e instanceof JsonArray a) {
            List<Object> list = new ArrayList<>();
            a.forEach(item -> list.add(plain(item)));
            return list;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        return p.isNumber() ? p.getAsBigDecimal() : p.getAsString();
    }
}
