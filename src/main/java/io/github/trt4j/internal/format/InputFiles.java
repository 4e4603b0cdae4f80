package io.github.trt4j.internal.format;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one check every file trt4j reads passes first, so that each way a path can fail to be a
 * readable file is named as what it is: missing, a symbolic link that is dangling or a loop, a
 * directory, a device or FIFO, or unreadable. ({@link Files#exists} says "no" to all of the first
 * three alike.)
 */
public final class InputFiles {

  private InputFiles() {}

  /**
   * Whether anything is at {@code file}, a dangling or looping symbolic link included.
   *
   * @throws IOException naming the file when even that cannot be found out (e.g. permission denied
   *     on its directory)
   */
  public static boolean present(Path file, String what) throws IOException {
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
  public static void requireReadable(Path file, String what) throws IOException {
    if (!present(file, what)) {
      throw new NoSuchFileException(file.toString(), null, what + " file not found");
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "Cannot read "
              + what
              + " file "
              + file
              + ": it is a dangling symbolic link (its target does not exist)",
          e);
    } catch (IOException e) {
      throw new IOException("Cannot read " + what + " file " + file + ": " + reason(e), e);
    }
    String prefix = "Cannot read " + what + " file " + file + ": ";
    if (a.isDirectory()) {
      throw new IOException(prefix + "it is a directory");
    }
    // A FIFO or device would block or never end: refuse anything but a regular file up front.
    if (!a.isRegularFile()) {
      throw new IOException(prefix + "not a readable regular file (a device, FIFO or socket)");
    }
    if (!Files.isReadable(file)) {
      throw new IOException(prefix + "permission denied");
    }
  }

  /** Why a file operation failed, in words: loops and permissions named as such. */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      String r = f.getReason();
      if (r.contains("symbolic link")) {
        return "a loop of symbolic links (" + r + ")";
      }
      return r;
    }
    return String.valueOf(e.getMessage());
  }
}
