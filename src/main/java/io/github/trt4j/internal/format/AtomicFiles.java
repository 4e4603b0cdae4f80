package io.github.trt4j.internal.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the whole new content, never a torn
 * one: the data goes to a temporary file in the same directory, is forced to disk, and is renamed
 * over the target; then the directory is forced, so that the rename itself survives a power loss.
 * On any failure the temporary file is deleted and the target is left as it was.
 */
public final class AtomicFiles {

  /** Writes the content to an open stream; may throw. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  /** Atomically replaces {@code target} with {@code data}. */
  public static void write(Path target, byte[] data) throws IOException {
    write(target, out -> out.write(data));
  }

  /** Atomically replaces {@code target} with what {@code writer} writes. */
  public static void write(Path target, Writer writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    if (Files.exists(abs) && !Files.isRegularFile(abs)) {
      throw new IOException("Cannot write " + target + ": it exists and is not a regular file");
    }
    // Same directory: a rename within one file system is atomic; a dot name keeps it out of globs.
    // CREATE_NEW (not createTempFile, which makes it 0600) so the file gets the umask's mode.
    Path tmp =
        dir.resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(ch)) {
        writer.write(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("Cannot replace " + target + " atomically: " + e.getMessage(), e);
      }
      done = true;
      forceDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Forces a directory's entries to disk (Linux and macOS allow opening a directory to read). */
  static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; the rename is still atomic there.
    }
  }
}
