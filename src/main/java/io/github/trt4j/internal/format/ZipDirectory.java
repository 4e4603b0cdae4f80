package io.github.trt4j.internal.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ZIP consistency checks Python's {@code zipfile} makes and {@link java.util.zip.ZipFile} does
 * not, so that an NPZ archive NumPy refuses is not read by trt4j under a damaged name: the central
 * directory must lie before its end record, every entry's local header must carry the same name as
 * its central directory record, and no entry may need a ZIP version above 6.3. ({@link
 * java.util.zip.ZipFile} reads each entry through the central directory, so a local name that
 * differs would otherwise go unnoticed.)
 */
final class ZipDirectory {

  private static final int EOCD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_EOCD = 0x06064b50;
  private static final int CEN = 0x02014b50;
  private static final int LOC = 0x04034b50;
  private static final int MAX_EXTRACT_VERSION = 63;

  private ZipDirectory() {}

  /**
   * Checks the archive and returns its entry names in central directory order, as this reading of
   * the end record found them; the caller compares them with what {@link java.util.zip.ZipFile}
   * lists, so that the entries checked are the entries read.
   */
  static List<String> check(Path file) throws IOException {
    List<String> names = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int tailLen = (int) Math.min(size, 22 + 65535);
      ByteBuffer tail = read(ch, size - tailLen, tailLen);
      int at = -1;
      for (int i = tailLen - 22; i >= 0; i--) {
        if (tail.getInt(i) == EOCD) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        return names; // ZipFile reports the missing end record in its own words
      }
      // Readers disagree on which end record counts when the last one found does not end the
      // file: Python takes the last signature, ZipFile the last whose comment reaches the end
      // (or one that its own checks accept), so a decoy record inside an archive comment or in
      // trailing bytes would show different entries to different readers. Refuse, as strict
      // ZIP readers do.
      int comment = Short.toUnsignedInt(tail.getShort(at + 20));
      if (at + 22 + comment != tailLen) {
        throw new IOException(
            file
                + ": not a readable NPZ (zip) archive: ambiguous end record (the"
                + " last end-of-central-directory record, at offset "
                + (size - tailLen + at)
                + ", declares a "
                + comment
                + "-byte comment but "
                + (tailLen - at - 22)
                + " bytes follow it); readers would disagree on its entries");
      }
      long eocdPos = size - tailLen + at;
      long entries = Short.toUnsignedInt(tail.getShort(at + 10));
      long cdSize = Integer.toUnsignedLong(tail.getInt(at + 12));
      long cdOffset = Integer.toUnsignedLong(tail.getInt(at + 16));
      long cdEnd = eocdPos;
      if (eocdPos >= 20
          && (entries == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL)) {
        ByteBuffer loc = read(ch, eocdPos - 20, 20);
        if (loc.getInt(0) == ZIP64_LOCATOR) {
          long z64 = loc.getLong(8);
          if (z64 < 0 || z64 + 56 > size) {
            throw new IOException(
                file + ": not a readable NPZ (zip) archive: bad ZIP64 end record offset");
          }
          ByteBuffer rec = read(ch, z64, 56);
          if (rec.getInt(0) != ZIP64_EOCD) {
            throw new IOException(
                file + ": not a readable NPZ (zip) archive: bad ZIP64 end record");
          }
          entries = rec.getLong(32);
          cdSize = rec.getLong(40);
          cdOffset = rec.getLong(48);
          cdEnd = eocdPos - 20 - 56;
        }
      }
      // Like Python (and ZipFile), the directory is taken to end where the end record starts; a
      // recorded offset that disagrees shifts every local header offset (data prepended to the
      // archive). It must not start before the file does.
      if (cdSize < 0 || cdOffset < 0 || cdEnd - cdSize < 0 || cdSize > Integer.MAX_VALUE - 8) {
        throw new IOException(
            file + ": not a readable NPZ (zip) archive: bad offset for the central" + " directory");
      }
      long shift = cdEnd - cdSize - cdOffset;
      ByteBuffer cd = read(ch, cdOffset + shift, (int) cdSize);
      int p = 0;
      for (long n = 0; n < entries && p + 46 <= cdSize; n++) {
        if (cd.getInt(p) != CEN) {
          return names; // ZipFile refuses a broken directory itself; the names will differ
        }
        int extractVersion = Byte.toUnsignedInt(cd.get(p + 6));
        int nameLen = Short.toUnsignedInt(cd.getShort(p + 28));
        int extraLen = Short.toUnsignedInt(cd.getShort(p + 30));
        int commentLen = Short.toUnsignedInt(cd.getShort(p + 32));
        if (p + 46 + nameLen + extraLen > cdSize) {
          return names;
        }
        byte[] name = new byte[nameLen];
        cd.get(p + 46, name);
        String shown = new String(name, StandardCharsets.UTF_8);
        if (extractVersion > MAX_EXTRACT_VERSION) {
          throw new IOException(
              file
                  + "["
                  + shown
                  + "]: needs ZIP version "
                  + extractVersion / 10
                  + "."
                  + extractVersion % 10
                  + ", newer than the 6.3 this reader (and NumPy) supports");
        }
        long local = localOffset(cd, p, nameLen, extraLen) + shift;
        if (local < 0 || local + 30 > size) {
          throw new IOException(file + "[" + shown + "]: its local header lies outside the file");
        }
        ByteBuffer lh = read(ch, local, 30);
        int localNameLen = Short.toUnsignedInt(lh.getShort(26));
        if (lh.getInt(0) != LOC || local + 30 + localNameLen > size) {
          throw new IOException(file + "[" + shown + "]: bad local header; the archive is damaged");
        }
        byte[] localName = new byte[localNameLen];
        read(ch, local + 30, localNameLen).get(0, localName);
        if (!Arrays.equals(name, localName)) {
          throw new IOException(
              file
                  + "["
                  + shown
                  + "]: the local header names it '"
                  + new String(localName, StandardCharsets.UTF_8)
                  + "'; the archive is damaged");
        }
        names.add(shown);
        p += 46 + nameLen + extraLen + commentLen;
      }
    }
    return names;
  }

  /** The local header offset, from the ZIP64 extra field when the 32-bit field says 0xFFFFFFFF. */
  private static long localOffset(ByteBuffer cd, int p, int nameLen, int extraLen) {
    long offset = Integer.toUnsignedLong(cd.getInt(p + 42));
    if (offset != 0xFFFFFFFFL) {
      return offset;
    }
    boolean usize = Integer.toUnsignedLong(cd.getInt(p + 24)) == 0xFFFFFFFFL;
    boolean csize = Integer.toUnsignedLong(cd.getInt(p + 20)) == 0xFFFFFFFFL;
    int e = p + 46 + nameLen;
    int end = e + extraLen;
    while (e + 4 <= end) {
      int id = Short.toUnsignedInt(cd.getShort(e));
      int len = Short.toUnsignedInt(cd.getShort(e + 2));
      if (id == 1) {
        int q = e + 4 + (usize ? 8 : 0) + (csize ? 8 : 0);
        return q + 8 <= e + 4 + len ? cd.getLong(q) : -1;
      }
      e += 4 + len;
    }
    return -1;
  }

  private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    return b.flip().order(ByteOrder.LITTLE_ENDIAN);
  }
}
