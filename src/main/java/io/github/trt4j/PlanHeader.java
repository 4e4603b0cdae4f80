package io.github.trt4j;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The start of a serialized TensorRT engine ("plan"), read without a GPU: the plan tag {@code
 * 0x74727466} (the bytes {@code ftrt}) in the first four bytes, little-endian, and the TensorRT
 * version that wrote it in bytes 24 to 27 (major, minor, patch, build), as {@code trtexec
 * --getPlanVersionOnly} reads them. TensorRT 10 also records the plan's total size as a
 * little-endian 64-bit integer at byte 16 and refuses a plan whose size differs ("assertion
 * plan->header.size == blobSize failed"); {@link #requireComplete} checks it in Java first, so a
 * truncated file gets a clear message.
 *
 * @param major TensorRT major version, e.g. 10
 * @param minor minor version, e.g. 6
 * @param patch patch version
 * @param build build number
 * @param declaredBytes the plan size recorded in the header (TensorRT 10 plans)
 */
public record PlanHeader(int major, int minor, int patch, int build, long declaredBytes) {

  /** The plan tag, read as a little-endian 32-bit integer from offset 0. */
  public static final int TAG = 0x74727466;

  /** Bytes needed to read the header. */
  public static final int SIZE = 28;

  private static final int SIZE_OFFSET = 16;
  private static final int VERSION_OFFSET = 24;

  /**
   * Reads the header of a plan file.
   *
   * @param file the plan file
   * @return its header
   * @throws IOException if the file cannot be read (the message names it)
   * @throws EngineLoadException if it is empty, too short or not a TensorRT plan
   */
  public static PlanHeader read(Path file) throws IOException {
    PlanDigest.requireRegularFile(file, "engine");
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(SIZE);
    } catch (IOException e) {
      throw new IOException("Cannot read engine file " + file + ": " + e, e);
    }
    return parse(file.toString(), MemorySegment.ofArray(head), Files.size(file));
  }

  /**
   * Reads the header at the start of {@code plan}; {@code source} names it in messages.
   *
   * @param source the plan's name for messages
   * @param plan the plan's bytes (at least its first 28)
   * @return the header
   * @throws EngineLoadException if it is empty, too short or not a TensorRT plan
   */
  public static PlanHeader parse(String source, byte[] plan) {
    return parse(source, MemorySegment.ofArray(plan), plan.length);
  }

  /**
   * Reads the header at the start of {@code plan}.
   *
   * @param source the plan's name for messages
   * @param plan the plan's bytes (at least its first 28)
   * @param totalBytes the plan's full size, for the message when it is too short
   * @return the header
   * @throws EngineLoadException if it is empty, too short or not a TensorRT plan
   */
  public static PlanHeader parse(String source, MemorySegment plan, long totalBytes) {
    if (totalBytes == 0) {
      throw new EngineLoadException(source, "the file is empty (0 bytes), not a TensorRT plan");
    }
    if (plan.byteSize() < 4) {
      throw new EngineLoadException(
          source, "only " + totalBytes + " bytes: too short to be a TensorRT plan");
    }
    int tag =
        plan.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
    if (tag != TAG) {
      throw new EngineLoadException(
          source,
          String.format(
              "not a TensorRT plan: its first bytes are %s, a plan starts with 'ftrt' (tag 0x%08x)",
              printable(plan), TAG));
    }
    if (plan.byteSize() < SIZE) {
      throw new EngineLoadException(
          source, "truncated: " + totalBytes + " bytes, shorter than a TensorRT plan header");
    }
    return new PlanHeader(
        Byte.toUnsignedInt(plan.get(ValueLayout.JAVA_BYTE, VERSION_OFFSET)),
        Byte.toUnsignedInt(plan.get(ValueLayout.JAVA_BYTE, VERSION_OFFSET + 1)),
        Byte.toUnsignedInt(plan.get(ValueLayout.JAVA_BYTE, VERSION_OFFSET + 2)),
        Byte.toUnsignedInt(plan.get(ValueLayout.JAVA_BYTE, VERSION_OFFSET + 3)),
        plan.get(
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN),
            SIZE_OFFSET));
  }

  /**
   * Throws unless the header's recorded size equals {@code actualBytes} (TensorRT 10 plans only).
   *
   * @param source the plan's name for messages
   * @param actualBytes the plan's size
   * @throws EngineLoadException e.g. "truncated: the plan header says 491828 bytes, got 245914"
   */
  public void requireComplete(String source, long actualBytes) {
    if (major < 10 || declaredBytes == actualBytes) {
      return;
    }
    if (declaredBytes > actualBytes) {
      throw new EngineLoadException(
          source,
          "truncated: the plan header says " + declaredBytes + " bytes, got " + actualBytes);
    }
    throw new EngineLoadException(
        source,
        "the plan header says "
            + declaredBytes
            + " bytes, got "
            + actualBytes
            + " (extra data after the plan, or a damaged header)");
  }

  private static String printable(MemorySegment plan) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(4, plan.byteSize()); i++) {
      b.append(String.format("%02x ", plan.get(ValueLayout.JAVA_BYTE, i)));
    }
    return b.toString().trim();
  }

  /** {@return {@code major.minor.patch}} */
  public String version() {
    return major + "." + minor + "." + patch;
  }

  /** {@return {@code major.minor.patch.build}} */
  public String fullVersion() {
    return version() + "." + build;
  }

  /**
   * Whether a runtime of {@code runtimeVersion} ({@code major*10000 + minor*100 + patch}, as {@code
   * getInferLibVersion()} returns it) deserializes this plan: TensorRT needs the same major, minor
   * and patch version.
   *
   * @param runtimeVersion the runtime's version number
   * @return whether it loads this plan
   */
  public boolean compatibleWith(int runtimeVersion) {
    return major == runtimeVersion / 10000
        && minor == (runtimeVersion / 100) % 100
        && patch == runtimeVersion % 100;
  }

  /**
   * Throws unless {@link #compatibleWith} holds.
   *
   * @param source the plan's name for messages
   * @param runtimeVersion the runtime's version number
   * @throws EngineLoadException e.g. "built with TensorRT 8.6.1, this runtime is 10.6.0"
   */
  public void requireCompatible(String source, int runtimeVersion) {
    if (!compatibleWith(runtimeVersion)) {
      throw new EngineLoadException(
          source,
          "built with TensorRT "
              + version()
              + ", this runtime is "
              + versionString(runtimeVersion)
              + "; rebuild the engine with TensorRT "
              + versionString(runtimeVersion));
    }
  }

  /**
   * Throws unless {@link #compatibleWith} holds, naming both versions, where the loaded library is
   * ({@code libraryWhere}), and both fixes.
   *
   * @param source the plan's name for messages
   * @param runtimeVersion the runtime's version number
   * @param libraryWhere the loaded library's path and how it was found
   * @throws EngineLoadException naming both versions and the fixes
   */
  public void requireCompatible(String source, int runtimeVersion, String libraryWhere) {
    if (!compatibleWith(runtimeVersion)) {
      throw new EngineLoadException(
          source,
          io.github.trt4j.internal.trt.LibrarySearch.planMismatch(
              version(), versionString(runtimeVersion), libraryWhere));
    }
  }

  /**
   * This plan's version against {@code runtimeVersion} ({@code major*10000 + minor*100 + patch}).
   *
   * @param runtimeVersion a version number, {@code major*10000 + minor*100 + patch}
   * @return negative when the plan is older, 0 when equal, positive when newer
   */
  public int compareTo(int runtimeVersion) {
    return Integer.compare(major * 10000 + minor * 100 + patch, runtimeVersion);
  }

  /**
   * {@code 100600} as {@code 10.6.0}.
   *
   * @param v a version number, {@code major*10000 + minor*100 + patch}
   * @return {@code major.minor.patch}
   */
  public static String versionString(int v) {
    return (v / 10000) + "." + ((v / 100) % 100) + "." + (v % 100);
  }
}
