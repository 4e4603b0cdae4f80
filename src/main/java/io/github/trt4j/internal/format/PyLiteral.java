package io.github.trt4j.internal.format;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the Python literals an NPY header is made of, so that the header is read as the dict
 * NumPy's {@code ast.literal_eval} reads, not by pattern matching: strings in either quote style
 * (with escapes and implicit concatenation), integers (decimal, hex, octal, binary, underscores),
 * floats, {@code True}/{@code False}/{@code None}, tuples, lists and dicts, with comments and any
 * whitespace between tokens.
 *
 * <p>Unlike Python it refuses a dict with a repeated key (Python keeps the last silently, which
 * would let two readers see two different arrays). Bytes, complex numbers, sets and anything nested
 * deeper than {@link #MAX_DEPTH} are refused too.
 */
public final class PyLiteral {

  /** A Python tuple: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
  public record Tuple(List<Object> items) {}

  /** Python's {@code None}. */
  public enum None {
    NONE
  }

  /** Why a text is not a literal this parser reads; {@link #getMessage()} says where. */
  public static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message);
    }
  }

  static final int MAX_DEPTH = 32;

  private final String s;
  private final boolean longSuffix;
  private int pos;
  private int depth;

  private PyLiteral(String s, boolean longSuffix) {
    this.s = s;
    this.longSuffix = longSuffix;
  }

  /**
   * Parses one literal filling all of {@code text} (whitespace and comments aside).
   *
   * @param longSuffix accept Python 2's {@code L} after integers, as NumPy does for format 1 and 2
   */
  public static Object parse(String text, boolean longSuffix) throws SyntaxError {
    PyLiteral p = new PyLiteral(text, longSuffix);
    p.skipSpace();
    Object v = p.value();
    p.skipSpace();
    if (p.pos < text.length()) {
      throw p.error("unexpected " + p.describeHere() + " after the literal");
    }
    return v;
  }

  private Object value() throws SyntaxError {
    skipSpace();
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(pos);
    if (c == '-' || c == '+') {
      pos++;
      skipSpace();
      // Python's literal_eval takes one sign on a number ("--1" is refused), so this recursion is
      // at most one level deep per sign and never follows a run of signs.
      if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
        throw error("more than one unary sign");
      }
      Object v = value();
      if (v instanceof BigInteger b) {
        return c == '-' ? b.negate() : b;
      }
      if (v instanceof Double d) {
        return c == '-' ? -d : d;
      }
      throw error("unary " + c + " applied to a non-number");
    }
    if (c == '(' || c == '[' || c == '{') {
      if (++depth > MAX_DEPTH) {
        throw error("nested more than " + MAX_DEPTH + " levels deep");
      }
      pos++;
      Object v = c == '(' ? tuple() : c == '[' ? list() : dict();
      depth--;
      return v;
    }
    if (c == '\'' || c == '"' || isStringPrefix()) {
      StringBuilder b = new StringBuilder();
      do {
        b.append(string());
        skipSpace();
      } while (pos < s.length()
          && (s.charAt(pos) == '\'' || s.charAt(pos) == '"' || isStringPrefix()));
      return b.toString();
    }
    if (Character.isDigit(c)
        || (c == '.' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1)))) {
      return number();
    }
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (pos < s.length()
          && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
        pos++;
      }
      String name = s.substring(start, pos);
      return switch (name) {
        case "True" -> Boolean.TRUE;
        case "False" -> Boolean.FALSE;
        case "None" -> None.NONE;
        default -> throw error("'" + abbreviate(name) + "' is not a literal");
      };
    }
    throw error("unexpected " + describeHere());
  }

  private Object tuple() throws SyntaxError {
    List<Object> items = new ArrayList<>();
    boolean comma = false;
    skipSpace();
    while (!peek(')')) {
      items.add(value());
      skipSpace();
      if (peek(',')) {
        pos++;
        comma = true;
        skipSpace();
      } else if (!peek(')')) {
        throw error("expected ',' or ')' in a tuple, found " + describeHere());
      }
    }
    pos++;
    // "(3)" is the number 3; "(3,)" and "()" are tuples.
    return items.size() == 1 && !comma ? items.get(0) : new Tuple(List.copyOf(items));
  }

  private Object list() throws SyntaxError {
    List<Object> items = new ArrayList<>();
    skipSpace();
    while (!peek(']')) {
      items.add(value());
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      } else if (!peek(']')) {
        throw error("expected ',' or ']' in a list, found " + describeHere());
      }
    }
    pos++;
    return List.copyOf(items);
  }

  private Object dict() throws SyntaxError {
    Map<Object, Object> m = new LinkedHashMap<>();
    skipSpace();
    while (!peek('}')) {
      int keyAt = pos;
      Object key = value();
      skipSpace();
      if (!peek(':')) {
        throw error(
            "expected ':' after a dict key, found " + describeHere() + " (sets are not read)");
      }
      pos++;
      Object v = value();
      if (key instanceof List<?> || key instanceof Map<?, ?>) {
        throw error("unhashable dict key at offset " + keyAt);
      }
      if (m.containsKey(key)) {
        throw error(
            "the key "
                + abbreviate(repr(key))
                + " appears twice (NumPy would silently keep the last)");
      }
      m.put(key, v);
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      } else if (!peek('}')) {
        throw error("expected ',' or '}' in a dict, found " + describeHere());
      }
    }
    pos++;
    return m;
  }

  private boolean isStringPrefix() {
    // u'' and r'' (any case, "ur" is not Python 3); b'' is bytes, which a header never holds.
    int i = pos;
    while (i < s.length() && i - pos < 2 && "uUrR".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    return i > pos
        && i < s.length()
        && (s.charAt(i) == '\'' || s.charAt(i) == '"')
        && !s.substring(pos, i).equalsIgnoreCase("ur")
        && !s.substring(pos, i).equalsIgnoreCase("ru")
        && !(i - pos == 2
            && Character.toLowerCase(s.charAt(pos)) == Character.toLowerCase(s.charAt(pos + 1)));
  }

  private String string() throws SyntaxError {
    boolean raw = false;
    while ("uUrR".indexOf(s.charAt(pos)) >= 0) {
      raw |= Character.toLowerCase(s.charAt(pos)) == 'r';
      pos++;
    }
    char q = s.charAt(pos);
    if (s.startsWith(String.valueOf(q).repeat(3), pos)) {
      throw error("triple-quoted strings are not read");
    }
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == q) {
        return b.toString();
      }
      if (c == '\n' || c == '\r') {
        throw error("unterminated string (line break inside)");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char e = s.charAt(pos++);
      if (raw) {
        b.append('\\').append(e);
        continue;
      }
      switch (e) {
        case '\n' -> {}
        case '\\', '\'', '"' -> b.append(e);
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'a' -> b.append('\u0007');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'v' -> b.append('\u000b');
        case 'x' -> b.append((char) hex(2));
        case 'u' -> b.append((char) hex(4));
        case 'U' -> b.appendCodePoint(codePoint(hex(8)));
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          int v = e - '0';
          for (int k = 0;
              k < 2 && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '7';
              k++) {
            v = v * 8 + (s.charAt(pos++) - '0');
          }
          b.append((char) v);
        }
        case 'N' -> throw error("\\N{...} escapes are not read");
        default -> b.append('\\').append(e);
      }
    }
  }

  private int codePoint(int v) throws SyntaxError {
    if (!Character.isValidCodePoint(v)) {
      throw error("invalid \\U escape");
    }
    return v;
  }

  private int hex(int digits) throws SyntaxError {
    if (pos + digits > s.length()) {
      throw error("truncated \\x or \\u escape");
    }
    int v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(s.charAt(pos++), 16);
      if (d < 0 || s.charAt(pos - 1) > 'f') {
        throw error("bad hex digit in an escape");
      }
      v = v * 16 + d;
    }
    return v;
  }

  private Object number() throws SyntaxError {
    int start = pos;
    while (pos < s.length()
        && (Character.isLetterOrDigit(s.charAt(pos))
            || s.charAt(pos) == '_'
            || s.charAt(pos) == '.'
            || ((s.charAt(pos) == '+' || s.charAt(pos) == '-')
                && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')
                && isDecimalFloatStart(start)))) {
      pos++;
    }
    String t = s.substring(start, pos);
    if (longSuffix && (t.endsWith("L") || t.endsWith("l")) && t.length() > 1) {
      t = t.substring(0, t.length() - 1);
    }
    // Scanned by hand, not by regular expressions: Java's regex engine recurses once per repeated
    // group, so a long digit run in a hostile header would overflow the stack.
    int radix = radixOf(t);
    if (radix == 0) {
      if (isFloat(t)) {
        return Double.parseDouble(t.replace("_", ""));
      }
      throw error("'" + abbreviate(t) + "' is not a number literal");
    }
    String digits = t.replace("_", "");
    if (radix != 10) {
      return new BigInteger(digits.substring(2), radix);
    }
    if (digits.length() > 1 && digits.charAt(0) == '0' && !allZeros(digits)) {
      throw error("'" + abbreviate(t) + "': leading zeros are not allowed in Python 3 integers");
    }
    if (digits.length() > 4300) {
      throw error("integer literal of " + digits.length() + " digits");
    }
    return new BigInteger(digits);
  }

  /**
   * The radix of an integer literal as Python writes it ({@code 1_000}, {@code 0x_ff}, {@code
   * 0o17}, {@code 0b1}), or 0 when {@code t} is not one.
   */
  static int radixOf(String t) {
    if (t.length() > 2 && t.charAt(0) == '0' && "xXoObB".indexOf(t.charAt(1)) >= 0) {
      int radix =
          switch (Character.toLowerCase(t.charAt(1))) {
            case 'x' -> 16;
            case 'o' -> 8;
            default -> 2;
          };
      // (_? digit)+
      int i = 2;
      while (i < t.length()) {
        if (t.charAt(i) == '_') {
          i++;
        }
        if (i >= t.length() || !isDigit(t.charAt(i), radix)) {
          return 0;
        }
        i++;
      }
      return radix;
    }
    return !t.isEmpty() && digitPart(t, 0) == t.length() ? 10 : 0;
  }

  /** Whether {@code t} is a Python float literal: {@code 1.}, {@code .5}, {@code 1_0.2e-3}, ... */
  static boolean isFloat(String t) {
    int i = digitPart(t, 0);
    boolean whole = i > 0;
    boolean fraction = false;
    if (i < t.length() && t.charAt(i) == '.') {
      int f = digitPart(t, i + 1);
      fraction = f > i + 1;
      i = f;
    }
    if (!whole && !fraction) {
      return false;
    }
    if (i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
      i++;
      if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
        i++;
      }
      int e = digitPart(t, i);
      if (e == i) {
        return false;
      }
      i = e;
    }
    return i == t.length();
  }

  /**
   * The end of {@code digit (_? digit)*} (ASCII decimal digits) at {@code i}; {@code i} if none.
   */
  private static int digitPart(String t, int i) {
    if (i >= t.length() || !isDigit(t.charAt(i), 10)) {
      return i;
    }
    int j = i + 1;
    while (j < t.length()) {
      if (isDigit(t.charAt(j), 10)) {
        j++;
      } else if (t.charAt(j) == '_' && j + 1 < t.length() && isDigit(t.charAt(j + 1), 10)) {
        j += 2;
      } else {
        break;
      }
    }
    return j;
  }

  private static boolean isDigit(char c, int radix) {
    return c < 0x80 && Character.digit(c, radix) >= 0;
  }

  private static boolean allZeros(String digits) {
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String t) {
    return t.length() <= 40 ? t : t.substring(0, 40) + "… (" + t.length() + " characters)";
  }

  private boolean isDecimalFloatStart(int start) {
    return !(pos - start >= 2 && s.charAt(start) == '0' && Character.isLetter(s.charAt(start + 1)));
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pos++;
      } else if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
        pos += 2;
      } else if (c == '#') {
        while (pos < s.length() && s.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private boolean peek(char c) throws SyntaxError {
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    return s.charAt(pos) == c;
  }

  private String describeHere() {
    if (pos >= s.length()) {
      return "end";
    }
    char c = s.charAt(pos);
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
  }

  private SyntaxError error(String what) {
    return new SyntaxError(what + " at offset " + Math.min(pos, s.length()));
  }

  /** Python's repr of a parsed value, for messages. */
  public static String repr(Object v) {
    if (v instanceof String str) {
      return "'" + str.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v == None.NONE) {
      return "None";
    }
    if (v instanceof Tuple t) {
      StringBuilder b = new StringBuilder("(");
      for (int i = 0; i < t.items().size(); i++) {
        b.append(i > 0 ? ", " : "").append(repr(t.items().get(i)));
      }
      return b.append(t.items().size() == 1 ? ",)" : ")").toString();
    }
    return String.valueOf(v);
  }
}
