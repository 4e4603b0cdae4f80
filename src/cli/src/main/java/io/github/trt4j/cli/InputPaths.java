package io.github.trt4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The CLI's checks of the paths it is given, before anything slow (or needing a GPU) runs: each way
 * a path can fail to be a readable file is named as what it is. The same wording as the core's own
 * check (which is internal to trt4j; this artifact uses only its public API).
 */
final class InputPaths {

  private InputPaths() {}

  /** Whether anything is at {@code file}, a dangling or looping symbolic link included. */
  static boolean present(Path file, String what) throws IOException {
    try {
      Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new IOException("Cannot read " + what + " file " + file + ": " + reason(e), e);
    }
  }

  /**
   * Requires {@code file} to be a readable regular file, following links.
   *
   * @throws NoSuchFileException when nothing is there ("WHAT file not found")
   * @throws IOException naming the file and why otherwise
   */
  static void requireReadable(Path file, String what) throws IOException {
    if (!present(file, what)) {
      throw new NoSuchFileException(file.toString(), null, what + " file not found");
    }
    String prefix = "Cannot read " + what + " file " + file + ": ";
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new IOException(
          prefix + "it is a dangling symbolic link (its target does not exist)", e);
    } catch (IOException e) {
      throw new IOException(prefix + reason(e), e);
    }
    if (a.isDirectory()) {
      throw new IOException(prefix + "it is a directory");
    }
    if (!a.isRegularFile()) {
      throw new IOException(prefix + "not a readable regular file (a device, FIFO or socket)");
    }
    if (!Files.isReadable(file)) {
      throw new IOException(prefix + "permission denied");
    }
  }

  /** Why a file operation failed, in words: loops and permissions named as such. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      String r = f.getReason();
      return r.contains("symbolic link") ? "a loop of symbolic links (" + r + ")" : r;
    }
    return String.valueOf(e.getMessage());
  }
}
