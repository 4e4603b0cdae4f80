package io.github.trt4j;

import io.github.trt4j.internal.format.AtomicFiles;
import io.github.trt4j.internal.format.InputFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The SHA-256 digest trt4j keeps beside every engine it writes, because TensorRT plans carry no
 * checksum and a damaged plan can crash the process that deserializes it.
 *
 * <p>For {@code model.engine} the digest is {@code model.engine.sha256}, one line in the format of
 * {@code sha256sum}, so that {@code sha256sum -c model.engine.sha256} checks it too:
 *
 * <pre>{@code
 * 3f2a…(64 hex digits)…9c  model.engine
 * }</pre>
 *
 * <p>{@link TrtEngine#load(Path)} checks the digest when the file exists, before TensorRT sees a
 * byte; {@link LoadOptions#requireDigest(boolean)} makes it required.
 */
public final class PlanDigest {

  /** The digest file's suffix. */
  public static final String SUFFIX = ".sha256";

  private static final HexFormat HEX = HexFormat.of();
  private static final int CHUNK = 1 << 24;
  // A digest line is 64 hex + 2 + a file name; anything much larger is not a digest file.
  private static final long MAX_DIGEST_FILE_BYTES = 64 * 1024;

  private PlanDigest() {}

  /**
   * {@code engine}'s digest file: the same name with {@code .sha256} appended, same directory.
   *
   * @param engine the engine file
   * @return the digest file's path
   */
  public static Path digestFile(Path engine) {
    return engine.resolveSibling(engine.getFileName() + SUFFIX);
  }

  /**
   * SHA-256 of {@code data}, 64 lowercase hex digits.
   *
   * @param data the bytes to hash
   * @return the digest in hex
   */
  public static String sha256(byte[] data) {
    return sha256(MemorySegment.ofArray(data));
  }

  /**
   * SHA-256 of the bytes of {@code data} (a mapped file, native or heap memory).
   *
   * @param data the bytes to hash
   * @return the digest in hex
   */
  public static String sha256(MemorySegment data) {
    MessageDigest md = newDigest();
    // ByteBuffer views are limited to 2 GiB, so larger plans are hashed in slices.
    for (long off = 0; off < data.byteSize(); off += CHUNK) {
      md.update(data.asSlice(off, Math.min(CHUNK, data.byteSize() - off)).asByteBuffer());
    }
    return HEX.formatHex(md.digest());
  }

  /**
   * SHA-256 of a file's content (memory-mapped, not read onto the heap).
   *
   * @param file the file to hash
   * @return the digest in hex
   * @throws IOException if the file is missing or unreadable
   */
  public static String sha256(Path file) throws IOException {
    requireRegularFile(file, "engine");
    try (Arena arena = Arena.ofConfined();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      return size == 0
          ? sha256(new byte[0])
          : sha256(ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
    }
  }

  /**
   * The {@code sha256sum} line for {@code engine} with digest {@code hex}. A name holding a
   * backslash, line feed or carriage return is escaped as GNU {@code sha256sum} escapes it ({@code
   * \\}, {@code \n}, {@code \r}, and a backslash before the line).
   *
   * @param engine the engine file (only its name is written)
   * @param hex the digest in hex
   * @return the line, ending in a line feed
   */
  public static String line(Path engine, String hex) {
    String name = engine.getFileName().toString();
    if (name.indexOf('\\') < 0 && name.indexOf('\n') < 0 && name.indexOf('\r') < 0) {
      return hex + "  " + name + "\n";
    }
    return "\\"
        + hex
        + "  "
        + name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        + "\n";
  }

  /**
   * Hashes {@code engine} and writes its digest file atomically.
   *
   * @param engine the engine file
   * @return the digest written
   * @throws IOException if the engine cannot be read or the digest file cannot be written
   */
  public static String write(Path engine) throws IOException {
    String hex = sha256(engine);
    write(engine, hex);
    return hex;
  }

  /**
   * Writes {@code hex} as {@code engine}'s digest file, atomically.
   *
   * @param engine the engine file
   * @param hex the digest in hex
   * @throws IOException if the digest file cannot be written
   */
  public static void write(Path engine, String hex) throws IOException {
    if (!isHex64(hex)) {
      throw new IllegalArgumentException("Not a SHA-256 digest (64 hex digits): " + hex);
    }
    AtomicFiles.write(
        digestFile(engine),
        line(engine, hex.toLowerCase(java.util.Locale.ROOT)).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The digest recorded for {@code engine}, or empty when it has no digest file.
   *
   * @param engine the engine file
   * @return the recorded digest in hex, or empty
   * @throws EngineLoadException naming the digest file when it is not one {@code sha256sum} line
   *     for this engine's file name
   * @throws IOException when the digest file exists but cannot be read
   */
  public static Optional<String> read(Path engine) throws IOException {
    Path file = digestFile(engine);
    // Only "nothing there" means no digest: a dangling or looping link, a directory or an
    // unreadable file in its place is an error, or the check could be skipped by breaking it.
    if (!InputFiles.present(file, "digest")) {
      return Optional.empty();
    }
    requireRegularFile(file, "digest");
    if (Files.size(file) > MAX_DIGEST_FILE_BYTES) {
      throw malformed(engine, file, Files.size(file) + " bytes, not one line");
    }
    return Optional.of(parse(engine, file, Files.readAllBytes(file)));
  }

  /**
   * The digest in a digest file's content: the one line for {@code engine} in any form {@code
   * sha256sum -c} reads (LF or CRLF line ends; {@code #} comment and blank lines skipped; text
   * {@code "HEX NAME"}, binary {@code "HEX *NAME"}, {@code "HEX NAME"}; the tagged {@code "SHA256
   * (NAME) = HEX"}; a leading backslash for an escaped name).
   */
  static String parse(Path engine, Path file, byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    String found = null;
    int lines = 0;
    for (String raw : text.split("\n", -1)) {
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (++lines > 1) {
        throw malformed(engine, file, "more than one digest line");
      }
      found = digestLine(engine, file, line);
    }
    if (found == null) {
      throw malformed(engine, file, "it is empty");
    }
    return found;
  }

  private static String digestLine(Path engine, Path file, String line) {
    String want = engine.getFileName().toString();
    boolean escaped = line.startsWith("\\");
    String s = escaped ? line.substring(1) : line;
    String hex;
    String name;
    if (s.startsWith("SHA256 (") && s.lastIndexOf("= ") > 8) {
      // The tagged form "SHA256 (NAME) = HEX" (the space before '=' optional, as GNU reads it).
      int eq = s.lastIndexOf("= ");
      String head = s.substring(0, eq).endsWith(" ") ? s.substring(0, eq - 1) : s.substring(0, eq);
      if (!head.endsWith(")")) {
        throw malformed(engine, file, "not 'SHA256 (" + want + ") = <64 hex digits>'");
      }
      name = head.substring(8, head.length() - 1);
      hex = s.substring(eq + 2);
    } else {
      // "<64 hex><space or tab>[<space> or *]<name>": sha256sum's text, binary and untagged modes.
      if (s.length() < 66 || (s.charAt(64) != ' ' && s.charAt(64) != '\t')) {
        throw malformed(engine, file, "not '<64 hex digits>  " + want + "'");
      }
      hex = s.substring(0, 64);
      int at = s.charAt(65) == ' ' || s.charAt(65) == '*' ? 66 : 65;
      name = s.substring(at);
    }
    if (!isHex64(hex)) {
      throw malformed(engine, file, "not '<64 hex digits>  " + want + "'");
    }
    if (escaped) {
      name = unescape(engine, file, name);
    }
    if (!name.equals(want)) {
      throw malformed(engine, file, "it is for '" + clip(name) + "', not '" + want + "'");
    }
    return hex.toLowerCase(java.util.Locale.ROOT);
  }

  /** GNU sha256sum's name escapes: {@code \\}, {@code \n}, {@code \r}. */
  private static String unescape(Path engine, Path file, String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = ++i < name.length() ? name.charAt(i) : 0;
      switch (e) {
        case '\\' -> b.append('\\');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        default -> throw malformed(engine, file, "a bad escape in the name at character " + i);
      }
    }
    return b.toString();
  }

  private static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  /** What {@link #check} found. */
  public enum State {
    /** No digest file beside the plan. */
    NONE,
    /** The recorded digest equals the file's. */
    MATCH,
    /** The recorded digest differs from the file's: damaged or replaced. */
    MISMATCH,
    /** The digest file exists but cannot be read as a digest ({@link Check#problem()} says why). */
    MALFORMED
  }

  /**
   * The outcome of {@link #check}.
   *
   * @param state what was found
   * @param recorded the digest the file records, or null (none, malformed)
   * @param actual the plan's digest, or null when not computed (none, malformed)
   * @param problem why a malformed digest file is one, or null
   */
  public record Check(State state, String recorded, String actual, String problem) {}

  /**
   * Hashes {@code engine} and compares it with its digest file: the one check that the engine
   * cache, {@code trt4j inspect} and loading share ({@link TrtEngine#load} hashes the very bytes it
   * maps and calls {@link #requireMatch}).
   *
   * @param engine the plan
   * @return what was found
   * @throws IOException if the plan itself cannot be read
   */
  public static Check check(Path engine) throws IOException {
    Optional<String> recorded;
    try {
      recorded = read(engine);
    } catch (EngineLoadException malformed) {
      return new Check(State.MALFORMED, null, null, malformed.getMessage());
    }
    if (recorded.isEmpty()) {
      return new Check(State.NONE, null, null, null);
    }
    String actual = sha256(engine);
    return new Check(
        recorded.get().equalsIgnoreCase(actual) ? State.MATCH : State.MISMATCH,
        recorded.get(),
        actual,
        null);
  }

  /**
   * Throws unless {@code actualHex} equals the digest recorded for {@code engine}.
   *
   * @param engine the engine file
   * @param recordedHex the digest its digest file records
   * @param actualHex the digest of its content
   * @throws EngineLoadException naming the file and both digests
   */
  public static void requireMatch(Path engine, String recordedHex, String actualHex) {
    if (!recordedHex.equalsIgnoreCase(actualHex)) {
      throw new EngineLoadException(
          engine.toString(),
          "SHA-256 mismatch: "
              + digestFile(engine).getFileName()
              + " records "
              + recordedHex
              + ", the file's content is "
              + actualHex
              + "; the plan is damaged or was replaced (rebuild it, or delete the digest file if the"
              + " new plan is intended)");
    }
  }

  private static EngineLoadException malformed(Path engine, Path file, String why) {
    return new EngineLoadException(
        engine.toString(),
        "malformed digest file "
            + file
            + ": "
            + why
            + " (expected one line as sha256sum writes it: '<64 hex digits>  "
            + engine.getFileName()
            + "')");
  }

  private static boolean isHex64(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  static void requireRegularFile(Path file, String what) throws IOException {
    InputFiles.requireReadable(file, what);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
