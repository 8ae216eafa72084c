package xerolink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binding's JSON: exact decimals, escapes, and errors instead of guesses. */
class JsonTest {
    @Test
    void amountsStayExact() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("unit_price", new BigDecimal("19.9950"));
        line.put("quantity", 3);
        line.put("big", new BigDecimal("12345678901234567890.0001"));
        String text = Json.write(line);
        assertEquals("{\"unit_price\":19.9950,\"quantity\":3,\"big\":12345678901234567890.0001}", text);
        assertEquals(line.get("big"), XeroLink.object(Json.parse(text)).get("big"));
    }

    @Test
    void stringsRoundTrip() {
        String s = "quote \" backslash \\ newline \n tab \t nul \u0000 é ✓ 𝄞";
        assertEquals(s, Json.parse(Json.write(s)));
        assertEquals("\"\\ud800\"", Json.write("\ud800")); // a lone surrogate travels as an escape
        assertEquals(Arrays.asList(true, false, null), Json.parse("[true, false, null]"));
        assertEquals(List.of(), Json.parse(" [ ] "));
    }

    @Test
    void malformedTextIsRefused() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "1 2", "{\"a\":1,}"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
