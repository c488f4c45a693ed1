package dev.ftcp.bench;

import java.util.Locale;

/** Just enough of a JSON writer for the report: objects, arrays, strings, numbers. */
final class Json {
  private final StringBuilder sb = new StringBuilder();
  private final int[] counts = new int[64];
  private int depth;

  Json open(String name, char bracket) {
    comma();
    name(name);
    sb.append(bracket);
    counts[++depth] = 0;
    return this;
  }

  Json object(String name) {
    return open(name, '{');
  }

  Json array(String name) {
    return open(name, '[');
  }

  Json end(char bracket) {
    depth--;
    sb.append(bracket);
    return this;
  }

  Json endObject() {
    return end('}');
  }

  Json endArray() {
    return end(']');
  }

  Json field(String name, String value) {
    comma();
    name(name);
    if (value == null) {
      sb.append("null");
    } else {
      string(value);
    }
    return this;
  }

  Json field(String name, double value) {
    comma();
    name(name);
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      sb.append("null");
    } else if (Math.abs(value) >= 1000 && Math.abs(value) < 1e15) {
      sb.append(Math.round(value)); // rates and bytes: a fraction would be noise
    } else if (value == Math.rint(value)) {
      sb.append((long) value);
    } else {
      sb.append(String.format(Locale.ROOT, "%.4g", value));
    }
    return this;
  }

  Json field(String name, boolean value) {
    comma();
    name(name);
    sb.append(value);
    return this;
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  private void comma() {
    if (counts[depth]++ > 0) {
      sb.append(',');
    }
    if (depth > 0) {
      sb.append('\n').append("  ".repeat(depth));
    }
  }

  private void name(String name) {
    if (name != null) {
      string(name);
      sb.append(": ");
    }
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
