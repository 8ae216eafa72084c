package xerolink;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text to and from Java values, for the binding's own use and the host's: objects are {@code Map<String,
 * Object>} (in document order), arrays {@code List<Object>}, strings {@code String}, numbers {@code BigDecimal}
 * (exact: amounts never pass through floating point), {@code Boolean} and {@code null}. Writing also takes any
 * {@code Number}, {@code CharSequence}, {@code Iterable} and {@code Map}. Small on purpose: no dependency.
 */
public final class Json {
    private Json() {}

    /** The value of a JSON text; IllegalArgumentException names the offset of the first error. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.space();
        Object value = p.value(0);
        p.space();
        if (p.at < text.length()) throw p.error("text after the value");
        return value;
    }

    /** The JSON text of a value. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof BigDecimal) {
            out.append(((BigDecimal) value).toPlainString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("JSON has no " + d);
            out.append(new BigDecimal(value.toString()).toPlainString());
        } else if (value instanceof Number) {
            out.append(value);
        } else if (value instanceof CharSequence || value instanceof Character || value instanceof Enum) {
            string(value.toString(), out);
        } else if (value instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!first) out.append(',');
                first = false;
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof Iterable) {
            out.append('[');
            boolean first = true;
            for (Object item : (Iterable<?>) value) {
                if (!first) out.append(',');
                first = false;
                write(item, out);
            }
            out.append(']');
        } else if (value instanceof Object[]) {
            write(java.util.Arrays.asList((Object[]) value), out);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    // Control characters and lone surrogates travel as escapes (the library reports the latter).
                    if (c < 0x20 || (Character.isSurrogate(c) && !validPair(s, i))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                        if (Character.isHighSurrogate(c)) out.append(s.charAt(++i));
                    }
            }
        }
        out.append('"');
    }

    private static boolean validPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static final class Parser {
        final String s;
        int at;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at offset " + at);
        }

        void space() {
            while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) at++;
        }

        Object value(int depth) {
            if (depth > 512) throw error("nesting too deep");
            if (at >= s.length()) throw error("end of text");
            char c = s.charAt(at);
            switch (c) {
                case '{': return object(depth);
                case '[': return array(depth);
                case '"': return string();
                case 't': return literal("true", Boolean.TRUE);
                case 'f': return literal("false", Boolean.FALSE);
                case 'n': return literal("null", null);
                default: return number();
            }
        }

        Object literal(String word, Object value) {
            if (!s.startsWith(word, at)) throw error("unexpected character");
            at += word.length();
            return value;
        }

        Map<String, Object> object(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            space();
            if (at < s.length() && s.charAt(at) == '}') {
                at++;
                return map;
            }
            while (true) {
                space();
                if (at >= s.length() || s.charAt(at) != '"') throw error("expected a member name");
                String key = string();
                space();
                if (at >= s.length() || s.charAt(at) != ':') throw error("expected ':'");
                at++;
                space();
                map.put(key, value(depth + 1));
                space();
                if (at < s.length() && s.charAt(at) == ',') {
                    at++;
                } else if (at < s.length() && s.charAt(at) == '}') {
                    at++;
                    return map;
                } else {
                    throw error("expected ',' or '}'");
                }
            }
        }

        List<Object> array(int depth) {
            List<Object> list = new ArrayList<>();
            at++;
            space();
            if (at < s.length() && s.charAt(at) == ']') {
                at++;
                return list;
            }
            while (true) {
                space();
                list.add(value(depth + 1));
                space();
                if (at < s.length() && s.charAt(at) == ',') {
                    at++;
                } else if (at < s.length() && s.charAt(at) == ']') {
                    at++;
                    return list;
                } else {
                    throw error("expected ',' or ']'");
                }
            }
        }

        String string() {
            StringBuilder out = new StringBuilder();
            at++;
            while (true) {
                if (at >= s.length()) throw error("unterminated string");
                char c = s.charAt(at++);
                if (c == '"') return out.toString();
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= s.length()) throw error("unterminated escape");
                char e = s.charAt(at++);
                switch (e) {
                    case '"': case '\\': case '/': out.append(e); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'n': out.append('\n'); break;
                    case 'r': out.append('\r'); break;
                    case 't': out.append('\t'); break;
                    case 'u':
                        if (at + 4 > s.length()) throw error("short \\u escape");
                        try {
                            out.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                        break;
                    default: throw error("bad escape");
                }
            }
        }

        BigDecimal number() {
            int start = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) at++;
            if (start == at) throw error("unexpected character");
            try {
                return new BigDecimal(s.substring(start, at));
            } catch (NumberFormatException x) {
                at = start;
                throw error("bad number");
            }
        }
    }
}
