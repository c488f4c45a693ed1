package dev.ftcp.bench.charts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough of a JSON reader for the harness's own report: objects become
 * {@code LinkedHashMap<String, Object>} (in file order), arrays {@code List<Object>}, numbers
 * {@code Double}, and strings, booleans and null themselves. Not thread-safe; one instance reads
 * one text.
 */
final class JsonTree {
  private final String s;
  private int i;

  private JsonTree(String s) {
    this.s = s;
  }

  /** The value {@code text} holds; {@link IllegalArgumentException} names where it is malformed. */
  static Object parse(String text) {
    JsonTree t = new JsonTree(text);
    Object v = t.value();
    t.space();
    if (t.i != t.s.length()) {
      throw t.error("text after the value");
    }
    return v;
  }

  private Object value() {
    space();
    if (i >= s.length()) {
      throw error("a value expected");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return word("true", Boolean.TRUE);
      case 'f':
        return word("false", Boolean.FALSE);
      case 'n':
        return word("null", null);
      default:
        return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    i++;
    space();
    if (peek() == '}') {
      i++;
      return m;
    }
    for (;;) {
      space();
      if (peek() != '"') {
        throw error("a name expected");
      }
      String name = string();
      space();
      expect(':');
      m.put(name, value());
      space();
      if (peek() == ',') {
        i++;
      } else {
        expect('}');
        return m;
      }
    }
  }

  private List<Object> array() {
    List<Object> a = new ArrayList<>();
    i++;
    space();
    if (peek() == ']') {
      i++;
      return a;
    }
    for (;;) {
      a.add(value());
      space();
      if (peek() == ',') {
        i++;
      } else {
        expect(']');
        return a;
      }
    }
  }

  private String string() {
    StringBuilder sb = new StringBuilder();
    i++;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i >= s.length()) {
        break;
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n':
          sb.append('\n');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'u':
          if (i + 4 > s.length()) {
            throw error("a short \\u escape");
          }
          sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
          break;
        default:
          sb.append(e); // \" \\ \/
      }
    }
    throw error("an unterminated string");
  }

  private Double number() {
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    try {
      return Double.valueOf(s.substring(start, i));
    } catch (NumberFormatException e) {
      i = start;
      throw error("a value expected");
    }
  }

  private Object word(String w, Object v) {
    if (!s.startsWith(w, i)) {
      throw error("a value expected");
    }
    i += w.length();
    return v;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("'" + c + "' expected");
    }
    i++;
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private void space() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("not the harness's JSON: " + what + " at character " + i);
  }
}
